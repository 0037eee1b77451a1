package scs

import "testing"

func TestDiskType(t *testing.T) {
	tests := []struct {
		typ       DiskType
		letter    byte
		name      string
		specValue string
	}{
		{DiskUnspecified, 0, "unspecified", "network"},
		{DiskNetwork, 'n', "network", "network"},
		{DiskHDD, 'h', "hdd", "hdd"},
		{DiskSSD, 's', "ssd", "ssd"},
		{DiskNVMe, 'p', "nvme", "nvme"},
	}
	for _, tt := range tests {
		if got := tt.typ.Letter(); got != tt.letter {
			t.Errorf("%v.Letter() = %q, want %q", tt.typ, got, tt.letter)
		}
		if got := tt.typ.String(); got != tt.name {
			t.Errorf("String() = %q, want %q", got, tt.name)
		}
		if got := tt.typ.SpecValue(); got != tt.specValue {
			t.Errorf("%v.SpecValue() = %q, want %q", tt.typ, got, tt.specValue)
		}
	}
	for _, tt := range tests[1:] {
		if got, err := ParseDiskType(tt.name); err != nil || got != tt.typ {
			t.Errorf("ParseDiskType(%q) = %v, %v", tt.name, got, err)
		}
	}
	for _, bad := range []string{"unspecified", "", "SSD"} {
		if _, err := ParseDiskType(bad); err == nil {
			t.Errorf("ParseDiskType(%q) succeeded", bad)
		}
	}
	if got := DiskType(9).String(); got != "DiskType(9)" {
		t.Errorf("DiskType(9).String() = %q", got)
	}
}
