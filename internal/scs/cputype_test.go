package scs

import "testing"

func TestCPUType(t *testing.T) {
	tests := []struct {
		typ    CPUType
		letter byte
		name   string
	}{
		{CPUCrowdedCore, 'L', "crowded-core"},
		{CPUSharedCore, 'V', "shared-core"},
		{CPUDedicatedThread, 'T', "dedicated-thread"},
		{CPUDedicatedCore, 'C', "dedicated-core"},
	}
	for _, tt := range tests {
		if got := tt.typ.Letter(); got != tt.letter {
			t.Errorf("%v.Letter() = %c, want %c", tt.typ, got, tt.letter)
		}
		if got := tt.typ.String(); got != tt.name {
			t.Errorf("String() = %q, want %q", got, tt.name)
		}
		if got, err := ParseCPUType(tt.name); err != nil || got != tt.typ {
			t.Errorf("ParseCPUType(%q) = %v, %v", tt.name, got, err)
		}
		if got, ok := cpuTypeFromLetter(tt.letter); !ok || got != tt.typ {
			t.Errorf("cpuTypeFromLetter(%c) = %v, %v", tt.letter, got, ok)
		}
	}
	if _, err := ParseCPUType("dedicated"); err == nil {
		t.Error(`ParseCPUType("dedicated") succeeded`)
	}
	if got := CPUType(0).String(); got != "CPUType(0)" {
		t.Errorf("CPUType(0).String() = %q", got)
	}
	if _, ok := cpuTypeFromLetter(0); ok {
		t.Error("cpuTypeFromLetter(0) succeeded")
	}
}

func TestCPUTypeOrder(t *testing.T) {
	order := []CPUType{CPUCrowdedCore, CPUSharedCore, CPUDedicatedThread, CPUDedicatedCore}
	for i, a := range order {
		for j, b := range order {
			if got, want := a.AtLeast(b), i >= j; got != want {
				t.Errorf("%v.AtLeast(%v) = %v, want %v", a, b, got, want)
			}
		}
	}
}
