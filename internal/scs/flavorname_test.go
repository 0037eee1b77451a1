package scs

import (
	"maps"
	"testing"
)

func TestFlavorNameForms(t *testing.T) {
	tests := []struct {
		in, canonical, v1, short string
	}{
		{"SCS-2V-4-20s", "SCS-2V-4-20s", "SCS-2V:4:20s", "SCS-2V-4-20s"},
		{"SCS-4L-16", "SCS-4L-16", "SCS-4L:16", "SCS-4L-16"},
		{"SCS-4C-16-2x200p_a1", "SCS-4C-16-2x200p_a1", "SCS-4C:16:2x200p-a1", "SCS-4C-16-2x200p_a"},
		{"SCS-8Ti-32-50p_i1", "SCS-8Ti-32-50p_i1", "SCS-8Ti:32:50p-i1", "SCS-8Ti-32-50p"},
		{"SCS-2V:4:20s", "SCS-2V-4-20s", "SCS-2V:4:20s", "SCS-2V-4-20s"},
		{"SCS-16T-64-3x10s_bms_hwv_i3h_GNa-64h-48hh_ib", "SCS-16T-64-3x10s_bms_hwv_i3h_GNa-64h-48hh_ib",
			"SCS-16T:64:3x10s-bms-hwv-i3h-GNa:64h:48hh-ib", "SCS-16T-64-3x10s_GNa-64-48_ib"},
		{"SCS-2V-4_kvm_r0h", "SCS-2V-4_kvm_rh", "SCS-2V:4-kvm-rh", "SCS-2V-4_r"},
		{"SCS-2V-4_i0", "SCS-2V-4_i", "SCS-2V:4-i", "SCS-2V-4"},
		{"SCS-1V-0.5-1x", "SCS-1V-0.5-", "SCS-1V:0.5:", "SCS-1V-0.5-"},
		{"SCS-02V-4.50", "SCS-2V-4.5", "SCS-2V:4.5", "SCS-2V-4.5"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			f, err := ParseFlavorName(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.String(); got != tt.canonical {
				t.Errorf("String() = %q, want %q", got, tt.canonical)
			}
			if got := f.V1Name(); got != tt.v1 {
				t.Errorf("V1Name() = %q, want %q", got, tt.v1)
			}
			if got := f.Short(); got != tt.short {
				t.Errorf("Short() = %q, want %q", got, tt.short)
			}
		})
	}
}

func TestFlavorNameExtraSpecs(t *testing.T) {
	tests := []struct {
		name string
		want map[string]string
	}{
		{"SCS-2V-4-20s", map[string]string{
			"scs:cpu-type": "shared-core", "scs:disk0-type": "ssd",
			"scs:name-v1": "SCS-2V:4:20s", "scs:name-v2": "SCS-2V-4-20s"}},
		{"SCS-4L-16", map[string]string{
			"scs:cpu-type": "crowded-core", "scs:name-v1": "SCS-4L:16", "scs:name-v2": "SCS-4L-16"}},
		{"SCS-1V-4-10", map[string]string{
			"scs:cpu-type": "shared-core", "scs:disk0-type": "network",
			"scs:name-v1": "SCS-1V:4:10", "scs:name-v2": "SCS-1V-4-10"}},
		{"SCS-4C-16-2x200p_a1", map[string]string{
			"scs:cpu-type": "dedicated-core", "scs:disk0-type": "nvme", "scs:disk1-type": "nvme",
			"scs:name-v1": "SCS-4C:16:2x200p-a1", "scs:name-v2": "SCS-4C-16-2x200p_a1",
			"scs:name-v3": "SCS-4C:16:2x200p-a", "scs:name-v4": "SCS-4C-16-2x200p_a"}},
		{"SCS-8Ti:32:50p-i1", map[string]string{
			"scs:cpu-type": "dedicated-thread", "scs:disk0-type": "nvme",
			"scs:name-v1": "SCS-8Ti:32:50p-i1", "scs:name-v2": "SCS-8Ti-32-50p_i1",
			"scs:name-v3": "SCS-8Ti:32:50p", "scs:name-v4": "SCS-8Ti-32-50p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFlavorName(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.ExtraSpecs(); !maps.Equal(got, tt.want) {
				t.Errorf("ExtraSpecs() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFlavorNameExtraSpecsCapsDisks(t *testing.T) {
	f, err := ParseFlavorName("SCS-1V-1-99999999999x")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(f.ExtraSpecs()); got != 1+maxDiskSpecs+2 {
		t.Errorf("len(ExtraSpecs()) = %d, want %d", got, 1+maxDiskSpecs+2)
	}
}

func TestFlavorNameEqual(t *testing.T) {
	a, _ := ParseFlavorName("SCS-2V:4:20s")
	b, _ := ParseFlavorName("SCS-2V-4-20s")
	c, _ := ParseFlavorName("SCS-2V-4-20n")
	if !a.Equal(b) {
		t.Error("v1 and v3 spelling of one flavor are not Equal")
	}
	if a.Equal(c) {
		t.Error("different disk types are Equal")
	}
	if (FlavorName{}).Equal(b) {
		t.Error("zero value is Equal to a flavor")
	}
}

func TestFlavorNameStringHandBuilt(t *testing.T) {
	f := FlavorName{CPUs: 4, CPUType: CPUDedicatedCore, RAMGiB: 8, Disk: &Disk{SizeGB: 50}}
	if got := f.String(); got != "SCS-4C-8-50" {
		t.Errorf("String() with Disk.Count 0 = %q, want SCS-4C-8-50", got)
	}
}
