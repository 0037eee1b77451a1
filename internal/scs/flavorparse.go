package scs

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotSCSName is wrapped by ParseFlavorName for names that do not start
// with "SCS-". Such flavors are outside scs-0100 and the check skips them.
var ErrNotSCSName = errors.New(`not an SCS flavor name: no "SCS-" prefix`)

// grammar is one syntax version of scs-0100. v1 differs from v2/v3 only in
// its separators and in lacking the chy hypervisor.
type grammar struct {
	syntax      Syntax
	partSep     byte // separates CPU/RAM/disk and GPU numbers: '-' (v3), ':' (v1)
	extSep      byte // introduces an extension: '_' (v3), '-' (v1)
	hypervisors []string
}

var (
	grammarV3 = grammar{SyntaxV3, '-', '_', hypervisorsV3}
	grammarV1 = grammar{SyntaxV1, ':', '-', hypervisorsV1}
)

// parseError locates a problem in a flavor name.
type parseError struct {
	part    string // cpu/ram, disk, arch, gpu or name
	pos     int    // byte offset of the problem in the name
	reached int    // how far the grammar had read when it failed
	msg     string
}

// Error formats the problem as "PART part: MESSAGE (at offset N)".
func (e *parseError) Error() string {
	return fmt.Sprintf("%s part: %s (at offset %d)", e.part, e.msg, e.pos)
}

// ParseFlavorName parses an scs-0100 flavor name in v3 (= v2) syntax, or
// else in the tolerated v1 colon syntax, as the certification check does.
// Syntax in the result records which grammar matched. Values are checked
// against the scs-0100 tables. Errors name the input and the failing part.
func ParseFlavorName(name string) (FlavorName, error) {
	if !strings.HasPrefix(name, flavorPrefix) {
		return FlavorName{}, fmt.Errorf("flavor name %q: %w", name, ErrNotSCSName)
	}
	f, errV3 := grammarV3.parse(name)
	if errV3 == nil {
		return f, nil
	}
	f, errV1 := grammarV1.parse(name)
	if errV1 == nil {
		return f, nil
	}
	return FlavorName{}, fmt.Errorf("flavor name %q: %w", name, furthest(errV3, errV1))
}

// furthest returns the error of the grammar that read further into the
// name, preferring v3, so that a colon-form name reports its v1 problem.
func furthest(v3, v1 *parseError) *parseError {
	if v1.reached > v3.reached {
		return v1
	}
	return v3
}

// parse reads the components in their mandatory order, each optional
// except cpu/ram, and requires the whole name to be consumed.
func (g grammar) parse(name string) (FlavorName, *parseError) {
	sc := &scanner{s: name, pos: len(flavorPrefix)}
	f := FlavorName{Syntax: g.syntax}
	steps := []func(*scanner, *FlavorName) *parseError{
		g.parseCPURAM, g.parseDisk, g.parseHypervisor, g.parseHWVirt,
		g.parseArch, g.parseGPU, g.parseIB,
	}
	for _, step := range steps {
		if err := step(sc, &f); err != nil {
			return FlavorName{}, err
		}
	}
	if sc.pos != len(name) {
		return FlavorName{}, sc.fail("name", sc.pos, "unexpected %s; parts must be valid and in the order "+
			"cpu/ram, disk, hypervisor, hwv, arch, gpu, ib", quoteRest(sc.rest()))
	}
	return f, nil
}

// parseCPURAM reads N<L|V|T|C>[i]<sep>N[.5][u][o].
func (g grammar) parseCPURAM(sc *scanner, f *FlavorName) *parseError {
	start := sc.pos
	cpus := sc.run(isDigit)
	t, ok := cpuTypeFromLetter(sc.peek())
	if !ok {
		return sc.fail("cpu/ram", sc.pos, "want CPU type L, V, T or C after the vCPU count, found %s", quoteRest(sc.rest()))
	}
	sc.pos++
	insecure := sc.accept('i')
	if !sc.accept(g.partSep) {
		return sc.fail("cpu/ram", sc.pos, "want %q before the RAM size, found %s", g.partSep, quoteRest(sc.rest()))
	}
	ramAt := sc.pos
	ram := sc.run(isDigitOrDot)
	f.NoECC, f.RAMOversubscribed = sc.accept('u'), sc.accept('o')
	var err error
	if f.CPUs, err = positiveInt(cpus); err != nil {
		return sc.fail("cpu/ram", start, "vCPU count %v", err)
	}
	if f.RAMGiB, err = parseRAM(ram); err != nil {
		return sc.fail("cpu/ram", ramAt, "RAM size %v", err)
	}
	f.CPUType, f.Insecure = t, insecure
	return nil
}

