package plans

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// typeFacts is a volume type with its scs-0114 aspects.
type typeFacts struct {
	t inventory.VolumeType
	// aspects are sorted; declared is false when the description has no
	// "[scs:…]" list, so the aspects are unknown rather than none.
	aspects  []string
	declared bool
}

// typeFactsOf reads the aspects from the description (authoritative),
// else from the inventory's Aspects field.
func typeFactsOf(t inventory.VolumeType) typeFacts {
	aspects, found, _ := scs.ParseVolumeTypeAspects(t.Description)
	if !found && len(t.Aspects) > 0 {
		aspects, found = t.Aspects, true
	}
	return typeFacts{t: t, aspects: slices.Compact(slices.Sorted(slices.Values(aspects))), declared: found}
}

// mapVolumeType decides the target volume type, trying in order:
//
//  1. the user's override;
//  2. a target type with exactly the same [scs:…] aspects (same name,
//     then the default type, then by name);
//  3. a target type with all the source's aspects and the fewest extra;
//  4. the target type with the same name;
//  5. the target's default type, with a warning naming lost aspects.
func mapVolumeType(src typeFacts, targets []typeFacts, defaultName string, ov *Override, where string) Mapping {
	m := Mapping{Kind: "volume-type", SourceID: src.t.ID, SourceName: src.t.Name}
	if ov != nil {
		t, _ := findType(targets, ov.Target)
		m.Changes = aspectChanges(src, t)
		return m.decide(t.t.ID, t.t.Name, "map", "override", "set in "+where)
	}
	if src.declared {
		if t, ok := bestAspectMatch(src, targets, defaultName); ok {
			m.Changes = aspectChanges(src, t)
			why := "same scs-0114 aspects " + formatAspects(src.aspects)
			if len(m.Changes) > 0 {
				why = "target type has all scs-0114 aspects of " + formatAspects(src.aspects) + " and fewest extra"
			}
			return m.decide(t.t.ID, t.t.Name, "map", "aspects", why)
		}
	}
	if t, ok := findType(targets, src.t.Name); ok {
		m.Changes = aspectChanges(src, t)
		return m.decide(t.t.ID, t.t.Name, "map", "same-name", "same name on the target")
	}
	t, ok := findType(targets, defaultName)
	if !ok {
		t = typeFacts{t: inventory.VolumeType{Name: defaultName}}
	}
	m.Changes = aspectChanges(src, t)
	why := "no target type matches; the target's default type"
	if defaultName == "" {
		why = "no target type matches; the target's default type (name unknown: the cloud picks it)"
	}
	return m.decide(t.t.ID, t.t.Name, "map", "default", why)
}

// bestAspectMatch finds a type with exactly the source's aspects, else
// the superset with the fewest extra aspects.
func bestAspectMatch(src typeFacts, targets []typeFacts, defaultName string) (typeFacts, bool) {
	var best typeFacts
	bestExtra := -1
	for _, t := range targets {
		if !t.declared || !isSubset(src.aspects, t.aspects) {
			continue
		}
		extra := len(t.aspects) - len(src.aspects)
		if bestExtra < 0 || extra < bestExtra || extra == bestExtra && preferType(t, best, src.t.Name, defaultName) {
			best, bestExtra = t, extra
		}
	}
	return best, bestExtra >= 0
}

// preferType breaks ties: the source's own name, then the default type,
// then the alphabetically first.
func preferType(a, b typeFacts, srcName, defaultName string) bool {
	rank := func(t typeFacts) int {
		switch t.t.Name {
		case srcName:
			return 0
		case defaultName:
			return 1
		}
		return 2
	}
	return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.t.Name, b.t.Name)) < 0
}

// aspectChanges lists aspects lost or added by the mapping; a source
// without an aspect list has nothing to lose.
func aspectChanges(src, t typeFacts) []string {
	if !src.declared {
		return nil
	}
	var out []string
	for _, a := range src.aspects {
		if !slices.Contains(t.aspects, a) {
			out = append(out, fmt.Sprintf("aspect %s lost", a))
		}
	}
	for _, a := range t.aspects {
		if !slices.Contains(src.aspects, a) {
			out = append(out, fmt.Sprintf("aspect %s added", a))
		}
	}
	return out
}

// lostAspects are the "aspect X lost" changes.
func lostAspects(changes []string) []string {
	var out []string
	for _, c := range changes {
		if a, ok := strings.CutPrefix(c, "aspect "); ok && strings.HasSuffix(a, " lost") {
			out = append(out, strings.TrimSuffix(a, " lost"))
		}
	}
	return out
}

func isSubset(sub, set []string) bool {
	for _, a := range sub {
		if !slices.Contains(set, a) {
			return false
		}
	}
	return true
}

func formatAspects(a []string) string {
	if len(a) == 0 {
		return "[scs:]"
	}
	return scs.FormatAspects(a)
}

// findType finds a target type by name or ID.
func findType(targets []typeFacts, nameOrID string) (typeFacts, bool) {
	for _, t := range targets {
		if nameOrID != "" && (t.t.Name == nameOrID || t.t.ID == nameOrID) {
			return t, true
		}
	}
	return typeFacts{}, false
}
