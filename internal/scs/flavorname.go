package scs

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// flavorPrefix starts every SCS flavor name in every syntax version.
const flavorPrefix = "SCS-"

// maxDiskSpecs caps the scs:diskN-type keys ExtraSpecs emits, so that a
// name such as SCS-1V-1-99999999x cannot make it allocate without bound.
const maxDiskSpecs = 64

// Syntax identifies the scs-0100 grammar a flavor name was written in.
type Syntax int

const (
	// SyntaxV1 is the colon form of scs-0100-v1, e.g. SCS-2V:4:20s-kvm.
	// The certification test still accepts it, with a warning.
	SyntaxV1 Syntax = 1
	// SyntaxV3 is the dash/underscore form, e.g. SCS-2V-4-20s_kvm.
	// scs-0100-v2 and v3 share this grammar, so a v2 name reports SyntaxV3.
	SyntaxV3 Syntax = 3
)

// FlavorName is a parsed scs-0100 flavor name.
type FlavorName struct {
	CPUs              int     // number of vCPUs, > 0
	CPUType           CPUType // L, V, T or C
	Insecure          bool    // i: insufficient microcode or L1TF mitigation
	RAMGiB            float64 // GiB, a positive multiple of 0.5
	NoECC             bool    // u: RAM without ECC
	RAMOversubscribed bool    // o: RAM is oversubscribed
	// Disk is the root disk; nil means no root disk (boot from volume).
	Disk *Disk
	// Hypervisor is "" (unspecified) or kvm, chy, xen, vmw, hyv, bms.
	Hypervisor string
	HWVirt     bool     // _hwv: hardware/nested virtualisation
	Arch       *CPUArch // nil means generic x86-64
	GPU        *GPU     // nil means no GPU
	IB         bool     // _ib: Infiniband
	// Syntax is the grammar the name was parsed from. Equal ignores it.
	Syntax Syntax
}

// Disk is the root-disk part of a flavor name.
type Disk struct {
	Count  int      // number of independent disks; 0 is treated as 1
	SizeGB int      // 0 means the cloud picks the size (image min_disk)
	Type   DiskType // DiskUnspecified means the cloud picks the type
}

// CPUArch is the CPU vendor, generation and frequency extension (_z3h).
type CPUArch struct {
	Vendor     byte // 'i' Intel, 'z' AMD, 'a' ARM, 'r' RISC-V
	Generation int  // 0 means unspecified or oldest; see scs-0100 tables
	Freq       int  // number of h suffixes, 0..3
}

// GPU is the GPU extension (_GNa-14h-48h).
type GPU struct {
	PassThrough  bool   // G: pass-through GPU; false means g: vGPU
	Vendor       byte   // 'N' Nvidia, 'A' AMD, 'I' Intel
	Generation   string // vendor-specific code such as "a" or "3.5"; "" unspecified
	ComputeUnits int    // SMs/CUs/EUs; 0 means unspecified
	Freq         int    // h suffixes after the compute units, 0..2
	VRAMGiB      int    // 0 means unspecified
	VRAMFreq     int    // h suffixes after the VRAM size, 0..2
}

// String returns the canonical v2/v3 name, e.g. "SCS-4C-16-2x200p_a1".
// For any name ParseFlavorName accepts, ParseFlavorName(f.String()) yields
// a value Equal to f. (A GPU without compute units directly followed by
// _ib is the one combination the grammar cannot read back.)
func (f FlavorName) String() string {
	var b strings.Builder
	b.WriteString(flavorPrefix)
	f.writeCPURAM(&b)
	f.Disk.write(&b)
	if f.Hypervisor != "" {
		b.WriteString("_" + f.Hypervisor)
	}
	if f.HWVirt {
		b.WriteString("_hwv")
	}
	f.Arch.write(&b)
	f.GPU.write(&b)
	if f.IB {
		b.WriteString("_ib")
	}
	return b.String()
}

// V1Name returns the name in the v1 colon syntax (the scs:name-v1 form),
// converted from String() exactly as the SCS tooling does it.
func (f FlavorName) V1Name() string {
	return toV1(f.String())
}

// Short returns the canonical short name: hypervisor and _hwv dropped,
// Intel/AMD arch dropped, ARM/RISC-V reduced to the vendor letter, and GPU
// h modifiers stripped. SCS-4C-16-2x200p_a1 becomes SCS-4C-16-2x200p_a.
func (f FlavorName) Short() string {
	return f.shortened().String()
}

// ExtraSpecs returns the scs: extra specs the scs-0103 test computes for
// this name: scs:cpu-type, scs:diskN-type per disk (unspecified counts as
// network), and scs:name-vN for the long and short names in v1 and v2
// syntax, longest first, v1 before v2.
func (f FlavorName) ExtraSpecs() map[string]string {
	specs := map[string]string{"scs:cpu-type": f.CPUType.String()}
	if f.Disk != nil {
		for i := range min(f.Disk.count(), maxDiskSpecs) {
			specs[fmt.Sprintf("scs:disk%d-type", i)] = f.Disk.Type.SpecValue()
		}
	}
	for i, name := range f.nameVariants() {
		specs[fmt.Sprintf("scs:name-v%d", i+1)] = name
	}
	return specs
}

// Equal reports whether f and o describe the same flavor, ignoring Syntax.
func (f FlavorName) Equal(o FlavorName) bool {
	return equalPtr(f.Disk, o.Disk) && equalPtr(f.Arch, o.Arch) &&
		equalPtr(f.GPU, o.GPU) && f.scalars() == o.scalars()
}

