package plans

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// addFloatingIPs writes a step per floating IP on the mapped external
// network, after the port it is associated with (or the load balancer
// owning that VIP port) and the router interface that makes the port
// reachable from outside.
func (b *builder) addFloatingIPs() {
	for _, f := range b.inv.FloatingIPs {
		id := stepID(StepFloatingIP, f.ID)
		st := Step{ID: id, Kind: StepFloatingIP, SourceID: f.ID, Name: f.FloatingIPAddress}
		m, _ := b.d.extNetOf(f.FloatingNetworkID, f.FloatingNetworkName)
		st.Target.ExternalNetworkID = m.TargetID
		if f.PortID != "" {
			st.DependsOn = b.floatingIPDeps(f)
		}
		b.add(st)
		if m.Action == "blocked" {
			b.block(Finding{Kind: "floating-ip", SourceID: f.ID, Name: f.FloatingIPAddress, Reason: "external network: " + m.Reason}, id)
		}
	}
	if n := len(b.inv.FloatingIPs); n > 0 {
		b.warn("floating-ip", "", plural(n, "floating IP"),
			"floating IPs get new addresses on the target; migrate reports the old → new map for the DNS cutover")
	}
}

// floatingIPDeps are the steps an associated floating IP waits for.
func (b *builder) floatingIPDeps(f inventory.FloatingIP) []string {
	var deps []string
	if lb, ok := b.ix.LoadBalancerOfVIP(f.PortID); ok {
		deps = append(deps, stepID(StepLoadBalancer, lb.ID))
	} else if _, ok := b.ix.Ports[f.PortID]; ok {
		deps = append(deps, stepID(StepPort, f.PortID))
	} else {
		b.warn("floating-ip", f.ID, f.FloatingIPAddress, fmt.Sprintf("associated port %s is not in the inventory: the address is created unassociated", f.PortID))
		return nil
	}
	subnet := b.subnetOfAddress(f.PortID, f.FixedIPAddress)
	if r, ok := b.ix.GatewayRouter(subnet); ok {
		deps = append(deps, stepID(StepRouterInterface, r.ID, subnet))
	} else {
		b.warn("floating-ip", f.ID, f.FloatingIPAddress, "no router with an external gateway has an interface on its port's subnet")
	}
	return deps
}

// subnetOfAddress finds the subnet of a port's (or VIP's) fixed address.
func (b *builder) subnetOfAddress(portID, ip string) string {
	if lb, ok := b.ix.LoadBalancerOfVIP(portID); ok {
		return lb.VIPSubnetID
	}
	p, ok := b.ix.Ports[portID]
	if !ok {
		return ""
	}
	for _, fip := range p.FixedIPs {
		if fip.IPAddress == ip || ip == "" {
			return fip.SubnetID
		}
	}
	return ""
}

// addLoadBalancers writes a step per load balancer (listeners, pools,
// members and monitors included) after its VIP subnet, the subnets of
// its members and the servers behind them.
func (b *builder) addLoadBalancers() {
	for _, lb := range b.inv.LoadBalancers {
		id := stepID(StepLoadBalancer, lb.ID)
		deps := []string{stepID(StepSubnet, lb.VIPSubnetID)}
		for _, pool := range lb.Pools {
			for _, mem := range pool.Members {
				deps = append(deps, b.memberDeps(lb, mem)...)
			}
		}
		b.add(Step{ID: id, Kind: StepLoadBalancer, SourceID: lb.ID, Name: lb.Name, DependsOn: deps})
		switch {
		case !b.targetOffers("load-balancer"):
			b.block(Finding{Kind: "load-balancer", SourceID: lb.ID, Name: lb.Name, Reason: lacks("load-balancer")}, id)
		case !b.has(stepID(StepSubnet, lb.VIPSubnetID)):
			b.block(Finding{Kind: "load-balancer", SourceID: lb.ID, Name: lb.Name,
				Reason: fmt.Sprintf("VIP subnet %s is not one of the tenant's subnets", lb.VIPSubnetID)}, id)
		}
	}
}

// memberDeps are the steps a pool member needs: its subnet and the
// server holding its address.
func (b *builder) memberDeps(lb inventory.LoadBalancer, mem inventory.Member) []string {
	var deps []string
	if mem.SubnetID != "" {
		deps = append(deps, stepID(StepSubnet, mem.SubnetID))
	}
	p, ok := b.ix.PortAt(mem.SubnetID, mem.Address)
	if !ok || b.ix.Servers[p.DeviceID] == nil {
		b.warn("load-balancer", lb.ID, lb.Name, fmt.Sprintf("member %s is not an address of the tenant's servers: kept as it is", mem.Address))
		return deps
	}
	return append(deps, stepID(StepServer, p.DeviceID))
}

// addNotMigrated warns about what the plan does not move.
func (b *builder) addNotMigrated() {
	inv := b.inv
	if n := len(inv.VolumeSnapshots); n > 0 {
		b.warn("volume-snapshot", "", plural(n, "snapshot"), "volume snapshots are not migrated: the volumes are copied as they are now")
	}
	if n := len(inv.VolumeBackups); n > 0 {
		b.warn("volume-backup", "", plural(n, "backup"), "volume backups are not migrated: they stay on the source's backup store")
	}
	for _, kind := range inv.NotCollected {
		b.warn("inventory", "", kind, "the inventory could not read these: the plan does not move them")
	}
	if missing := missingMandatory(b.tgt); len(missing) > 0 {
		b.warn("service", "", "target catalog", "the target lacks scs-0123 mandatory services: "+strings.Join(missing, ", "))
	}
}

// warnMappings turns mapping changes a reviewer should see into warnings.
func (b *builder) warnMappings() {
	for _, m := range b.d.list.Flavors {
		if m.Action == "map" && len(m.Changes) > 0 {
			b.warn("flavor", m.SourceID, m.SourceName, fmt.Sprintf("mapped to %s with changes: %s", m.TargetName, strings.Join(m.Changes, ", ")))
		}
	}
	for _, m := range b.d.list.VolumeTypes {
		if lost := lostAspects(m.Changes); len(lost) > 0 {
			b.warn("volume-type", m.SourceID, m.SourceName, fmt.Sprintf("mapped to %s: aspect %s lost", quoteName(m.TargetName), strings.Join(lost, ", ")))
		}
	}
	for _, m := range b.d.list.Images {
		if m.Rule == "public-copy" {
			b.warn("image", m.SourceID, m.SourceName, m.Reason)
		}
	}
	b.warnZones()
}

// warnZones warns when several source zones collapse into one.
func (b *builder) warnZones() {
	for _, kind := range []string{"compute-az", "volume-az"} {
		into := map[string][]string{}
		for _, m := range b.d.list.AvailabilityZones {
			if m.Kind == kind {
				into[m.TargetName] = append(into[m.TargetName], m.SourceName)
			}
		}
		for _, tz := range slices.Sorted(maps.Keys(into)) {
			if srcs := into[tz]; len(srcs) > 1 {
				b.warn(kind, "", tz, fmt.Sprintf("zones %s all map to %s: spreading across zones is lost", strings.Join(srcs, ", "), quoteName(tz)))
			}
		}
	}
}

// missingMandatory are the scs-0123 services the target lacks; nothing
// when the catalog was not read.
func missingMandatory(t *Target) []string {
	if len(t.Services) == 0 {
		return nil
	}
	return missingMandatoryServices(t.Services)
}
