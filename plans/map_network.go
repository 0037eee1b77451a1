package plans

import (
	"fmt"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// mapExternalNetwork decides the target external network for router
// gateways and floating IPs, trying in order: the user's override, the
// network of the same name, the target's only external network. With
// several and none of the same name, the choice is the user's: blocked.
func mapExternalNetwork(src inventory.ExternalNetwork, targets []inventory.ExternalNetwork, ov *Override, where string) Mapping {
	m := Mapping{Kind: "external-network", SourceID: src.ID, SourceName: src.Name}
	if ov != nil {
		t, _ := findExternalNetwork(targets, ov.Target)
		return m.decide(t.ID, t.Name, "map", "override", "set in "+where)
	}
	if t, ok := findExternalNetwork(targets, src.Name); ok && src.Name != "" {
		return m.decide(t.ID, t.Name, "map", "same-name", "same name on the target")
	}
	switch len(targets) {
	case 0:
		return m.decide("", "", "blocked", "blocked", "the target has no external network")
	case 1:
		t := targets[0]
		return m.decide(t.ID, t.Name, "map", "only-one", "the target's only external network")
	}
	all := make([]string, len(targets))
	for i, t := range targets {
		all[i] = t.Name
	}
	return m.decide("", "", "blocked", "blocked", fmt.Sprintf("the target has %d external networks (%s) and none is called %q: choose one under externalNetworks in the mapping file",
		len(targets), strings.Join(all, ", "), src.Name))
}

// findExternalNetwork finds a target external network by name or ID.
func findExternalNetwork(targets []inventory.ExternalNetwork, nameOrID string) (inventory.ExternalNetwork, bool) {
	for _, t := range targets {
		if t.Name == nameOrID || t.ID == nameOrID {
			return t, true
		}
	}
	return inventory.ExternalNetwork{}, false
}
