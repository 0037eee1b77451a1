package plans

import (
	"cmp"
	"fmt"
	"strings"
)

// mapFlavor decides which target flavor stands in for a source flavor,
// trying in order:
//
//  1. the user's override;
//  2. the target flavor with the same scs:name-v2 (or name), if it covers;
//  3. an SCS flavor with the same parsed spec (another spelling), if it covers;
//  4. the smallest target flavor that covers vCPU, RAM, disk and CPU class;
//  5. blocked, naming the closest candidate and what it lacks.
//
// "Covers" never accepts a weaker CPU class; only an override can.
func mapFlavor(src flavorFacts, use flavorUse, targets []flavorFacts, ov *Override, where string) Mapping {
	m := Mapping{Kind: "flavor", SourceID: src.f.ID, SourceName: src.f.Name}
	if ov != nil {
		t, _ := findFlavor(targets, ov.Target)
		m.Changes = changes(src, t, use)
		return m.decide(t.f.ID, t.f.Name, "map", "override", "set in "+where)
	}
	var notes []string
	for _, t := range targets {
		if t.key != src.key && t.f.Name != src.f.Name {
			continue
		}
		if miss := shortfalls(src, t, use); len(miss) > 0 {
			notes = append(notes, fmt.Sprintf("same-named %s does not cover (%s)", t.f.Name, strings.Join(miss, ", ")))
			continue
		}
		rule, why := "same-name", "same name on the target"
		if src.spec != nil {
			rule, why = "scs-name", "same scs:name-v2 "+src.key
		}
		m.Changes = changes(src, t, use)
		return m.decide(t.f.ID, t.f.Name, "map", rule, why)
	}
	if src.spec != nil {
		for _, t := range targets {
			if t.spec != nil && t.spec.Equal(*src.spec) && shortfalls(src, t, use) == nil {
				m.Changes = changes(src, t, use)
				return m.decide(t.f.ID, t.f.Name, "map", "scs-spec", "same SCS spec "+src.spec.String()+" under another name")
			}
		}
	}
	if t, ok := smallestCovering(src, use, targets); ok {
		m.Changes = changes(src, t, use)
		why := "smallest target flavor covering " + src.describe(use)
		return m.decide(t.f.ID, t.f.Name, "map", "covering", joinNotes(why, notes))
	}
	return m.decide("", "", "blocked", "blocked", joinNotes(blockedFlavorReason(src, use, targets), notes))
}

// decide completes a mapping.
func (m Mapping) decide(id, name, action, rule, reason string) Mapping {
	m.TargetID, m.TargetName, m.Action, m.Rule, m.Reason = id, name, action, rule, reason
	return m
}

// smallestCovering finds the covering flavor with the fewest vCPUs, then
// the least RAM, disk and CPU class; SCS flavors win ties, then names.
func smallestCovering(src flavorFacts, use flavorUse, targets []flavorFacts) (flavorFacts, bool) {
	var best flavorFacts
	found := false
	for _, t := range targets {
		if shortfalls(src, t, use) != nil {
			continue
		}
		if !found || compareSize(t, best) < 0 {
			best, found = t, true
		}
	}
	return best, found
}

// compareSize orders flavors from smallest to largest.
func compareSize(a, b flavorFacts) int {
	return cmp.Or(
		cmp.Compare(a.f.VCPUs, b.f.VCPUs),
		cmp.Compare(a.f.RAMMiB, b.f.RAMMiB),
		cmp.Compare(a.f.DiskGB, b.f.DiskGB),
		cmp.Compare(a.f.EphemeralGB, b.f.EphemeralGB),
		cmp.Compare(a.cpu, b.cpu),
		cmp.Compare(boolRank(a.spec == nil), boolRank(b.spec == nil)),
		cmp.Compare(a.f.Name, b.f.Name),
		cmp.Compare(a.f.ID, b.f.ID),
	)
}

// blockedFlavorReason names the closest candidate and what it lacks.
func blockedFlavorReason(src flavorFacts, use flavorUse, targets []flavorFacts) string {
	why := "no target flavor covers " + src.describe(use)
	var closest flavorFacts
	var lacks []string
	for _, t := range targets {
		miss := shortfalls(src, t, use)
		if lacks == nil || len(miss) < len(lacks) || len(miss) == len(lacks) && compareSize(t, closest) < 0 {
			closest, lacks = t, miss
		}
	}
	if lacks == nil {
		return why + " (the target lists no flavors)"
	}
	return fmt.Sprintf("%s; closest is %s: %s; choose one in the mapping file to accept less", why, closest.f.Name, strings.Join(lacks, ", "))
}

// findFlavor finds a target flavor by name or ID.
func findFlavor(targets []flavorFacts, nameOrID string) (flavorFacts, bool) {
	for _, t := range targets {
		if t.f.Name == nameOrID || t.f.ID == nameOrID {
			return t, true
		}
	}
	return flavorFacts{}, false
}

func joinNotes(reason string, notes []string) string {
	if len(notes) == 0 {
		return reason
	}
	return reason + " (" + strings.Join(notes, "; ") + ")"
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
