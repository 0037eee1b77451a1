package scs

import (
	"fmt"
	"math"
	"strings"
)

// RAMGiBFromMiB converts a flavor's RAM in MiB to GiB the way the scs-0100
// semantics check does, int((ram_MiB+51)/102.4)/10, which rounds to one
// decimal and tolerates a few MiB shaved off for overhead.
func RAMGiBFromMiB(ramMiB int) float64 {
	return math.Trunc((float64(ramMiB)+51)/102.4) / 10
}

// CheckFlavor implements the scs-0100 semantics check: a flavor with the
// given vcpus, RAM (MiB) and root disk (GB) must not overpromise, i.e. it
// must have at least the vCPUs, RAM and disk its name advertises. Offering
// more is allowed. The error lists every overpromise and names the flavor.
func CheckFlavor(name FlavorName, vcpus, ramMiB, diskGB int) error {
	var problems []string
	if vcpus < name.CPUs {
		problems = append(problems, fmt.Sprintf("CPU overpromise: %d vCPUs < %d", vcpus, name.CPUs))
	}
	if ram := RAMGiBFromMiB(ramMiB); ram < name.RAMGiB {
		problems = append(problems, fmt.Sprintf("RAM overpromise: %d MiB = %.1f GiB < %s GiB",
			ramMiB, ram, formatRAM(name.RAMGiB)))
	}
	if diskGB < name.DiskGB() {
		problems = append(problems, fmt.Sprintf("disk overpromise: %d GB < %d GB", diskGB, name.DiskGB()))
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("flavor %q: %s", name.displayName(), strings.Join(problems, "; "))
}