// DiskGB returns the advertised root-disk size, 0 without a disk or when
// the cloud picks the size.
func (f FlavorName) DiskGB() int {
	if f.Disk == nil {
		return 0
	}
	return f.Disk.SizeGB
}

// displayName is the name in the syntax it was parsed from.
func (f FlavorName) displayName() string {
	if f.Syntax == SyntaxV1 {
		return f.V1Name()
	}
	return f.String()
}

// scalars returns f without its pointer fields and Syntax.
func (f FlavorName) scalars() FlavorName {
	f.Disk, f.Arch, f.GPU, f.Syntax = nil, nil, nil, 0
	return f
}

// shortened applies the scs-0100 shorten() rule.
func (f FlavorName) shortened() FlavorName {
	f.Hypervisor, f.HWVirt = "", false
	f.Arch = f.Arch.shortened()
	f.GPU = f.GPU.shortened()
	return f
}

// nameVariants returns the scs:name-vN values in order: the long and short
// names in v1 and v2 syntax, deduplicated, sorted by descending length and
// then v1 before v2, as flavorname_to_dict does.
func (f FlavorName) nameVariants() []string {
	type variant struct{ name, syntax string }
	long, short := f.String(), f.Short()
	vs := []variant{{toV1(long), "v1"}, {long, "v2"}, {toV1(short), "v1"}, {short, "v2"}}
	slices.SortFunc(vs, func(a, b variant) int {
		return cmp.Or(cmp.Compare(len(b.name), len(a.name)),
			cmp.Compare(a.syntax, b.syntax), cmp.Compare(a.name, b.name))
	})
	vs = slices.Compact(vs)
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = v.name
	}
	return names
}

// writeCPURAM writes the mandatory part, e.g. "8Ti-32" or "1L-0.5uo".
func (f FlavorName) writeCPURAM(b *strings.Builder) {
	b.WriteString(strconv.Itoa(f.CPUs))
	writeLetter(b, f.CPUType.Letter())
	writeFlag(b, f.Insecure, "i")
	b.WriteByte('-')
	b.WriteString(formatRAM(f.RAMGiB))
	writeFlag(b, f.NoECC, "u")
	writeFlag(b, f.RAMOversubscribed, "o")
}

// count returns the number of disks, treating 0 as 1.
func (d *Disk) count() int {
	return max(d.Count, 1)
}

// write writes "-[Mx][N][type]"; nothing for a nil disk.
func (d *Disk) write(b *strings.Builder) {
	if d == nil {
		return
	}
	b.WriteByte('-')
	if d.count() != 1 {
		b.WriteString(strconv.Itoa(d.Count) + "x")
	}
	if d.SizeGB != 0 {
		b.WriteString(strconv.Itoa(d.SizeGB))
	}
	writeLetter(b, d.Type.Letter())
}

// write writes "_<vendor>[gen][h*]"; nothing for a nil arch.
func (a *CPUArch) write(b *strings.Builder) {
	if a == nil {
		return
	}
	b.WriteByte('_')
	writeLetter(b, a.Vendor)
	if a.Generation != 0 {
		b.WriteString(strconv.Itoa(a.Generation))
	}
	b.WriteString(strings.Repeat("h", max(a.Freq, 0)))
}

// shortened keeps only the vendor of ARM and RISC-V, which is the
// architecture, and drops x86 vendors entirely.
func (a *CPUArch) shortened() *CPUArch {
	if a == nil || a.Vendor == 'i' || a.Vendor == 'z' {
		return nil
	}
	return &CPUArch{Vendor: a.Vendor}
}

// write writes "_<g|G><vendor><gen>[-cu][h*][-vram][h*]"; nothing for nil.
func (g *GPU) write(b *strings.Builder) {
	if g == nil {
		return
	}
	b.WriteByte('_')
	writeFlag(b, g.PassThrough, "G")
	writeFlag(b, !g.PassThrough, "g")
	writeLetter(b, g.Vendor)
	b.WriteString(g.Generation)
	writeCount(b, g.ComputeUnits)
	b.WriteString(strings.Repeat("h", max(g.Freq, 0)))
	writeCount(b, g.VRAMGiB)
	b.WriteString(strings.Repeat("h", max(g.VRAMFreq, 0)))
}

// shortened strips the h modifiers.
func (g *GPU) shortened() *GPU {
	if g == nil {
		return nil
	}
	s := *g
	s.Freq, s.VRAMFreq = 0, 0
	return &s
}

// formatRAM prints whole GiB without decimals and halves with one.
func formatRAM(gib float64) string {
	if gib == math.Trunc(gib) {
		return strconv.FormatFloat(gib, 'f', 0, 64)
	}
	return strconv.FormatFloat(gib, 'f', 1, 64)
}

// writeFlag writes s if set.
func writeFlag(b *strings.Builder, set bool, s string) {
	if set {
		b.WriteString(s)
	}
}

// writeLetter writes l unless it is 0 (an unset field of a hand-built value).
func writeLetter(b *strings.Builder, l byte) {
	if l != 0 {
		b.WriteByte(l)
	}
}

// writeCount writes "-n" for a non-zero n.
func writeCount(b *strings.Builder, n int) {
	if n != 0 {
		b.WriteString("-" + strconv.Itoa(n))
	}
}

// toV1 converts a v2/v3 name to v1 syntax the way SyntaxV1.from_v2 does.
func toV1(name string) string {
	name = strings.ReplaceAll(name, "-", ":")
	name = strings.ReplaceAll(name, "_", "-")
	return strings.ReplaceAll(name, "SCS:", "SCS-")
}

// equalPtr reports whether two optional values are both absent or equal.
func equalPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
