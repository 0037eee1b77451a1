package scs

import (
	"maps"
	"strings"
	"testing"
)

func TestStandardFlavorsCounts(t *testing.T) {
	var mandatory, recommended int
	seen := map[string]bool{}
	for _, s := range StandardFlavors() {
		if seen[s.Name] {
			t.Errorf("duplicate standard flavor %s", s.Name)
		}
		seen[s.Name] = true
		v1 := "SCS-" + strings.ReplaceAll(strings.TrimPrefix(s.Name, "SCS-"), "-", ":")
		if s.ExtraSpecs["scs:name-v1"] != v1 || s.ExtraSpecs["scs:name-v2"] != s.Name {
			t.Errorf("%s: names %q, %q", s.Name, s.ExtraSpecs["scs:name-v1"], s.ExtraSpecs["scs:name-v2"])
		}
		if _, hasDisk := s.ExtraSpecs["scs:disk0-type"]; hasDisk != (s.DiskGB > 0) || len(s.ExtraSpecs) != 3+btoi(hasDisk) {
			t.Errorf("%s: disk %d GB but extra specs %v", s.Name, s.DiskGB, s.ExtraSpecs)
		}
		if s.Mandatory {
			mandatory++
		} else {
			recommended++
		}
	}
	if mandatory != 15 || recommended != 16 {
		t.Errorf("got %d mandatory and %d recommended flavors, want 15 and 16", mandatory, recommended)
	}
}

// TestStandardFlavorsSpec checks the values against the spec examples
// (SCS-Spec.MandatoryFlavors.verbose.yaml and the scs-0103 tables).
func TestStandardFlavorsSpec(t *testing.T) {
	tests := []StandardFlavor{
		{Name: "SCS-1V-4", Mandatory: true, VCPUs: 1, RAMMiB: 4096, ExtraSpecs: map[string]string{
			"scs:cpu-type": "shared-core", "scs:name-v1": "SCS-1V:4", "scs:name-v2": "SCS-1V-4"}},
		{Name: "SCS-1L-1", Mandatory: true, VCPUs: 1, RAMMiB: 1024, ExtraSpecs: map[string]string{
			"scs:cpu-type": "crowded-core", "scs:name-v1": "SCS-1L:1", "scs:name-v2": "SCS-1L-1"}},
		{Name: "SCS-2V-4-20s", Mandatory: true, VCPUs: 2, RAMMiB: 4096, DiskGB: 20, ExtraSpecs: map[string]string{
			"scs:cpu-type": "shared-core", "scs:disk0-type": "ssd",
			"scs:name-v1": "SCS-2V:4:20s", "scs:name-v2": "SCS-2V-4-20s"}},
		{Name: "SCS-4V-16-100s", Mandatory: true, VCPUs: 4, RAMMiB: 16384, DiskGB: 100, ExtraSpecs: map[string]string{
			"scs:cpu-type": "shared-core", "scs:disk0-type": "ssd",
			"scs:name-v1": "SCS-4V:16:100s", "scs:name-v2": "SCS-4V-16-100s"}},
		{Name: "SCS-1V-4-10", VCPUs: 1, RAMMiB: 4096, DiskGB: 10, ExtraSpecs: map[string]string{
			"scs:cpu-type": "shared-core", "scs:disk0-type": "network",
			"scs:name-v1": "SCS-1V:4:10", "scs:name-v2": "SCS-1V-4-10"}},
		{Name: "SCS-1L-1-5", VCPUs: 1, RAMMiB: 1024, DiskGB: 5, ExtraSpecs: map[string]string{
			"scs:cpu-type": "crowded-core", "scs:disk0-type": "network",
			"scs:name-v1": "SCS-1L:1:5", "scs:name-v2": "SCS-1L-1-5"}},
		{Name: "SCS-16V-128", VCPUs: 16, RAMMiB: 131072, ExtraSpecs: map[string]string{
			"scs:cpu-type": "shared-core", "scs:name-v1": "SCS-16V:128", "scs:name-v2": "SCS-16V-128"}},
	}
	for _, want := range tests {
		t.Run(want.Name, func(t *testing.T) {
			got, ok := LookupStandardFlavor(want.Name)
			if !ok {
				t.Fatal("not found")
			}
			if got.Name != want.Name || got.Mandatory != want.Mandatory || got.VCPUs != want.VCPUs ||
				got.RAMMiB != want.RAMMiB || got.DiskGB != want.DiskGB || !maps.Equal(got.ExtraSpecs, want.ExtraSpecs) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestLookupStandardFlavor(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"SCS-2V-4", "SCS-2V-4", true},
		{"SCS-2V:4:20s", "SCS-2V-4-20s", true},
		{"SCS-2V-4-20s_kvm", "", false},
		{"SCS-2V-4-20n", "", false},
		{"m1.small", "", false},
	}
	for _, tt := range tests {
		got, ok := LookupStandardFlavor(tt.name)
		if ok != tt.ok || got.Name != tt.want {
			t.Errorf("LookupStandardFlavor(%q) = %q, %v; want %q, %v", tt.name, got.Name, ok, tt.want, tt.ok)
		}
	}
}

func TestStandardFlavorCheck(t *testing.T) {
	std, _ := LookupStandardFlavor("SCS-2V-4-20s")
	good := maps.Clone(std.ExtraSpecs)
	good["hw:cpu_policy"] = "shared" // non-scs keys are ignored
	if err := std.Check(2, 4096, 20, good); err != nil {
		t.Errorf("Check(matching flavor) = %v", err)
	}
	bad := map[string]string{"scs:cpu-type": "shared-core", "scs:name-v2": "SCS-2V-4-20s", "scs:disk0-type": "nvme"}
	err := std.Check(4, 4000, 20, bad)
	if err == nil {
		t.Fatal("Check(mismatching flavor) = nil")
	}
	for _, want := range []string{`standard flavor "SCS-2V-4-20s"`, "vcpus is 4, want 2", "ram MiB is 4000, want 4096",
		`scs:disk0-type is "nvme", want "ssd"`, `scs:name-v1 missing, want "SCS-2V:4:20s"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check error %q does not contain %q", err, want)
		}
	}
}

func TestStandardFlavorsFresh(t *testing.T) {
	a := StandardFlavors()
	a[0].ExtraSpecs["scs:cpu-type"] = "changed"
	if b := StandardFlavors(); b[0].ExtraSpecs["scs:cpu-type"] != "shared-core" {
		t.Error("StandardFlavors shares maps between calls")
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
