package scs

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// StandardFlavor is one scs-0103-v1 standard flavor with the values the
// certification test demands: vcpus, RAM and disk must match exactly, and
// every scs: key of ExtraSpecs must be set to exactly this value.
type StandardFlavor struct {
	Name       string // canonical name, also the scs:name-v2 lookup key
	Mandatory  bool   // false: recommended
	VCPUs      int
	RAMMiB     int // 1024 × GiB
	DiskGB     int // 0: no root disk
	ExtraSpecs map[string]string
}

// standardFlavorNames lists scs-0103-v1.2 in the standard's order: 15
// mandatory flavors, then 16 recommended ones.
var standardFlavorNames = []struct {
	name      string
	mandatory bool
}{
	{"SCS-1V-4", true}, {"SCS-2V-8", true}, {"SCS-4V-16", true}, {"SCS-8V-32", true},
	{"SCS-1V-2", true}, {"SCS-2V-4", true}, {"SCS-4V-8", true}, {"SCS-8V-16", true}, {"SCS-16V-32", true},
	{"SCS-1V-8", true}, {"SCS-2V-16", true}, {"SCS-4V-32", true},
	{"SCS-1L-1", true},
	{"SCS-2V-4-20s", true}, {"SCS-4V-16-100s", true},

	{"SCS-1V-4-10", false}, {"SCS-2V-8-20", false}, {"SCS-4V-16-50", false}, {"SCS-8V-32-100", false},
	{"SCS-1V-2-5", false}, {"SCS-2V-4-10", false}, {"SCS-4V-8-20", false}, {"SCS-8V-16-50", false},
	{"SCS-16V-32-100", false},
	{"SCS-1V-8-20", false}, {"SCS-2V-16-50", false}, {"SCS-4V-32-100", false},
	{"SCS-1L-1-5", false},
	{"SCS-16V-64", false}, {"SCS-8V-64", false}, {"SCS-16V-128", false},
}

// StandardFlavors returns all scs-0103 standard flavors, mandatory first,
// in the standard's order. The result is freshly built; callers may modify it.
func StandardFlavors() []StandardFlavor {
	out := make([]StandardFlavor, len(standardFlavorNames))
	for i, s := range standardFlavorNames {
		out[i] = newStandardFlavor(s.name, s.mandatory)
	}
	return out
}

// LookupStandardFlavor finds a standard flavor by name. A name in another
// spelling of the same flavor (such as the v1 form SCS-2V:4:20s) is
// accepted too; extensions make it a different flavor.
func LookupStandardFlavor(name string) (StandardFlavor, bool) {
	if f, err := ParseFlavorName(name); err == nil {
		name = f.String()
	}
	for _, s := range standardFlavorNames {
		if s.name == name {
			return newStandardFlavor(s.name, s.mandatory), true
		}
	}
	return StandardFlavor{}, false
}

// Check compares a cloud flavor with s as the scs-0103 test does: vcpus,
// RAM and disk must be equal and every scs: key of s.ExtraSpecs must be
// present with the same value. The error lists all differences.
func (s StandardFlavor) Check(vcpus, ramMiB, diskGB int, extraSpecs map[string]string) error {
	var diffs []string
	diffs = appendIntDiff(diffs, "vcpus", vcpus, s.VCPUs)
	diffs = appendIntDiff(diffs, "ram MiB", ramMiB, s.RAMMiB)
	diffs = appendIntDiff(diffs, "disk GB", diskGB, s.DiskGB)
	for _, key := range slices.Sorted(maps.Keys(s.ExtraSpecs)) {
		got, ok := extraSpecs[key]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s missing, want %q", key, s.ExtraSpecs[key]))
		} else if got != s.ExtraSpecs[key] {
			diffs = append(diffs, fmt.Sprintf("%s is %q, want %q", key, got, s.ExtraSpecs[key]))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	return fmt.Errorf("standard flavor %q: %s", s.Name, strings.Join(diffs, "; "))
}

// appendIntDiff records a mismatch of one numeric property.
func appendIntDiff(diffs []string, what string, got, want int) []string {
	if got == want {
		return diffs
	}
	return append(diffs, fmt.Sprintf("%s is %d, want %d", what, got, want))
}

// newStandardFlavor computes the expected values from the name, as the
// test's compute_flavor_spec does. The names are constants covered by
// tests, so a parse failure is a programming error.
func newStandardFlavor(name string, mandatory bool) StandardFlavor {
	f, err := ParseFlavorName(name)
	if err != nil {
		panic(fmt.Sprintf("scs: standard flavor table: %v", err))
	}
	return StandardFlavor{
		Name:       name,
		Mandatory:  mandatory,
		VCPUs:      f.CPUs,
		RAMMiB:     int(1024 * f.RAMGiB),
		DiskGB:     f.DiskGB(),
		ExtraSpecs: f.ExtraSpecs(),
	}
}
