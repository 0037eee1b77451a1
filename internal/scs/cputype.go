package scs

import "fmt"

// CPUType is the vCPU class a flavor advertises: the CPU suffix of an
// scs-0100 name and the value of the scs:cpu-type extra spec.
//
// The classes are ordered from weakest to strongest (L < V < T < C), so
// "never map to a weaker CPU class" is target.AtLeast(source). The zero
// value is not a valid class.
type CPUType int

// The scs-0100 vCPU classes, weakest first.
const (
	CPUCrowdedCore     CPUType = iota + 1 // L: heavily oversubscribed
	CPUSharedCore                         // V: oversubscribed, at least 20% of a core
	CPUDedicatedThread                    // T: one dedicated hyperthread
	CPUDedicatedCore                      // C: one dedicated core
)

// cpuTypeInfo is the name letter and extra-spec value of each class,
// indexed by CPUType.
var cpuTypeInfo = [...]struct {
	letter byte
	name   string
}{
	{0, ""},
	{'L', "crowded-core"},
	{'V', "shared-core"},
	{'T', "dedicated-thread"},
	{'C', "dedicated-core"},
}

// Valid reports whether t is one of the four classes.
func (t CPUType) Valid() bool {
	return t >= CPUCrowdedCore && t <= CPUDedicatedCore
}

// String returns the scs:cpu-type value, e.g. "shared-core", or
// "CPUType(n)" for an invalid value.
func (t CPUType) String() string {
	if !t.Valid() {
		return fmt.Sprintf("CPUType(%d)", int(t))
	}
	return cpuTypeInfo[t].name
}

// Letter returns the flavor-name suffix (L, V, T or C), or 0 for an
// invalid value.
func (t CPUType) Letter() byte {
	if !t.Valid() {
		return 0
	}
	return cpuTypeInfo[t].letter
}

// AtLeast reports whether t is as strong as or stronger than o.
func (t CPUType) AtLeast(o CPUType) bool {
	return t >= o
}

// ParseCPUType parses an scs:cpu-type extra-spec value such as
// "dedicated-core".
func ParseCPUType(s string) (CPUType, error) {
	for t := CPUCrowdedCore; t <= CPUDedicatedCore; t++ {
		if cpuTypeInfo[t].name == s {
			return t, nil
		}
	}
	return 0, fmt.Errorf("cpu type %q: want crowded-core, shared-core, dedicated-thread or dedicated-core", s)
}

// cpuTypeFromLetter maps a flavor-name suffix letter to its class.
func cpuTypeFromLetter(b byte) (CPUType, bool) {
	for t := CPUCrowdedCore; t <= CPUDedicatedCore; t++ {
		if b != 0 && cpuTypeInfo[t].letter == b {
			return t, true
		}
	}
	return 0, false
}
