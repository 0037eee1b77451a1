package plans

import (
	"fmt"
	"slices"
)

// Recheck runs the plan's pre-flight checks again against a fresh read
// of the target, for the steps that have not succeeded yet (done says
// which have), and checks that the target still offers what those steps
// were mapped to (flavors, images, volume types, external networks,
// zones). migrate calls it before it changes anything, on every start
// and resume: a target that filled up or changed since `plan` is found
// before any source server is stopped. What the plan created itself is
// not a clash and its quota is in use already, so done steps count for
// neither.
func Recheck(p *Plan, tgt *Target, done func(stepID string) bool) []Check {
	pending := *p
	pending.Steps = slices.DeleteFunc(slices.Clone(p.Steps), func(s Step) bool { return done(s.ID) })
	pending.Warnings = nil
	checks := preflight(&pending, p.Inventory, tgt, decide(p.Inventory, tgt, nil))
	return append(checks, offeredChecks(pending.Steps, tgt)...)
}

// offeredChecks are one check per kind of target choice the pending
// steps make: each chosen flavor, image, volume type, external network
// and zone still exists on the target.
func offeredChecks(steps []Step, tgt *Target) []Check {
	offered := map[string][]string{}
	for _, f := range tgt.Flavors {
		offered["flavor"] = append(offered["flavor"], f.ID)
	}
	for _, im := range tgt.Images {
		offered["image"] = append(offered["image"], im.ID)
	}
	for _, vt := range tgt.VolumeTypes {
		offered["volume type"] = append(offered["volume type"], vt.Name)
	}
	for _, n := range tgt.ExternalNetworks {
		offered["external network"] = append(offered["external network"], n.ID)
	}
	offered["zone"] = append(slices.Clone(tgt.ComputeAZs), tgt.VolumeAZs...)
	missing := map[string][]string{}
	wanted := map[string]int{}
	note := func(kind, id, name string) {
		if id == "" {
			return
		}
		wanted[kind]++
		if !slices.Contains(offered[kind], id) && !slices.Contains(missing[kind], name) {
			missing[kind] = append(missing[kind], name)
		}
	}
	for _, s := range steps {
		t := s.Target
		note("flavor", t.FlavorID, t.FlavorName+" ("+t.FlavorID+")")
		note("image", t.ImageID, t.ImageName+" ("+t.ImageID+")")
		note("volume type", t.VolumeType, t.VolumeType)
		note("external network", t.ExternalNetworkID, t.ExternalNetworkID)
		note("zone", t.AvailabilityZone, t.AvailabilityZone)
	}
	var checks []Check
	for _, kind := range []string{"flavor", "image", "volume type", "external network", "zone"} {
		if wanted[kind] == 0 || len(offered[kind]) == 0 {
			continue // nothing chosen, or the target's list was not readable (a warning of ReadTarget)
		}
		c := Check{Name: "offered " + kind + "s", OK: len(missing[kind]) == 0, Subjects: missing[kind]}
		if c.OK {
			c.Detail = fmt.Sprintf("all %s the plan chose still offered", plural(wanted[kind], kind))
		} else {
			slices.Sort(c.Subjects)
			c.Detail = fmt.Sprintf("no longer offered by the target: %v", c.Subjects)
		}
		checks = append(checks, c)
	}
	return checks
}
