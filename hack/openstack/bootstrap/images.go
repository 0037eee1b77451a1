package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// imageName is the public standard image the seed uploads.
const imageName = "Ubuntu 24.04"

// imageProperties are the scs-0102 properties of the standard image.
func imageProperties(buildDate string) map[string]string {
	return map[string]string{
		"architecture":              "x86_64",
		"hypervisor_type":           "qemu",
		"hw_disk_bus":               "scsi",
		"hw_scsi_model":             "virtio-scsi",
		"hw_rng_model":              "virtio",
		"hw_firmware_type":          "bios",
		"os_secure_boot":            "disabled",
		"hw_watchdog_action":        "reset",
		"hw_mem_encryption":         "False",
		"hw_pmu":                    "False",
		"hw_vif_multiqueue_enabled": "True",
		"os_distro":                 "ubuntu",
		"os_version":                "24.04",
		"os_purpose":                "generic",
		"image_build_date":          buildDate,
		"image_original_user":       "ubuntu",
		"image_source":              "https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img",
		"image_description":         "https://ubuntu.com/server/docs/cloud-images (fixture data of scs-migrate: a few MiB of test bytes in a 1 GiB qcow2, not bootable)",
		"replace_frequency":         "quarterly",
		"provided_until":            "none",
		"uuid_validity":             "last-3",
		"hotfix_hours":              "0",
	}
}

// seedImage uploads the public standard image: a qcow2 of 1 GiB virtual
// size holding a few MiB of deterministic bytes, with scs-0102 metadata.
func seedImage(ctx context.Context, image *gophercloud.ServiceClient, state string) error {
	pages, err := images.List(image, images.ListOpts{Name: imageName, Visibility: images.ImageVisibilityPublic}).AllPages(ctx)
	if err != nil {
		return err
	}
	found, err := images.ExtractImages(pages)
	if err != nil {
		return err
	}
	for _, im := range found {
		if im.Status == images.ImageStatusActive {
			return checkImage(im)
		}
		// An upload that died half-way: start again.
		logf("image %s %s is %s: deleting it", imageName, im.ID, im.Status)
		if err := images.Delete(ctx, image, im.ID).ExtractErr(); err != nil {
			return err
		}
	}
	file, err := makeImageFile(filepath.Join(state, "seed"))
	if err != nil {
		return err
	}
	im, err := images.Create(ctx, image, images.CreateOpts{
		Name: imageName, Visibility: ptr(images.ImageVisibilityPublic), DiskFormat: "qcow2", ContainerFormat: "bare",
		MinDisk: 1, MinRAM: 512, Properties: imageProperties(time.Now().UTC().Format("2006-01-02")),
	}).Extract()
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := imagedata.Upload(ctx, image, im.ID, f).ExtractErr(); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	for {
		im, err = images.Get(ctx, image, im.ID).Extract()
		if err != nil {
			return err
		}
		if im.Status == images.ImageStatusActive {
			break
		}
		if im.Status == images.ImageStatusKilled || im.Status == images.ImageStatusDeleted {
			return fmt.Errorf("image %s went %s", im.ID, im.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("image %s stays %s: %w", im.ID, im.Status, ctx.Err())
		case <-time.After(time.Second):
		}
	}
	logf("image %s: %s, %d bytes, checksum %s", imageName, im.ID, im.SizeBytes, im.Checksum)
	return checkImage(*im)
}

// checkImage applies the scs-0102 test to the seeded image and fails on
// anything worse than a missing recommended property.
func checkImage(im images.Image) error {
	props := map[string]string{}
	for k, v := range im.Properties {
		if s, ok := v.(string); ok {
			props[k] = s
		}
	}
	for _, k := range []string{"os_hash_algo", "os_hash_value"} {
		if v, ok := im.Properties[k].(string); ok {
			props[k] = v
		}
	}
	var bad []string
	for _, f := range scs.CheckImageMetadata(im.Name, props, im.MinDiskGigabytes, im.MinRAMMegabytes, im.SizeBytes, im.CreatedAt, time.Now()) {
		if f.Severity != scs.SeverityInfo {
			bad = append(bad, f.String())
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("scs-0102: %s", strings.Join(bad, "; "))
	}
	return nil
}

// makeImageFile writes the standard image's qcow2 file (once) and returns
// its path: a raw 1 GiB disk with deterministic bytes in its first 4 MiB
// and 2 MiB in its middle, converted by qemu-img.
func makeImageFile(dir string) (string, error) {
	out := filepath.Join(dir, "ubuntu-24.04-fixture.qcow2")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	raw := filepath.Join(dir, "ubuntu-24.04-fixture.raw")
	f, err := os.Create(raw)
	if err != nil {
		return "", err
	}
	rng := rand.NewChaCha8([32]byte{'s', 'c', 's', '-', 'm', 'i', 'g', 'r', 'a', 't', 'e'})
	for _, chunk := range []struct{ off, n int64 }{{0, 4 << 20}, {512 << 20, 2 << 20}} {
		if _, err := f.Seek(chunk.off, io.SeekStart); err != nil {
			f.Close()
			return "", err
		}
		if _, err := io.CopyN(f, rng, chunk.n); err != nil {
			f.Close()
			return "", err
		}
	}
	if err := f.Truncate(1 << 30); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	defer os.Remove(raw)
	tmp := out + ".tmp"
	cmd := exec.CommandContext(context.Background(), "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, tmp)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("qemu-img convert: %v: %s", err, b)
	}
	return out, os.Rename(tmp, out)
}
