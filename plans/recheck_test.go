package plans

import (
	"github.com/scs-migrate/scs-migrate/inventory"
	"slices"
	"strings"
	"testing"
)

func failed(checks []Check) []string {
	var out []string
	for _, c := range checks {
		if !c.OK {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return out
}

// TestRecheckFindsATargetThatChanged: a plan whose target has since
// filled up and dropped a flavor fails the recheck with both named; the
// steps already done count neither as demand nor as clash.
func TestRecheckFindsATargetThatChanged(t *testing.T) {
	p, err := buildDemo(demoInventory(), demoTarget(), nil)
	if err != nil {
		t.Fatal(err)
	}
	none := func(string) bool { return false }
	if f := failed(Recheck(p, demoTarget(), none)); len(f) != 0 {
		t.Fatalf("an unchanged target fails the recheck: %q", f)
	}

	tgt := demoTarget()
	for i := range tgt.Quotas {
		if tgt.Quotas[i].Resource == "instances" {
			tgt.Quotas[i].InUse = 19
		}
	}
	var gone string
	for _, s := range p.Steps {
		if s.Kind == StepServer {
			gone = s.Target.FlavorID
			break
		}
	}
	tgt.Flavors = slices.DeleteFunc(tgt.Flavors, func(f inventory.Flavor) bool { return f.ID == gone })
	f := failed(Recheck(p, tgt, none))
	if len(f) != 2 || !strings.HasPrefix(f[0], "quota compute.instances: needs 5 + 19 in use = 24 of 20") ||
		!strings.HasPrefix(f[1], "offered flavors: no longer offered by the target: ["+strings.TrimPrefix(gone, "flv-")) {
		t.Errorf("failed checks = %q", f)
	}

	// On resume the servers the plan made are in use on the target and
	// their names are taken — by the plan itself.
	resumed := demoTarget()
	for i := range resumed.Quotas {
		if resumed.Quotas[i].Resource == "instances" {
			resumed.Quotas[i].InUse = 5
		}
	}
	for _, s := range p.Steps {
		if s.Kind == StepServer {
			resumed.Existing.Servers = append(resumed.Existing.Servers, s.Name)
		}
	}
	serversDone := func(id string) bool { return strings.HasPrefix(id, string(StepServer)+"/") }
	if f := failed(Recheck(p, resumed, serversDone)); len(f) != 0 {
		t.Errorf("a resumed plan clashes with itself: %q", f)
	}
	if f := failed(Recheck(p, resumed, none)); len(f) == 0 {
		t.Error("servers of the same names on the target, not made by the plan, pass the recheck")
	}
}
