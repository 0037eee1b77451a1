package migrate

import (
	"fmt"
	"slices"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

func (v *verifier) network(s plans.Step) {
	src, ok := v.src.Networks[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.Networks, "network", src.Name, src.ID)
	if dst == nil {
		return
	}
	v.same("network", src.Name, src.ID, id, "name", src.Name, dst.Name)
	if src.MTU != dst.MTU && !v.noted(s.ID, "MTU") {
		v.diff("network", src.Name, src.ID, id, "mtu", src.MTU, dst.MTU)
	}
	v.same("network", src.Name, src.ID, id, "port security", src.PortSecurityEnabled, dst.PortSecurityEnabled)
}

func (v *verifier) subnet(s plans.Step) {
	src, ok := v.src.Subnets[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.Subnets, "subnet", src.Name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("subnet", src.Name, src.ID, id, field, a, b) }
	f("network", v.mapped("network", src.NetworkID), dst.NetworkID)
	f("cidr", src.CIDR, dst.CIDR)
	f("gateway", src.GatewayIP, dst.GatewayIP)
	f("dhcp", src.EnableDHCP, dst.EnableDHCP)
	f("allocation pools", src.AllocationPools, dst.AllocationPools)
	f("dns servers", src.DNSNameservers, dst.DNSNameservers)
	f("host routes", src.HostRoutes, dst.HostRoutes)
}

func (v *verifier) router(s plans.Step) {
	src, ok := v.src.Routers[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.Routers, "router", src.Name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("router", src.Name, src.ID, id, field, a, b) }
	if src.ExternalGateway != nil {
		got := ""
		if dst.ExternalGateway != nil {
			got = dst.ExternalGateway.NetworkID
		}
		f("external gateway", s.Target.ExternalNetworkID, got)
	}
	var want, have []string
	for _, itf := range src.Interfaces {
		want = append(want, v.mapped("subnet", itf.SubnetID)+" "+itf.IPAddress)
	}
	for _, itf := range dst.Interfaces {
		have = append(have, itf.SubnetID+" "+itf.IPAddress)
	}
	f("interfaces", sortedCopy(want), sortedCopy(have))
	f("routes", src.Routes, dst.Routes)
}

func (v *verifier) securityGroup(s plans.Step) {
	src, ok := v.src.SecurityGroups[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.SecurityGroups, "security-group", src.Name, src.ID)
	if dst == nil {
		return
	}
	v.same("security-group", src.Name, src.ID, id, "name", src.Name, dst.Name)
}

// securityGroupRules compares rule sets as Neutron would: by what a rule
// allows, remote groups through the ID map.
func (v *verifier) securityGroupRules(s plans.Step) {
	src, ok := v.src.SecurityGroups[s.SourceID]
	if !ok {
		return
	}
	id := v.mapped("security-group", src.ID)
	dst, ok := v.dst.SecurityGroups[id]
	if !ok {
		return // reported by securityGroup
	}
	var want, have []string
	for _, r := range src.Rules {
		remote := r.RemoteGroupID
		if remote != "" {
			remote = v.mapped("security-group", remote)
		}
		want = append(want, ruleOf(r, remote).key())
	}
	for _, r := range dst.Rules {
		have = append(have, ruleOf(r, r.RemoteGroupID).key())
	}
	want, have = slices.Compact(sortedCopy(want)), slices.Compact(sortedCopy(have))
	for _, k := range want {
		if !slices.Contains(have, k) {
			v.diff("security-group", src.Name, src.ID, id, "rule", k, "missing")
		}
	}
	for _, k := range have {
		if !slices.Contains(want, k) {
			v.diff("security-group", src.Name, src.ID, id, "rule", "absent", k)
		}
	}
}

func ruleOf(r inventory.SecurityGroupRule, remote string) Rule {
	return Rule{Direction: r.Direction, EtherType: r.EtherType, Protocol: r.Protocol, PortRangeMin: r.PortRangeMin,
		PortRangeMax: r.PortRangeMax, RemoteIPPrefix: r.RemoteIPPrefix, RemoteGroupID: remote}
}

func (v *verifier) port(s plans.Step) {
	src, ok := v.src.Ports[s.SourceID]
	if !ok {
		return
	}
	name := portName(src)
	dst, id := target(v, v.dst.Ports, "port", name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("port", name, src.ID, id, field, a, b) }
	f("network", v.mapped("network", src.NetworkID), dst.NetworkID)
	var want, have []string
	for _, ip := range src.FixedIPs {
		want = append(want, v.mapped("subnet", ip.SubnetID)+" "+ip.IPAddress)
	}
	for _, ip := range dst.FixedIPs {
		have = append(have, ip.SubnetID+" "+ip.IPAddress)
	}
	f("fixed IPs", sortedCopy(want), sortedCopy(have))
	var groups []string
	for _, g := range src.SecurityGroups {
		groups = append(groups, v.mapped("security-group", g))
	}
	f("security groups", sortedCopy(groups), sortedCopy(dst.SecurityGroups))
	if s.Target.KeepMAC && src.MACAddress != dst.MACAddress {
		if v.noted(s.ID, "MAC") {
			v.rep.Notes = append(v.rep.Notes, fmt.Sprintf("port %s: new MAC address %s (the target refused %s)", name, dst.MACAddress, src.MACAddress))
		} else {
			v.diff("port", name, src.ID, id, "mac address", src.MACAddress, dst.MACAddress)
		}
	}
}

func portName(p *inventory.Port) string {
	if p.Name != "" {
		return p.Name
	}
	if len(p.FixedIPs) > 0 {
		return p.FixedIPs[0].IPAddress
	}
	return p.ID
}

func (v *verifier) floatingIP(s plans.Step) {
	src, ok := v.src.FloatingIPs[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.FloatingIPs, "floating-ip", src.FloatingIPAddress, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("floating-ip", src.FloatingIPAddress, src.ID, id, field, a, b) }
	f("external network", s.Target.ExternalNetworkID, dst.FloatingNetworkID)
	if src.PortID != "" {
		f("port", v.mapped("port", src.PortID), dst.PortID)
		f("fixed IP", src.FixedIPAddress, dst.FixedIPAddress)
	}
	v.rep.Notes = append(v.rep.Notes, fmt.Sprintf("floating IP %s is now %s", src.FloatingIPAddress, dst.FloatingIPAddress))
}
