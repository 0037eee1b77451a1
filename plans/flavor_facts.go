package plans

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// flavorFacts is what a flavor offers, read from its numbers, its
// scs-0100 name and its scs: extra specs.
type flavorFacts struct {
	f inventory.Flavor
	// key is the scs:name-v2 extra spec, or the name: what the scs-0103
	// test looks flavors up by.
	key string
	// spec is the parsed SCS name; nil for a flavor outside scs-0100.
	spec *scs.FlavorName
	// cpu is the vCPU class; cpuDeclared is false when neither an extra
	// spec nor the name says it, and shared-core is assumed.
	cpu         scs.CPUType
	cpuDeclared bool
	// disk is the declared root-disk type, DiskUnspecified if unknown.
	disk scs.DiskType
}

// factsOf reads the facts of a flavor.
func factsOf(f inventory.Flavor) flavorFacts {
	ff := flavorFacts{f: f, key: f.Name, cpu: scs.CPUSharedCore}
	if v := f.ExtraSpecs["scs:name-v2"]; v != "" {
		ff.key = v
	}
	for _, name := range []string{ff.key, f.Name, f.ExtraSpecs["scs:name-v1"]} {
		if spec, err := scs.ParseFlavorName(name); err == nil {
			ff.spec = &spec
			break
		}
	}
	if ff.spec != nil {
		ff.cpu, ff.cpuDeclared = ff.spec.CPUType, true
		if ff.spec.Disk != nil {
			ff.disk = ff.spec.Disk.Type
		}
	}
	if t, err := scs.ParseCPUType(f.ExtraSpecs["scs:cpu-type"]); err == nil {
		ff.cpu, ff.cpuDeclared = t, true
	}
	if t, err := scs.ParseDiskType(f.ExtraSpecs["scs:disk0-type"]); err == nil {
		ff.disk = t
	}
	return ff
}

// flavorUse says how the tenant's servers use a source flavor.
type flavorUse struct {
	// ephemeral is set when some server boots from an image, so that the
	// flavor's root disk holds data and must be as large on the target.
	ephemeral bool
}

// shortfalls lists what t lacks to stand in for src; nil means t covers
// src: as many vCPUs, as much RAM, a root (and ephemeral) disk as large
// where servers use one, a CPU class at least as strong, and the same
// CPU architecture and GPU where the SCS name demands one.
func shortfalls(src, t flavorFacts, use flavorUse) []string {
	var out []string
	if t.f.VCPUs < src.f.VCPUs {
		out = append(out, fmt.Sprintf("%d vCPU < %d", t.f.VCPUs, src.f.VCPUs))
	}
	if t.f.RAMMiB < src.f.RAMMiB {
		out = append(out, fmt.Sprintf("RAM %s < %s", gibOfMiB(t.f.RAMMiB), gibOfMiB(src.f.RAMMiB)))
	}
	if use.ephemeral && t.f.DiskGB < src.f.DiskGB {
		out = append(out, fmt.Sprintf("disk %d GB < %d GB", t.f.DiskGB, src.f.DiskGB))
	}
	if t.f.EphemeralGB < src.f.EphemeralGB {
		out = append(out, fmt.Sprintf("ephemeral disk %d GB < %d GB", t.f.EphemeralGB, src.f.EphemeralGB))
	}
	if !t.cpu.AtLeast(src.cpu) {
		out = append(out, fmt.Sprintf("CPU %s weaker than %s", t.cpu, src.cpu))
	}
	return append(out, hardwareShortfalls(src, t)...)
}

// hardwareShortfalls compares the parts of an SCS name a workload can
// depend on: an ARM or RISC-V CPU, and a GPU.
func hardwareShortfalls(src, t flavorFacts) []string {
	if src.spec == nil {
		return nil
	}
	var out []string
	if a := src.spec.Arch; a != nil && (a.Vendor == 'a' || a.Vendor == 'r') {
		if t.spec == nil || t.spec.Arch == nil || t.spec.Arch.Vendor != a.Vendor {
			out = append(out, fmt.Sprintf("no %s CPU", archName(a.Vendor)))
		}
	}
	if g := src.spec.GPU; g != nil && (t.spec == nil || t.spec.GPU == nil || t.spec.GPU.Vendor != g.Vendor) {
		out = append(out, fmt.Sprintf("no %c GPU", g.Vendor))
	}
	return out
}

// changes lists how t differs from src for the tenant's servers.
func changes(src, t flavorFacts, use flavorUse) []string {
	var out []string
	if t.f.VCPUs != src.f.VCPUs {
		out = append(out, fmt.Sprintf("vCPU %d → %d", src.f.VCPUs, t.f.VCPUs))
	}
	if t.f.RAMMiB != src.f.RAMMiB {
		out = append(out, fmt.Sprintf("RAM %s → %s", gibOfMiB(src.f.RAMMiB), gibOfMiB(t.f.RAMMiB)))
	}
	if use.ephemeral && t.f.DiskGB != src.f.DiskGB {
		out = append(out, fmt.Sprintf("root disk %d → %d GB", src.f.DiskGB, t.f.DiskGB))
	}
	if t.cpu != src.cpu {
		word := "stronger"
		if !t.cpu.AtLeast(src.cpu) {
			word = "WEAKER"
		}
		out = append(out, fmt.Sprintf("CPU %s → %s (%s)", src.cpu, t.cpu, word))
	}
	if use.ephemeral && src.disk != scs.DiskUnspecified && t.disk != scs.DiskUnspecified && t.disk != src.disk {
		out = append(out, fmt.Sprintf("disk type %s → %s", src.disk, t.disk))
	}
	return out
}

// describe summarises what a flavor must offer, e.g.
// "4 vCPU, 12 GiB RAM, 20 GB disk, shared-core".
func (ff flavorFacts) describe(use flavorUse) string {
	parts := []string{fmt.Sprintf("%d vCPU", ff.f.VCPUs), gibOfMiB(ff.f.RAMMiB) + " RAM"}
	if use.ephemeral && ff.f.DiskGB > 0 {
		parts = append(parts, fmt.Sprintf("%d GB disk", ff.f.DiskGB))
	}
	cpu := ff.cpu.String()
	if !ff.cpuDeclared {
		cpu += " (assumed: not declared)"
	}
	return strings.Join(append(parts, cpu), ", ")
}

// gibOfMiB formats MiB as GiB, e.g. "12 GiB", "0.5 GiB".
func gibOfMiB(mib int) string {
	return strconv.FormatFloat(float64(mib)/1024, 'f', -1, 64) + " GiB"
}

func archName(vendor byte) string {
	if vendor == 'a' {
		return "ARM"
	}
	return "RISC-V"
}
