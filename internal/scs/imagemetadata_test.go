package scs

import (
	"strings"
	"testing"
	"time"
)

var (
	testCreated = time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	testNow     = time.Date(2025, 6, 20, 0, 0, 0, 0, time.UTC)
)

// goodImageProps satisfies every scs-0102 rule, recommended ones included.
func goodImageProps() map[string]string {
	return map[string]string{
		"architecture": "x86_64", "os_distro": "ubuntu", "os_version": "24.04", "os_purpose": "generic",
		"hw_disk_bus": "scsi", "hw_scsi_model": "virtio-scsi", "hypervisor_type": "qemu", "hw_rng_model": "virtio",
		"image_build_date": "2025-06-01 12:00", "image_original_user": "ubuntu",
		"image_source":      "https://cloud-images.ubuntu.com/releases/noble/release-20250601/x.img",
		"image_description": "https://ubuntu.com", "replace_frequency": "monthly", "provided_until": "none",
		"uuid_validity": "last-3", "hotfix_hours": "0", "os_hash_algo": "sha512", "os_hash_value": "abc",
		"os_secure_boot": "disabled", "hw_firmware_type": "uefi", "hw_watchdog_action": "reset",
		"hw_mem_encryption": "False", "hw_pmu": "False", "hw_video_ram": "16", "hw_vif_multiqueue_enabled": "True",
	}
}

func TestCheckImageMetadataClean(t *testing.T) {
	got := CheckImageMetadata("Ubuntu 24.04", goodImageProps(), 5, 512, 3*gib, testCreated, testNow)
	for _, f := range got {
		t.Errorf("unexpected finding: %s", f)
	}
}

