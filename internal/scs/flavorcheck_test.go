package scs

import (
	"strings"
	"testing"
)

func TestRAMGiBFromMiB(t *testing.T) {
	tests := []struct {
		mib  int
		want float64
	}{
		{1024, 1}, {4096, 4}, {4045, 4}, {4044, 3.9}, {3584, 3.5}, {512, 0.5}, {0, 0}, {131072, 128},
	}
	for _, tt := range tests {
		if got := RAMGiBFromMiB(tt.mib); got != tt.want {
			t.Errorf("RAMGiBFromMiB(%d) = %v, want %v", tt.mib, got, tt.want)
		}
	}
}

func TestCheckFlavor(t *testing.T) {
	tests := []struct {
		name                string
		vcpus, ramMiB, disk int
		wantErr             []string // substrings; nil means no error
	}{
		{"SCS-2V-4-20s", 2, 4096, 20, nil},
		{"SCS-2V-4-20s", 4, 8192, 40, nil}, // underpromise is fine
		{"SCS-2V-4", 2, 4045, 0, nil},
		{"SCS-2V-4", 2, 4044, 0, []string{"RAM overpromise: 4044 MiB = 3.9 GiB < 4 GiB"}},
		{"SCS-2V-4-20s", 1, 4096, 20, []string{"CPU overpromise: 1 vCPUs < 2"}},
		{"SCS-2V-4-20s", 2, 4096, 10, []string{"disk overpromise: 10 GB < 20 GB"}},
		{"SCS-2V-4-", 2, 4096, 0, nil}, // cloud picks the size
		{"SCS-1V-0.5", 1, 512, 0, nil},
		{"SCS-4C-16-2x200p", 2, 1024, 100, []string{"CPU overpromise", "RAM overpromise", "disk overpromise"}},
		{"SCS-2V:4:20s", 2, 2048, 20, []string{`flavor "SCS-2V:4:20s": RAM overpromise`}},
	}
	for _, tt := range tests {
		f, err := ParseFlavorName(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckFlavor(f, tt.vcpus, tt.ramMiB, tt.disk)
		if tt.wantErr == nil {
			if err != nil {
				t.Errorf("CheckFlavor(%s, %d, %d, %d) = %v, want nil", tt.name, tt.vcpus, tt.ramMiB, tt.disk, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("CheckFlavor(%s, %d, %d, %d) = nil, want error", tt.name, tt.vcpus, tt.ramMiB, tt.disk)
			continue
		}
		for _, want := range tt.wantErr {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("CheckFlavor(%s) = %q, want it to contain %q", tt.name, err, want)
			}
		}
	}
}
