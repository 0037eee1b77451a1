package plans

import (
	"fmt"
	"strings"
)

// stepID builds "<kind>/<id>[/<id>…]".
func stepID(kind StepKind, ids ...string) string {
	return string(kind) + "/" + strings.Join(ids, "/")
}

// defaultSecurityGroup is the group Neutron creates in every project.
const defaultSecurityGroup = "default"

// addNetworks writes a step per tenant network and subnet; external
// networks belong to the provider and are mapped, not created.
func (b *builder) addNetworks() {
	for _, n := range b.inv.Networks {
		if n.External {
			continue
		}
		b.add(Step{ID: stepID(StepNetwork, n.ID), Kind: StepNetwork, SourceID: n.ID, Name: n.Name})
	}
	for _, s := range b.inv.Subnets {
		if !b.has(stepID(StepNetwork, s.NetworkID)) {
			continue
		}
		b.add(Step{ID: stepID(StepSubnet, s.ID), Kind: StepSubnet, SourceID: s.ID, Name: s.Name,
			DependsOn: []string{stepID(StepNetwork, s.NetworkID)}})
	}
}

// addRouters writes routers with their gateway on the mapped external
// network, an interface step per subnet, and the static routes once
// every interface exists (a route's next hop must be on a connected
// subnet).
func (b *builder) addRouters() {
	for _, r := range b.inv.Routers {
		id := stepID(StepRouter, r.ID)
		st := Step{ID: id, Kind: StepRouter, SourceID: r.ID, Name: r.Name}
		if g := r.ExternalGateway; g != nil {
			m, _ := b.d.extNetOf(g.NetworkID, g.NetworkName)
			st.Target.ExternalNetworkID = m.TargetID
			if m.Action == "blocked" {
				b.block(Finding{Kind: "router", SourceID: r.ID, Name: r.Name, Reason: "gateway: " + m.Reason}, id)
			}
		}
		b.add(st)
		var itfs []string
		for _, itf := range r.Interfaces {
			iid := stepID(StepRouterInterface, r.ID, itf.SubnetID)
			itfs = append(itfs, iid)
			b.add(Step{ID: iid, Kind: StepRouterInterface, SourceID: itf.SubnetID, ParentID: r.ID,
				Name: r.Name + ": " + b.subnetName(itf.SubnetID), DependsOn: []string{id, stepID(StepSubnet, itf.SubnetID)}})
			if !b.has(stepID(StepSubnet, itf.SubnetID)) {
				b.block(Finding{Kind: "router", SourceID: r.ID, Name: r.Name,
					Reason: fmt.Sprintf("interface on subnet %s, which is not one of the tenant's subnets", itf.SubnetID)}, iid)
			}
		}
		if len(r.Routes) > 0 {
			b.add(Step{ID: stepID(StepRouterRoutes, r.ID), Kind: StepRouterRoutes, SourceID: r.ID, Name: r.Name,
				DependsOn: append([]string{id}, itfs...)})
		}
	}
}

// subnetName is a subnet's name, or its ID.
func (b *builder) subnetName(id string) string {
	if s, ok := b.ix.Subnets[id]; ok && s.Name != "" {
		return s.Name
	}
	return id
}

// addSecurityGroups writes a step per group (the project's default group
// is adopted, not created) and one for each group's rules, after every
// group the rules refer to.
func (b *builder) addSecurityGroups() {
	for _, g := range b.inv.SecurityGroups {
		st := Step{ID: stepID(StepSecurityGroup, g.ID), Kind: StepSecurityGroup, SourceID: g.ID, Name: g.Name}
		st.Target.Existing = g.Name == defaultSecurityGroup
		b.add(st)
	}
	for _, g := range b.inv.SecurityGroups {
		if len(g.Rules) == 0 {
			continue
		}
		id := stepID(StepSecurityGroupRules, g.ID)
		deps := []string{stepID(StepSecurityGroup, g.ID)}
		for _, r := range g.Rules {
			if r.RemoteGroupID == "" {
				continue
			}
			deps = append(deps, stepID(StepSecurityGroup, r.RemoteGroupID))
			if _, ok := b.ix.SecurityGroups[r.RemoteGroupID]; !ok {
				b.block(Finding{Kind: "security-group", SourceID: g.ID, Name: g.Name,
					Reason: fmt.Sprintf("rule %s refers to remote group %s, which is not in the inventory", r.ID, r.RemoteGroupID)}, id)
			}
		}
		b.add(Step{ID: id, Kind: StepSecurityGroupRules, SourceID: g.ID, Name: g.Name, DependsOn: deps})
	}
}

// addKeypairs imports each public key.
func (b *builder) addKeypairs() {
	for _, k := range b.inv.Keypairs {
		b.add(Step{ID: stepID(StepKeypair, k.Name), Kind: StepKeypair, SourceID: k.Name, Name: k.Name})
	}
}

// addServerGroups writes a step per server group.
func (b *builder) addServerGroups() {
	for _, g := range b.inv.ServerGroups {
		b.add(Step{ID: stepID(StepServerGroup, g.ID), Kind: StepServerGroup, SourceID: g.ID, Name: g.Name})
	}
}