func TestCheckImageMetadata(t *testing.T) {
	tests := []struct {
		desc    string
		set     map[string]string // "" deletes the key
		minDisk int
		size    int64
		now     time.Time
		key     string
		sev     Severity
		msg     string
		also    int // further findings expected besides this one
	}{
		{desc: "architecture missing", set: map[string]string{"architecture": ""}, key: "architecture", sev: SeverityError, msg: "not set"},
		{desc: "architecture wrong", set: map[string]string{"architecture": "amd64"}, key: "architecture", sev: SeverityError, msg: `"amd64" is not one of x86_64, aarch64, risc-v`},
		{desc: "min_disk unset", minDisk: -1, key: "min_disk", sev: SeverityError, msg: "not set"},
		{desc: "min_disk too small", size: 6 * gib, key: "min_disk", sev: SeverityError, msg: "smaller than the image size"},
		{desc: "os_distro", set: map[string]string{"os_distro": ""}, key: "os_distro", sev: SeverityError},
		{desc: "os_version", set: map[string]string{"os_version": ""}, key: "os_version", sev: SeverityError},
		{desc: "os_purpose missing", set: map[string]string{"os_purpose": ""}, key: "os_purpose", sev: SeverityWarning},
		{desc: "os_purpose wrong", set: map[string]string{"os_purpose": "desktop"}, key: "os_purpose", sev: SeverityWarning, msg: `"desktop"`},
		{desc: "hw_disk_bus missing", set: map[string]string{"hw_disk_bus": ""}, key: "hw_disk_bus", sev: SeverityWarning},
		{desc: "hw_disk_bus wrong", set: map[string]string{"hw_disk_bus": "ide"}, key: "hw_disk_bus", sev: SeverityError},
		{desc: "hw_scsi_model", set: map[string]string{"hw_scsi_model": ""}, key: "hw_scsi_model", sev: SeverityInfo},
		{desc: "hypervisor_type missing", set: map[string]string{"hypervisor_type": ""}, key: "hypervisor_type", sev: SeverityInfo},
		{desc: "hypervisor_type wrong", set: map[string]string{"hypervisor_type": "vbox"}, key: "hypervisor_type", sev: SeverityError},
		{desc: "hw_rng_model wrong", set: map[string]string{"hw_rng_model": "random"}, key: "hw_rng_model", sev: SeverityError},
		{desc: "build date missing", set: map[string]string{"image_build_date": ""}, key: "image_build_date", sev: SeverityError, msg: "is not YYYY-MM-DD"},
		{desc: "build date bad", set: map[string]string{"image_build_date": "01.06.2025"}, key: "image_build_date", sev: SeverityError},
		{desc: "build date after created", set: map[string]string{"image_build_date": "2025-06-03"}, key: "image_build_date", sev: SeverityError, msg: "after created_at 2025-06-02T10:00:00Z"},
		{desc: "build date in future", now: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC), key: "image_build_date", sev: SeverityError, msg: "in the future"},
		{desc: "original user", set: map[string]string{"image_original_user": ""}, key: "image_original_user", sev: SeverityError},
		{desc: "source bad", set: map[string]string{"image_source": "ubuntu.com"}, key: "image_source", sev: SeverityError},
		{desc: "source scheme", set: map[string]string{"image_source": "s3://bucket/x"}, key: "image_source", sev: SeverityError},
		{desc: "description", set: map[string]string{"image_description": ""}, key: "image_description", sev: SeverityError},
		{desc: "replace_frequency missing", set: map[string]string{"replace_frequency": ""}, key: "replace_frequency", sev: SeverityError},
		{desc: "replace_frequency wrong", set: map[string]string{"replace_frequency": "hourly"}, key: "replace_frequency", sev: SeverityError},
		{desc: "provided_until missing", set: map[string]string{"provided_until": ""}, key: "provided_until", sev: SeverityError},
		{desc: "provided_until odd", set: map[string]string{"provided_until": "soon"}, key: "provided_until", sev: SeverityWarning},
		{desc: "uuid_validity missing", set: map[string]string{"uuid_validity": ""}, key: "uuid_validity", sev: SeverityWarning},
		{desc: "uuid_validity wrong", set: map[string]string{"uuid_validity": "last-"}, key: "uuid_validity", sev: SeverityError},
		{desc: "hotfix_hours missing", set: map[string]string{"hotfix_hours": ""}, key: "hotfix_hours", sev: SeverityInfo},
		{desc: "hotfix_hours wrong", set: map[string]string{"hotfix_hours": "-1"}, key: "hotfix_hours", sev: SeverityError},
		{desc: "hash algo wrong", set: map[string]string{"os_hash_algo": "md5"}, key: "os_hash_algo", sev: SeverityError},
		{desc: "hash algo missing", set: map[string]string{"os_hash_algo": ""}, key: "os_hash_algo", sev: SeverityInfo},
		{desc: "recommended key", set: map[string]string{"hw_pmu": ""}, key: "hw_pmu", sev: SeverityInfo},
		{desc: "outdated", set: map[string]string{"replace_frequency": "weekly", "provided_until": "2026-01-01"},
			key: "recency", sev: SeverityError, msg: "outdated for replace_frequency weekly"},
		{desc: "outdated, bad provided_until", set: map[string]string{"replace_frequency": "weekly", "provided_until": "later"},
			key: "recency", sev: SeverityError, msg: `provided_until "later" is not a date`, also: 1},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			props := goodImageProps()
			for k, v := range tt.set {
				if v == "" {
					delete(props, k)
				} else {
					props[k] = v
				}
			}
			minDisk := 5
			if tt.minDisk != 0 {
				minDisk = tt.minDisk
			}
			now := cmpOr(tt.now, testNow)
			got := CheckImageMetadata("Ubuntu 24.04", props, minDisk, 512, cmpOr(tt.size, 3*gib), testCreated, now)
			if len(got) != 1+tt.also {
				t.Fatalf("got %d findings %v, want %d", len(got), got, 1+tt.also)
			}
			f := got[len(got)-1]
			if f.Key != tt.key || f.Severity != tt.sev || !strings.Contains(f.Message, tt.msg) || f.Image != "Ubuntu 24.04" {
				t.Errorf("got %s, want %s %s containing %q", f, tt.sev, tt.key, tt.msg)
			}
		})
	}
}

func TestCheckImageMetadataMinRAM(t *testing.T) {
	for _, tt := range []struct {
		ram int
		sev Severity
	}{{0, SeverityError}, {32, SeverityWarning}} {
		got := CheckImageMetadata("x", goodImageProps(), 5, tt.ram, gib, testCreated, testNow)
		if len(got) != 1 || got[0].Key != "min_ram" || got[0].Severity != tt.sev {
			t.Errorf("min_ram %d: got %v, want one %s", tt.ram, got, tt.sev)
		}
	}
}

func TestCheckImageMetadataEmpty(t *testing.T) {
	got := CheckImageMetadata("bare", nil, 0, 0, 0, time.Time{}, testNow)
	errs := map[string]bool{}
	for _, f := range got {
		if f.Severity == SeverityError {
			errs[f.Key] = true
		}
	}
	for _, key := range []string{"architecture", "min_disk", "min_ram", "os_distro", "os_version", "image_build_date",
		"image_original_user", "image_source", "image_description", "replace_frequency", "provided_until"} {
		if !errs[key] {
			t.Errorf("no error for mandatory %s", key)
		}
	}
	if errs["recency"] {
		t.Error("recency error without replace_frequency")
	}
}

func TestFindingString(t *testing.T) {
	f := Finding{Image: "Debian 12", Key: "os_distro", Severity: SeverityError, Message: "not set"}
	if got, want := f.String(), `image "Debian 12": error: os_distro: not set`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// cmpOr returns v unless it is the zero value.
func cmpOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}