// parseDisk reads the optional <sep>[Mx][N][n|h|s|p].
func (g grammar) parseDisk(sc *scanner, f *FlavorName) *parseError {
	if !sc.accept(g.partSep) {
		return nil
	}
	start := sc.pos
	count := ""
	if digits := sc.run(isDigit); sc.accept('x') {
		count = digits
	} else {
		sc.pos = start
	}
	size := sc.run(isDigit)
	d := &Disk{Count: 1}
	if t, ok := diskTypeFromLetter(sc.peek()); ok {
		d.Type = t
		sc.pos++
	}
	var err error
	if count != "" {
		if d.Count, err = positiveInt(count); err != nil {
			return sc.fail("disk", start, "disk count %v", err)
		}
	}
	if d.SizeGB, err = optionalPositiveInt(size); err != nil {
		return sc.fail("disk", start, "disk size %v", err)
	}
	f.Disk = d
	return nil
}

// parseHypervisor reads the optional _hyp.
func (g grammar) parseHypervisor(sc *scanner, f *FlavorName) *parseError {
	if sc.peek() != g.extSep {
		return nil
	}
	for _, h := range g.hypervisors {
		if strings.HasPrefix(sc.s[sc.pos+1:], h) {
			f.Hypervisor = h
			sc.pos += 1 + len(h)
			return nil
		}
	}
	return nil
}

// parseHWVirt reads the optional _hwv.
func (g grammar) parseHWVirt(sc *scanner, f *FlavorName) *parseError {
	f.HWVirt = sc.acceptString(string(g.extSep) + "hwv")
	return nil
}

// parseArch reads the optional _<i|z|a|r>[N][h*], which must be followed
// by an extension separator or the end (so that _ib is not read as Intel).
func (g grammar) parseArch(sc *scanner, f *FlavorName) *parseError {
	vendor := sc.at(1)
	if sc.peek() != g.extSep || archVendorNames[vendor] == "" {
		return nil
	}
	start := sc.pos
	sc.pos += 2
	gen, freq := sc.run(isDigit), sc.run(isH)
	if sc.pos != len(sc.s) && sc.peek() != g.extSep {
		sc.pos = start
		return nil
	}
	n, err := checkArchGeneration(vendor, gen)
	if err == nil {
		err = checkFreq("frequency", freq, maxArchFreq)
	}
	if err != nil {
		return sc.fail("arch", start, "%v", err)
	}
	f.Arch = &CPUArch{Vendor: vendor, Generation: n, Freq: len(freq)}
	return nil
}

// parseGPU reads the optional _<g|G><N|A|I>[gen][<sep>CU][h*][<sep>VRAM][h*].
// Like the reference regex, the generation runs greedily up to the next
// part separator or h, so "_GNa_ib" reads generation "a_ib" and fails.
func (g grammar) parseGPU(sc *scanner, f *FlavorName) *parseError {
	kind, vendor := sc.at(1), sc.at(2)
	if sc.peek() != g.extSep || (kind != 'g' && kind != 'G') || gpuGenerations[vendor] == nil {
		return nil
	}
	start := sc.pos
	sc.pos += 3
	gpu := &GPU{PassThrough: kind == 'G', Vendor: vendor}
	gpu.Generation = sc.run(func(b byte) bool { return b != g.partSep && b != 'h' })
	cu, freq := sc.sepDigits(g.partSep), sc.run(isH)
	vram, vramFreq := sc.sepDigits(g.partSep), sc.run(isH)
	if err := gpu.fill(cu, freq, vram, vramFreq); err != nil {
		return sc.fail("gpu", start, "%v", err)
	}
	f.GPU = gpu
	return nil
}

// fill validates the scanned GPU fields and stores them.
func (gpu *GPU) fill(cu, freq, vram, vramFreq string) error {
	if err := checkGPUGeneration(gpu.Vendor, gpu.Generation); err != nil {
		return err
	}
	var err error
	if gpu.ComputeUnits, err = optionalPositiveInt(cu); err != nil {
		return fmt.Errorf("compute units %v", err)
	}
	if gpu.VRAMGiB, err = optionalPositiveInt(vram); err != nil {
		return fmt.Errorf("VRAM size %v", err)
	}
	gpu.Freq, gpu.VRAMFreq = len(freq), len(vramFreq)
	if err := checkFreq("frequency", freq, maxGPUFreq); err != nil {
		return err
	}
	return checkFreq("VRAM bandwidth", vramFreq, maxGPUFreq)
}

// parseIB reads the optional _ib.
func (g grammar) parseIB(sc *scanner, f *FlavorName) *parseError {
	f.IB = sc.acceptString(string(g.extSep) + "ib")
	return nil
}

// quoteRest describes the unread remainder of a name for an error.
func quoteRest(rest string) string {
	if rest == "" {
		return "end of name"
	}
	return fmt.Sprintf("%q", rest)
}
