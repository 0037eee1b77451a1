package scs

import (
	"errors"
	"strings"
	"testing"
)

func TestParseFlavorNameValid(t *testing.T) {
	tests := []struct {
		name string
		want FlavorName
	}{
		{"SCS-2V-4-20s", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4,
			Disk: &Disk{Count: 1, SizeGB: 20, Type: DiskSSD}, Syntax: SyntaxV3}},
		{"SCS-4L-16", FlavorName{CPUs: 4, CPUType: CPUCrowdedCore, RAMGiB: 16, Syntax: SyntaxV3}},
		{"SCS-4C-16-2x200p_a1", FlavorName{CPUs: 4, CPUType: CPUDedicatedCore, RAMGiB: 16,
			Disk: &Disk{Count: 2, SizeGB: 200, Type: DiskNVMe}, Arch: &CPUArch{Vendor: 'a', Generation: 1}, Syntax: SyntaxV3}},
		{"SCS-8Ti-32-50p_i1", FlavorName{CPUs: 8, CPUType: CPUDedicatedThread, Insecure: true, RAMGiB: 32,
			Disk: &Disk{Count: 1, SizeGB: 50, Type: DiskNVMe}, Arch: &CPUArch{Vendor: 'i', Generation: 1}, Syntax: SyntaxV3}},
		{"SCS-1L-1u-5", FlavorName{CPUs: 1, CPUType: CPUCrowdedCore, RAMGiB: 1, NoECC: true,
			Disk: &Disk{Count: 1, SizeGB: 5}, Syntax: SyntaxV3}},
		{"SCS-16T-64-200s_GNa-64_ib", FlavorName{CPUs: 16, CPUType: CPUDedicatedThread, RAMGiB: 64,
			Disk: &Disk{Count: 1, SizeGB: 200, Type: DiskSSD},
			GPU:  &GPU{PassThrough: true, Vendor: 'N', Generation: "a", ComputeUnits: 64}, IB: true, Syntax: SyntaxV3}},
		{"SCS-1V-0.5", FlavorName{CPUs: 1, CPUType: CPUSharedCore, RAMGiB: 0.5, Syntax: SyntaxV3}},
		{"SCS-2C-3.5uo-10n", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 3.5, NoECC: true, RAMOversubscribed: true,
			Disk: &Disk{Count: 1, SizeGB: 10, Type: DiskNetwork}, Syntax: SyntaxV3}},
		{"SCS-2C-4-", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4, Disk: &Disk{Count: 1}, Syntax: SyntaxV3}},
		{"SCS-2C-4-n", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4, Disk: &Disk{Count: 1, Type: DiskNetwork}, Syntax: SyntaxV3}},
		{"SCS-2C-4-3x", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4, Disk: &Disk{Count: 3}, Syntax: SyntaxV3}},
		{"SCS-2C-4-3xs", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4, Disk: &Disk{Count: 3, Type: DiskSSD}, Syntax: SyntaxV3}},
		{"SCS-2C-4-_ib", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4, Disk: &Disk{Count: 1}, IB: true, Syntax: SyntaxV3}},
		{"SCS-2C-4-10_kvm_hwv", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4, Disk: &Disk{Count: 1, SizeGB: 10},
			Hypervisor: "kvm", HWVirt: true, Syntax: SyntaxV3}},
		{"SCS-2C-4-10n_bms_z3hh", FlavorName{CPUs: 2, CPUType: CPUDedicatedCore, RAMGiB: 4,
			Disk: &Disk{Count: 1, SizeGB: 10, Type: DiskNetwork}, Hypervisor: "bms",
			Arch: &CPUArch{Vendor: 'z', Generation: 3, Freq: 2}, Syntax: SyntaxV3}},
		{"SCS-2V-4_chy", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4, Hypervisor: "chy", Syntax: SyntaxV3}},
		{"SCS-2V-4_i_ib", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4, Arch: &CPUArch{Vendor: 'i'}, IB: true, Syntax: SyntaxV3}},
		{"SCS-2V-4_r0", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4, Arch: &CPUArch{Vendor: 'r'}, Syntax: SyntaxV3}},
		{"SCS-2V-4_gNa-14h", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4,
			GPU: &GPU{Vendor: 'N', Generation: "a", ComputeUnits: 14, Freq: 1}, Syntax: SyntaxV3}},
		{"SCS-2V-4_GA3.5-60h-48hh", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4,
			GPU: &GPU{PassThrough: true, Vendor: 'A', Generation: "3.5", ComputeUnits: 60, Freq: 1, VRAMGiB: 48, VRAMFreq: 2}, Syntax: SyntaxV3}},
		{"SCS-2V-4_GI", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4, GPU: &GPU{PassThrough: true, Vendor: 'I'}, Syntax: SyntaxV3}},
		{"SCS-2V-4_GNah", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4,
			GPU: &GPU{PassThrough: true, Vendor: 'N', Generation: "a", Freq: 1}, Syntax: SyntaxV3}},
		{"SCS-16T-64-3x10s_bms_hwv_i3h_GNa-64_ib", FlavorName{CPUs: 16, CPUType: CPUDedicatedThread, RAMGiB: 64,
			Disk: &Disk{Count: 3, SizeGB: 10, Type: DiskSSD}, Hypervisor: "bms", HWVirt: true,
			Arch: &CPUArch{Vendor: 'i', Generation: 3, Freq: 1},
			GPU:  &GPU{PassThrough: true, Vendor: 'N', Generation: "a", ComputeUnits: 64}, IB: true, Syntax: SyntaxV3}},
		// v1 colon syntax
		{"SCS-2V:4:20s", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4,
			Disk: &Disk{Count: 1, SizeGB: 20, Type: DiskSSD}, Syntax: SyntaxV1}},
		{"SCS-16T:64:3x10s-GNa:64-ib", FlavorName{CPUs: 16, CPUType: CPUDedicatedThread, RAMGiB: 64,
			Disk: &Disk{Count: 3, SizeGB: 10, Type: DiskSSD},
			GPU:  &GPU{PassThrough: true, Vendor: 'N', Generation: "a", ComputeUnits: 64}, IB: true, Syntax: SyntaxV1}},
		{"SCS-8Ti:32:50p-kvm-i1", FlavorName{CPUs: 8, CPUType: CPUDedicatedThread, Insecure: true, RAMGiB: 32,
			Disk: &Disk{Count: 1, SizeGB: 50, Type: DiskNVMe}, Hypervisor: "kvm",
			Arch: &CPUArch{Vendor: 'i', Generation: 1}, Syntax: SyntaxV1}},
		// quirks the reference parser shares: leading zeros, "x" without count
		{"SCS-02V-4.50", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4.5, Syntax: SyntaxV3}},
		{"SCS-2V-4-x20", FlavorName{CPUs: 2, CPUType: CPUSharedCore, RAMGiB: 4, Disk: &Disk{Count: 1, SizeGB: 20}, Syntax: SyntaxV3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFlavorName(tt.name)
			if err != nil {
				t.Fatalf("ParseFlavorName: %v", err)
			}
			if !got.Equal(tt.want) || got.Syntax != tt.want.Syntax {
				t.Errorf("got %+v, want %+v", describe(got), describe(tt.want))
			}
		})
	}
}

