package scs

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The value tables of scs-0100-v3 (text v3.3), as the parser
// Tests/iaas/scs_0100_flavor_naming/flavor_names.py enforces them.
var (
	// hypervisorsV3 are the _hyp values of the v2/v3 grammar.
	hypervisorsV3 = []string{"kvm", "xen", "vmw", "hyv", "bms", "chy"}
	// hypervisorsV1 are the -hyp values of the v1 grammar (no chy).
	hypervisorsV1 = []string{"kvm", "xen", "vmw", "hyv", "bms"}

	// archMaxGeneration is the newest generation per CPU vendor; every
	// generation from 0 up to it is valid.
	archMaxGeneration = map[byte]int{'i': 6, 'z': 6, 'a': 5, 'r': 0}
	archVendorNames   = map[byte]string{'i': "Intel", 'z': "AMD", 'a': "ARM", 'r': "RISC-V"}

	// gpuGenerations are the generation codes per GPU vendor.
	gpuGenerations = map[byte][]string{
		'N': {"f", "k", "m", "p", "v", "t", "a", "l", "g", "b", "u"},
		'A': {"0.4", "0.5", "1", "1.1", "2", "2.1", "3", "3.1", "3.5", "4", "4.1", "5.1"},
		'I': {"0.9", "0.95", "1", "2", "3", "4"},
	}
)

// Frequency suffix limits: up to hhh for CPUs, up to hh for GPUs.
const (
	maxArchFreq = 3
	maxGPUFreq  = 2
)

// errMissing marks a number that the grammar allows to be empty but the
// value check requires.
var errMissing = errors.New("missing")

// positiveInt parses a decimal digit string as an integer > 0.
func positiveInt(digits string) (int, error) {
	if digits == "" {
		return 0, errMissing
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", digits)
	}
	if n <= 0 {
		return 0, fmt.Errorf("%q must be a positive integer", digits)
	}
	return n, nil
}

// optionalPositiveInt is positiveInt, but "" yields 0 (unspecified).
func optionalPositiveInt(digits string) (int, error) {
	if digits == "" {
		return 0, nil
	}
	return positiveInt(digits)
}

// parseRAM parses the RAM size: a positive multiple of 0.5 GiB.
func parseRAM(s string) (float64, error) {
	if s == "" {
		return 0, errMissing
	}
	gib, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(gib, 0) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if gib <= 0 || 2*gib != math.Trunc(2*gib) {
		return 0, fmt.Errorf("%q must be a positive multiple of 0.5", s)
	}
	return gib, nil
}

// checkArchGeneration validates a CPU generation for its vendor.
func checkArchGeneration(vendor byte, digits string) (int, error) {
	if digits == "" {
		return 0, nil
	}
	limit := archMaxGeneration[vendor]
	gen, err := strconv.Atoi(digits)
	if err != nil || gen > limit {
		return 0, fmt.Errorf("generation %q is not valid for %s; want 0 to %d",
			digits, archVendorNames[vendor], limit)
	}
	return gen, nil
}

// checkGPUGeneration validates a GPU generation code for its vendor.
func checkGPUGeneration(vendor byte, gen string) error {
	table := gpuGenerations[vendor]
	if gen == "" || slices.Contains(table, gen) {
		return nil
	}
	return fmt.Errorf("generation %q is not valid for vendor %c; want one of %s",
		gen, vendor, strings.Join(table, ", "))
}

// checkFreq validates a run of h suffixes.
func checkFreq(what string, hs string, limit int) error {
	if len(hs) > limit {
		return fmt.Errorf("%s %q has more than %d h", what, hs, limit)
	}
	return nil
}