func TestParseFlavorNameInvalid(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
	}{
		{"SCS-2iT", `cpu/ram part: want CPU type L, V, T or C after the vCPU count, found "iT"`},
		{"SCS-2iT-4-10n", "want CPU type"},
		{"SCS-2-4-10n", "want CPU type"},
		{"SCS-2C-4-1.5n", `name part: unexpected ".5n"`},
		{"SCS-1.5n", "cpu/ram part"},
		{"SCS-2C-4ou-10n", `unexpected "u-10n"`},
		{"SCS-2C-4-10_hwv_xen", `unexpected "_xen"`},
		{"SCS-2C-4-n_bms_3", `unexpected "_3"`},
		{"SCS-V-4", "vCPU count missing"},
		{"SCS-0V-4", `vCPU count "0" must be a positive integer`},
		{"SCS-2V-", "RAM size missing"},
		{"SCS-2V-1.2.3", `RAM size "1.2.3" is not a number`},
		{"SCS-2V-1.25", `RAM size "1.25" must be a positive multiple of 0.5`},
		{"SCS-2V-0", "must be a positive multiple of 0.5"},
		{"SCS-2V-4-0", `disk size "0" must be a positive integer`},
		{"SCS-2V-4-0x10", `disk count "0" must be a positive integer`},
		{"SCS-2V-4_i7", `arch part: generation "7" is not valid for Intel; want 0 to 6`},
		{"SCS-2V-4_a6", "not valid for ARM"},
		{"SCS-2V-4_r1", "not valid for RISC-V"},
		{"SCS-2V-4_z3hhhh", `frequency "hhhh" has more than 3 h`},
		{"SCS-2V-4_GNx", `gpu part: generation "x" is not valid for vendor N`},
		{"SCS-2V-4_GA1.2", `generation "1.2" is not valid for vendor A`},
		{"SCS-2V-4_GNa-0", "compute units"},
		{"SCS-2V-4_GNa-16hhh", `frequency "hhh" has more than 2 h`},
		{"SCS-2V-4_GNa-16-0", "VRAM size"},
		{"SCS-2V-4_GNa-16-8hhh", "VRAM bandwidth"},
		{"SCS-2V-4_GNa_ib", `generation "a_ib" is not valid`},
		{"SCS-2V-4_ib_kvm", `unexpected "_kvm"`},
		{"SCS-2V-4_xyz", `unexpected "_xyz"`},
		{"SCS-2V:4-chy", `unexpected "-chy"`},
		{"SCS-2V:4:20s_kvm", `unexpected "_kvm"`},
		{"SCS-2V-4:20s", `unexpected ":20s"`},
		{"SCS-", "want CPU type L, V, T or C after the vCPU count, found end of name"},
		{"SCS-99999999999999999999V-4", "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFlavorName(tt.name)
			if err == nil {
				t.Fatal("ParseFlavorName succeeded, want error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `"`+tt.name+`"`) {
				t.Errorf("error %q does not name the input and contain %q", err, tt.wantErr)
			}
			if errors.Is(err, ErrNotSCSName) {
				t.Errorf("error %q wraps ErrNotSCSName", err)
			}
		})
	}
}

func TestParseFlavorNameNotSCS(t *testing.T) {
	for _, name := range []string{"", "m1.small", "scs-2V-4", "SCS_2V-4", " SCS-2V-4"} {
		_, err := ParseFlavorName(name)
		if !errors.Is(err, ErrNotSCSName) {
			t.Errorf("ParseFlavorName(%q) = %v, want ErrNotSCSName", name, err)
		}
	}
}

func TestParseStandardFlavorNames(t *testing.T) {
	for _, s := range standardFlavorNames {
		f, err := ParseFlavorName(s.name)
		if err != nil {
			t.Errorf("ParseFlavorName(%q): %v", s.name, err)
			continue
		}
		if f.String() != s.name || f.Syntax != SyntaxV3 {
			t.Errorf("ParseFlavorName(%q) = %q syntax %d", s.name, f.String(), f.Syntax)
		}
	}
}

// FuzzParseFlavorName checks that parsing never panics and that a parsed
// name's String() and V1Name() parse back to an equal value.
func FuzzParseFlavorName(f *testing.F) {
	for _, seed := range []string{
		"SCS-2V-4-20s", "SCS-4C-16-2x200p_a1", "SCS-8Ti-32-50p_i1", "SCS-2V:4:20s",
		"SCS-16T-64-3x10s_bms_hwv_i3h_GNa-64_ib", "SCS-16T:64:3x10s-GNa:64-ib",
		"SCS-2V-4_GA3.5-60h-48hh", "SCS-2C-4-_ib", "SCS-1V-0.5", "SCS-2iT", "SCS-2V-4_GNah-16",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got, err := ParseFlavorName(name)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "flavor name ") {
				t.Fatalf("error %q does not name the input", err)
			}
			return
		}
		for _, form := range []string{got.String(), got.V1Name()} {
			again, err := ParseFlavorName(form)
			if err != nil {
				t.Fatalf("%q parsed, but its form %q does not: %v", name, form, err)
			}
			if !again.Equal(got) {
				t.Fatalf("%q -> %q -> %+v, want %+v", name, form, describe(again), describe(got))
			}
		}
		_ = got.ExtraSpecs()
	})
}

// describe flattens a FlavorName for readable test failures.
func describe(f FlavorName) map[string]any {
	m := map[string]any{"flavor": f.scalars()}
	if f.Disk != nil {
		m["disk"] = *f.Disk
	}
	if f.Arch != nil {
		m["arch"] = *f.Arch
	}
	if f.GPU != nil {
		m["gpu"] = *f.GPU
	}
	return m
}
