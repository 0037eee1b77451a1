package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/attributestags"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/external"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/quotas"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/rules"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// netExpect asserts that err is Neutron's answer with the status and,
// when typ is set, the NeutronError type.
func netExpect(t *testing.T, err error, status int, typ string) {
	t.Helper()
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) {
		t.Fatalf("want HTTP %d %s, got %v", status, typ, err)
	}
	if ue.Actual != status {
		t.Fatalf("want HTTP %d, got %d: %s", status, ue.Actual, ue.Body)
	}
	var body struct {
		NeutronError struct{ Type, Message string }
	}
	if typ != "" {
		if json.Unmarshal(ue.Body, &body) != nil || body.NeutronError.Type != typ {
			t.Fatalf("want NeutronError type %s, got %s", typ, ue.Body)
		}
	}
}

// netCleanup registers a delete that tolerates the resource being gone.
func netCleanup(t *testing.T, what string, del func() error) {
	t.Cleanup(func() {
		if err := del(); err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Errorf("clean up %s: %v", what, err)
		}
	})
}

// netExternalID finds the external network by name.
func netExternalID(t *testing.T, e *Env) string {
	t.Helper()
	yes := true
	pages, err := networks.List(e.S.Network, external.ListOptsExt{
		ListOptsBuilder: networks.ListOpts{Name: e.ExternalNetwork}, External: &yes}).AllPages(e.Ctx)
	if err != nil {
		t.Fatalf("list external networks: %v", err)
	}
	all, err := networks.ExtractNetworks(pages)
	if err != nil || len(all) != 1 {
		t.Fatalf("external network %q: %v %v", e.ExternalNetwork, all, err)
	}
	return all[0].ID
}

// netTopology is a network, a subnet and a router with a gateway on the
// external network and an interface on the subnet.
type netTopology struct {
	net, subnet, router, external string
}

func netCreateNetwork(t *testing.T, e *Env, name string) *networks.Network {
	t.Helper()
	n, err := networks.Create(e.Ctx, e.S.Network, networks.CreateOpts{Name: name, Description: "conformance"}).Extract()
	if err != nil {
		t.Fatalf("create network: %v", err)
	}
	netCleanup(t, "network "+n.ID, func() error { return networks.Delete(e.Ctx, e.S.Network, n.ID).ExtractErr() })
	return n
}

func netCreateSubnet(t *testing.T, e *Env, netID, cidr string) *subnets.Subnet {
	t.Helper()
	sn, err := subnets.Create(e.Ctx, e.S.Network, subnets.CreateOpts{NetworkID: netID, CIDR: cidr,
		IPVersion: gophercloud.IPv4, Name: RandomName("conf-subnet-")}).Extract()
	if err != nil {
		t.Fatalf("create subnet: %v", err)
	}
	netCleanup(t, "subnet "+sn.ID, func() error { return subnets.Delete(e.Ctx, e.S.Network, sn.ID).ExtractErr() })
	return sn
}

func netBuildTopology(t *testing.T, e *Env, cidr string) netTopology {
	t.Helper()
	top := netTopology{external: netExternalID(t, e)}
	top.net = netCreateNetwork(t, e, RandomName("conf-net-")).ID
	top.subnet = netCreateSubnet(t, e, top.net, cidr).ID
	rt, err := routers.Create(e.Ctx, e.S.Network, routers.CreateOpts{Name: RandomName("conf-router-"),
		GatewayInfo: &routers.GatewayInfo{NetworkID: top.external}}).Extract()
	if err != nil {
		t.Fatalf("create router: %v", err)
	}
	top.router = rt.ID
	netCleanup(t, "router "+rt.ID, func() error { return routers.Delete(e.Ctx, e.S.Network, rt.ID).ExtractErr() })
	if _, err := routers.AddInterface(e.Ctx, e.S.Network, rt.ID, routers.AddInterfaceOpts{SubnetID: top.subnet}).Extract(); err != nil {
		t.Fatalf("add router interface: %v", err)
	}
	netCleanup(t, "router interface", func() error {
		_, err := routers.RemoveInterface(e.Ctx, e.S.Network, rt.ID, routers.RemoveInterfaceOpts{SubnetID: top.subnet}).Extract()
		return err
	})
	return top
}

func TestNetworkExtensions(t *testing.T) {
	e := Open(t)
	pages, err := extensions.List(e.S.Network).AllPages(e.Ctx)
	if err != nil {
		t.Fatalf("list extensions: %v", err)
	}
	all, err := extensions.ExtractExtensions(pages)
	if err != nil {
		t.Fatal(err)
	}
	var aliases []string
	for _, x := range all {
		aliases = append(aliases, x.Alias)
	}
	for _, want := range []string{"external-net", "router", "extraroute", "security-group", "port-security",
		"allowed-address-pairs", "quotas", "quota_details", "standard-attr-tag", "pagination", "sorting",
		"net-mtu", "fip-port-details", "project-id"} {
		if !slices.Contains(aliases, want) {
			t.Errorf("extension %q missing from %v", want, aliases)
		}
	}
	x, err := extensions.Get(e.Ctx, e.S.Network, "router").Extract()
	if err != nil || x.Alias != "router" {
		t.Errorf("get extension router: %v %v", x, err)
	}
}

func TestNetworkNotFound(t *testing.T) {
	e := Open(t)
	missing := "00000000-0000-4000-8000-000000000000"
	_, err := networks.Get(e.Ctx, e.S.Network, missing).Extract()
	netExpect(t, err, http.StatusNotFound, "NetworkNotFound")
	var ue gophercloud.ErrUnexpectedResponseCode
	errors.As(err, &ue)
	if !strings.Contains(string(ue.Body), "Network "+missing+" could not be found.") {
		t.Errorf("404 body: %s", ue.Body)
	}
	_, err = subnets.Get(e.Ctx, e.S.Network, missing).Extract()
	netExpect(t, err, http.StatusNotFound, "SubnetNotFound")
	_, err = ports.Get(e.Ctx, e.S.Network, missing).Extract()
	netExpect(t, err, http.StatusNotFound, "PortNotFound")
	_, err = routers.Get(e.Ctx, e.S.Network, missing).Extract()
	netExpect(t, err, http.StatusNotFound, "RouterNotFound")
	_, err = groups.Get(e.Ctx, e.S.Network, missing).Extract()
	netExpect(t, err, http.StatusNotFound, "SecurityGroupNotFound")
	_, err = floatingips.Get(e.Ctx, e.S.Network, missing).Extract()
	netExpect(t, err, http.StatusNotFound, "FloatingIPNotFound")
}

func TestNetworkExternalNetworkIsVisible(t *testing.T) {
	e := Open(t)
	n, err := networks.Get(e.Ctx, e.S.Network, netExternalID(t, e)).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Subnets) == 0 || n.Status != "ACTIVE" {
		t.Errorf("external network: %+v", n)
	}
	err = networks.Delete(e.Ctx, e.S.Network, n.ID).ExtractErr()
	if err == nil || !(gophercloud.ResponseCodeIs(err, http.StatusForbidden) || gophercloud.ResponseCodeIs(err, http.StatusNotFound)) {
		t.Errorf("deleting the provider's external network: %v", err)
	}
}

func TestNetworkTenantBuild(t *testing.T) {
	e := Open(t)
	ext := netExternalID(t, e)
	n := netCreateNetwork(t, e, RandomName("conf-net-"))
	if !n.AdminStateUp || n.Shared || n.Status != "ACTIVE" || n.ProjectID != e.S.ProjectID {
		t.Errorf("new network: %+v", n)
	}
	gw := "10.42.0.1"
	sn, err := subnets.Create(e.Ctx, e.S.Network, subnets.CreateOpts{
		NetworkID: n.ID, Name: RandomName("conf-subnet-"), CIDR: "10.42.0.0/24", IPVersion: gophercloud.IPv4,
		GatewayIP:       &gw,
		AllocationPools: []subnets.AllocationPool{{Start: "10.42.0.100", End: "10.42.0.200"}},
		DNSNameservers:  []string{"9.9.9.9", "1.1.1.1"},
		HostRoutes:      []subnets.HostRoute{{DestinationCIDR: "192.168.100.0/24", NextHop: "10.42.0.254"}},
	}).Extract()
	if err != nil {
		t.Fatalf("create subnet: %v", err)
	}
	netCleanup(t, "subnet", func() error { return subnets.Delete(e.Ctx, e.S.Network, sn.ID).ExtractErr() })
	if sn.GatewayIP != gw || len(sn.AllocationPools) != 1 || sn.AllocationPools[0].Start != "10.42.0.100" ||
		!slices.Equal(sn.DNSNameservers, []string{"9.9.9.9", "1.1.1.1"}) || len(sn.HostRoutes) != 1 || !sn.EnableDHCP {
		t.Errorf("subnet: %+v", sn)
	}
	_, err = subnets.Create(e.Ctx, e.S.Network, subnets.CreateOpts{NetworkID: n.ID, CIDR: "10.42.0.128/25", IPVersion: gophercloud.IPv4}).Extract()
	netExpect(t, err, http.StatusBadRequest, "")

	rt, err := routers.Create(e.Ctx, e.S.Network, routers.CreateOpts{Name: RandomName("conf-router-"),
		GatewayInfo: &routers.GatewayInfo{NetworkID: ext}}).Extract()
	if err != nil {
		t.Fatalf("create router: %v", err)
	}
	netCleanup(t, "router", func() error { return routers.Delete(e.Ctx, e.S.Network, rt.ID).ExtractErr() })
	if rt.GatewayInfo.NetworkID != ext || len(rt.GatewayInfo.ExternalFixedIPs) == 0 {
		t.Errorf("router gateway: %+v", rt.GatewayInfo)
	}
	iface, err := routers.AddInterface(e.Ctx, e.S.Network, rt.ID, routers.AddInterfaceOpts{SubnetID: sn.ID}).Extract()
	if err != nil {
		t.Fatalf("add interface: %v", err)
	}
	netCleanup(t, "interface", func() error {
		_, err := routers.RemoveInterface(e.Ctx, e.S.Network, rt.ID, routers.RemoveInterfaceOpts{SubnetID: sn.ID}).Extract()
		return err
	})
	p, err := ports.Get(e.Ctx, e.S.Network, iface.PortID).Extract()
	if err != nil || p.DeviceOwner != "network:router_interface" || p.DeviceID != rt.ID ||
		len(p.FixedIPs) != 1 || p.FixedIPs[0].IPAddress != gw {
		t.Errorf("interface port: %+v %v", p, err)
	}
	_, err = routers.AddInterface(e.Ctx, e.S.Network, rt.ID, routers.AddInterfaceOpts{SubnetID: sn.ID}).Extract()
	netExpect(t, err, http.StatusBadRequest, "")

	netRoutes(t, e, rt.ID, sn.ID)

	err = routers.Delete(e.Ctx, e.S.Network, rt.ID).ExtractErr()
	netExpect(t, err, http.StatusConflict, "RouterInUse")
	err = networks.Delete(e.Ctx, e.S.Network, n.ID).ExtractErr()
	netExpect(t, err, http.StatusConflict, "NetworkInUse")
	err = subnets.Delete(e.Ctx, e.S.Network, sn.ID).ExtractErr()
	netExpect(t, err, http.StatusConflict, "SubnetInUse")
	err = ports.Delete(e.Ctx, e.S.Network, iface.PortID).ExtractErr()
	netExpect(t, err, http.StatusConflict, "")
}

// netRoutes sets a static route through the subnet and checks that the
// interface it needs cannot go.
func netRoutes(t *testing.T, e *Env, routerID, subnetID string) {
	t.Helper()
	routes := []routers.Route{{DestinationCIDR: "172.16.0.0/16", NextHop: "10.42.0.50"}}
	rt, err := routers.Update(e.Ctx, e.S.Network, routerID, routers.UpdateOpts{Routes: &routes}).Extract()
	if err != nil || len(rt.Routes) != 1 || rt.Routes[0].NextHop != "10.42.0.50" {
		t.Fatalf("set route: %+v %v", rt, err)
	}
	bad := []routers.Route{{DestinationCIDR: "172.17.0.0/16", NextHop: "192.0.2.77"}}
	_, err = routers.Update(e.Ctx, e.S.Network, routerID, routers.UpdateOpts{Routes: &bad}).Extract()
	netExpect(t, err, http.StatusBadRequest, "InvalidRoutes")
	_, err = routers.RemoveInterface(e.Ctx, e.S.Network, routerID, routers.RemoveInterfaceOpts{SubnetID: subnetID}).Extract()
	netExpect(t, err, http.StatusConflict, "RouterInterfaceInUseByRoute")
	none := []routers.Route{}
	if _, err := routers.Update(e.Ctx, e.S.Network, routerID, routers.UpdateOpts{Routes: &none}).Extract(); err != nil {
		t.Fatalf("clear routes: %v", err)
	}
}

func TestNetworkPorts(t *testing.T) {
	e := Open(t)
	n := netCreateNetwork(t, e, RandomName("conf-net-"))
	sn := netCreateSubnet(t, e, n.ID, "10.43.0.0/24")
	mac := "fa:16:3e:12:34:56"
	p, err := ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID, Name: RandomName("conf-port-"),
		MACAddress: mac, FixedIPs: []ports.IP{{SubnetID: sn.ID, IPAddress: "10.43.0.10"}}}).Extract()
	if err != nil {
		t.Fatalf("create port: %v", err)
	}
	netCleanup(t, "port", func() error { return ports.Delete(e.Ctx, e.S.Network, p.ID).ExtractErr() })
	if p.MACAddress != mac || len(p.FixedIPs) != 1 || p.FixedIPs[0].IPAddress != "10.43.0.10" ||
		p.Status != "DOWN" || len(p.SecurityGroups) != 1 {
		t.Errorf("port: %+v", p)
	}

	_, err = ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID,
		FixedIPs: []ports.IP{{IPAddress: "10.43.0.10"}}}).Extract()
	netExpect(t, err, http.StatusConflict, "IpAddressAlreadyAllocated")
	_, err = ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID, MACAddress: mac}).Extract()
	netExpect(t, err, http.StatusConflict, "MacAddressInUse")
	_, err = ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID,
		FixedIPs: []ports.IP{{SubnetID: sn.ID, IPAddress: "10.99.0.5"}}}).Extract()
	netExpect(t, err, http.StatusBadRequest, "InvalidIpForSubnet")

	name := RandomName("renamed-")
	upd, err := ports.Update(e.Ctx, e.S.Network, p.ID, ports.UpdateOpts{Name: &name}).Extract()
	if err != nil || upd.Name != name || upd.RevisionNumber <= p.RevisionNumber {
		t.Errorf("rename port: %+v %v", upd, err)
	}
	pages, err := ports.List(e.S.Network, ports.ListOpts{FixedIPs: []ports.FixedIPOpts{{IPAddress: "10.43.0.10"}},
		NetworkID: n.ID}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	found, _ := ports.ExtractPorts(pages)
	if len(found) != 1 || found[0].ID != p.ID {
		t.Errorf("filter by fixed IP: %+v", found)
	}
}

func TestNetworkPortPaging(t *testing.T) {
	e := Open(t)
	n := netCreateNetwork(t, e, RandomName("conf-net-"))
	netCreateSubnet(t, e, n.ID, "10.44.0.0/24")
	name := RandomName("conf-page-")
	var ids []string
	for range 5 {
		p, err := ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID, Name: name}).Extract()
		if err != nil {
			t.Fatalf("create port: %v", err)
		}
		ids = append(ids, p.ID)
		netCleanup(t, "port", func() error { return ports.Delete(e.Ctx, e.S.Network, p.ID).ExtractErr() })
	}
	var seen []string
	pagesSeen := 0
	err := ports.List(e.S.Network, ports.ListOpts{NetworkID: n.ID, Name: name, Limit: 2}).EachPage(e.Ctx,
		func(_ context.Context, page pagination.Page) (bool, error) {
			ps, err := ports.ExtractPorts(page)
			if err != nil {
				return false, err
			}
			if len(ps) > 2 {
				t.Errorf("page of %d ports with limit 2", len(ps))
			}
			pagesSeen++
			for _, p := range ps {
				seen = append(seen, p.ID)
			}
			return true, nil
		})
	if err != nil {
		t.Fatalf("page through ports: %v", err)
	}
	slices.Sort(ids)
	slices.Sort(seen)
	if !slices.Equal(ids, seen) || pagesSeen < 3 {
		t.Errorf("paged %d pages, ports %v, want %v", pagesSeen, seen, ids)
	}
}

func TestSecurityGroupDefaultRules(t *testing.T) {
	e := Open(t)
	pages, err := groups.List(e.S.Network, groups.ListOpts{Name: "default", ProjectID: e.S.ProjectID}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := groups.ExtractGroups(pages)
	if len(all) != 1 {
		t.Fatalf("default groups of the project: %+v", all)
	}
	def := all[0]
	var egress, ingressSelf []string
	for _, r := range def.Rules {
		switch {
		case r.Direction == "egress" && r.RemoteGroupID == "" && r.RemoteIPPrefix == "" && r.Protocol == "":
			egress = append(egress, r.EtherType)
		case r.Direction == "ingress" && r.RemoteGroupID == def.ID:
			ingressSelf = append(ingressSelf, r.EtherType)
		}
	}
	slices.Sort(egress)
	slices.Sort(ingressSelf)
	want := []string{"IPv4", "IPv6"}
	if !slices.Equal(egress, want) || !slices.Equal(ingressSelf, want) {
		t.Errorf("default group rules: %+v", def.Rules)
	}
	err = groups.Delete(e.Ctx, e.S.Network, def.ID).ExtractErr()
	netExpect(t, err, http.StatusConflict, "")
}

func netCreateGroup(t *testing.T, e *Env) *groups.SecGroup {
	t.Helper()
	g, err := groups.Create(e.Ctx, e.S.Network, groups.CreateOpts{Name: RandomName("conf-sg-"), Description: "conformance"}).Extract()
	if err != nil {
		t.Fatalf("create group: %v", err)
	}
	netCleanup(t, "group", func() error { return groups.Delete(e.Ctx, e.S.Network, g.ID).ExtractErr() })
	return g
}

func TestSecurityGroupRules(t *testing.T) {
	e := Open(t)
	web, db := netCreateGroup(t, e), netCreateGroup(t, e)
	if len(web.Rules) != 2 {
		t.Errorf("new group should have the two egress rules: %+v", web.Rules)
	}
	r1, err := rules.Create(e.Ctx, e.S.Network, rules.CreateOpts{SecGroupID: db.ID, Direction: rules.DirIngress,
		EtherType: rules.EtherType4, Protocol: rules.ProtocolTCP, PortRangeMin: 5432, PortRangeMax: 5432,
		RemoteGroupID: web.ID}).Extract()
	if err != nil {
		t.Fatalf("create rule: %v", err)
	}
	if r1.RemoteGroupID != web.ID || r1.PortRangeMin != 5432 || r1.Protocol != "tcp" {
		t.Errorf("rule: %+v", r1)
	}
	if _, err := rules.Create(e.Ctx, e.S.Network, rules.CreateOpts{SecGroupID: web.ID, Direction: rules.DirIngress,
		EtherType: rules.EtherType4, Protocol: rules.ProtocolTCP, PortRangeMin: 443, PortRangeMax: 443,
		RemoteGroupID: db.ID}).Extract(); err != nil {
		t.Fatalf("create rule back: %v", err)
	}
	_, err = rules.Create(e.Ctx, e.S.Network, rules.CreateOpts{SecGroupID: db.ID, Direction: rules.DirIngress,
		EtherType: rules.EtherType4, Protocol: rules.ProtocolTCP, PortRangeMin: 5432, PortRangeMax: 5432,
		RemoteGroupID: web.ID}).Extract()
	netExpect(t, err, http.StatusConflict, "SecurityGroupRuleExists")
	_, err = rules.Create(e.Ctx, e.S.Network, rules.CreateOpts{SecGroupID: db.ID, Direction: rules.DirIngress,
		EtherType: rules.EtherType4, RemoteGroupID: "00000000-0000-4000-8000-000000000000"}).Extract()
	netExpect(t, err, http.StatusNotFound, "SecurityGroupNotFound")
	_, err = rules.Create(e.Ctx, e.S.Network, rules.CreateOpts{SecGroupID: db.ID, Direction: rules.DirIngress,
		EtherType: rules.EtherType4, Protocol: rules.ProtocolTCP, PortRangeMin: 90, PortRangeMax: 80}).Extract()
	netExpect(t, err, http.StatusBadRequest, "")

	pages, err := rules.List(e.S.Network, rules.ListOpts{SecGroupID: db.ID}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	listed, _ := rules.ExtractRules(pages)
	if len(listed) != 3 || slices.ContainsFunc(listed, func(r rules.SecGroupRule) bool { return r.SecGroupID != db.ID }) {
		t.Errorf("rules of the group: %+v", listed)
	}
	if err := rules.Delete(e.Ctx, e.S.Network, r1.ID).ExtractErr(); err != nil {
		t.Fatalf("delete rule: %v", err)
	}
	_, err = rules.Get(e.Ctx, e.S.Network, r1.ID).Extract()
	netExpect(t, err, http.StatusNotFound, "SecurityGroupRuleNotFound")
}

func TestSecurityGroupInUse(t *testing.T) {
	e := Open(t)
	g := netCreateGroup(t, e)
	n := netCreateNetwork(t, e, RandomName("conf-net-"))
	netCreateSubnet(t, e, n.ID, "10.45.0.0/24")
	p, err := ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID, SecurityGroups: &[]string{g.ID}}).Extract()
	if err != nil {
		t.Fatalf("create port: %v", err)
	}
	netCleanup(t, "port", func() error { return ports.Delete(e.Ctx, e.S.Network, p.ID).ExtractErr() })
	if !slices.Equal(p.SecurityGroups, []string{g.ID}) {
		t.Errorf("port groups: %v", p.SecurityGroups)
	}
	err = groups.Delete(e.Ctx, e.S.Network, g.ID).ExtractErr()
	netExpect(t, err, http.StatusConflict, "SecurityGroupInUse")
}

func TestFloatingIPs(t *testing.T) {
	e := Open(t)
	top := netBuildTopology(t, e, "10.46.0.0/24")
	p, err := ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: top.net}).Extract()
	if err != nil {
		t.Fatalf("create port: %v", err)
	}
	netCleanup(t, "port", func() error { return ports.Delete(e.Ctx, e.S.Network, p.ID).ExtractErr() })

	fip, err := floatingips.Create(e.Ctx, e.S.Network, floatingips.CreateOpts{FloatingNetworkID: top.external}).Extract()
	if err != nil {
		t.Fatalf("allocate floating IP: %v", err)
	}
	netCleanup(t, "floating IP", func() error { return floatingips.Delete(e.Ctx, e.S.Network, fip.ID).ExtractErr() })
	if _, err := netip.ParseAddr(fip.FloatingIP); err != nil || fip.PortID != "" || fip.Status != "DOWN" {
		t.Errorf("new floating IP: %+v", fip)
	}
	fip, err = floatingips.Update(e.Ctx, e.S.Network, fip.ID, floatingips.UpdateOpts{PortID: &p.ID}).Extract()
	if err != nil {
		t.Fatalf("associate: %v", err)
	}
	if fip.PortID != p.ID || fip.FixedIP != p.FixedIPs[0].IPAddress || fip.RouterID != top.router {
		t.Errorf("associated floating IP: %+v", fip)
	}
	pages, err := floatingips.List(e.S.Network, floatingips.ListOpts{PortID: p.ID}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all, _ := floatingips.ExtractFloatingIPs(pages); len(all) != 1 || all[0].ID != fip.ID {
		t.Errorf("floating IPs of the port: %+v", all)
	}
	_, err = routers.RemoveInterface(e.Ctx, e.S.Network, top.router, routers.RemoveInterfaceOpts{SubnetID: top.subnet}).Extract()
	netExpect(t, err, http.StatusConflict, "RouterInterfaceInUseByFloatingIP")
	fip, err = floatingips.Update(e.Ctx, e.S.Network, fip.ID, floatingips.UpdateOpts{PortID: new(string)}).Extract()
	if err != nil || fip.PortID != "" || fip.FixedIP != "" {
		t.Errorf("disassociate: %+v %v", fip, err)
	}
	_, err = floatingips.Create(e.Ctx, e.S.Network, floatingips.CreateOpts{FloatingNetworkID: top.net}).Extract()
	netExpect(t, err, http.StatusBadRequest, "")
}

func TestFloatingIPNeedsRouter(t *testing.T) {
	e := Open(t)
	n := netCreateNetwork(t, e, RandomName("conf-net-"))
	netCreateSubnet(t, e, n.ID, "10.47.0.0/24")
	p, err := ports.Create(e.Ctx, e.S.Network, ports.CreateOpts{NetworkID: n.ID}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	netCleanup(t, "port", func() error { return ports.Delete(e.Ctx, e.S.Network, p.ID).ExtractErr() })
	fip, err := floatingips.Create(e.Ctx, e.S.Network, floatingips.CreateOpts{FloatingNetworkID: netExternalID(t, e), PortID: p.ID}).Extract()
	if err == nil {
		floatingips.Delete(e.Ctx, e.S.Network, fip.ID)
	}
	netExpect(t, err, http.StatusNotFound, "ExternalGatewayForFloatingIPNotFound")
}

func TestNetworkTags(t *testing.T) {
	e := Open(t)
	n := netCreateNetwork(t, e, RandomName("conf-net-"))
	tag := RandomName("tag-")
	if err := attributestags.Add(e.Ctx, e.S.Network, "networks", n.ID, tag).ExtractErr(); err != nil {
		t.Fatalf("add tag: %v", err)
	}
	if exists, err := attributestags.Confirm(e.Ctx, e.S.Network, "networks", n.ID, tag).Extract(); err != nil || !exists {
		t.Errorf("confirm tag: %v %v", exists, err)
	}
	tags, err := attributestags.ReplaceAll(e.Ctx, e.S.Network, "networks", n.ID, attributestags.ReplaceAllOpts{Tags: []string{tag, "b"}}).Extract()
	slices.Sort(tags)
	if err != nil || !slices.Equal(tags, slices.Sorted(slices.Values([]string{tag, "b"}))) {
		t.Errorf("replace tags: %v %v", tags, err)
	}
	pages, err := networks.List(e.S.Network, networks.ListOpts{Tags: tag}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all, _ := networks.ExtractNetworks(pages); len(all) != 1 || all[0].ID != n.ID {
		t.Errorf("networks tagged %s: %+v", tag, all)
	}
	if err := attributestags.Delete(e.Ctx, e.S.Network, "networks", n.ID, "b").ExtractErr(); err != nil {
		t.Errorf("delete tag: %v", err)
	}
	err = attributestags.Delete(e.Ctx, e.S.Network, "networks", n.ID, "b").ExtractErr()
	netExpect(t, err, http.StatusNotFound, "")
	got, err := attributestags.List(e.Ctx, e.S.Network, "networks", n.ID).Extract()
	if err != nil || !slices.Equal(got, []string{tag}) {
		t.Errorf("list tags: %v %v", got, err)
	}
}

func TestNetworkQuotaDetails(t *testing.T) {
	e := Open(t)
	netCreateNetwork(t, e, RandomName("conf-net-"))
	q, err := quotas.GetDetail(e.Ctx, e.S.Network, e.S.ProjectID).Extract()
	if err != nil {
		t.Fatalf("quota details: %v", err)
	}
	if q.Network.Used < 1 || q.Network.Limit == 0 || q.SecurityGroup.Used < 1 || q.Port.Limit == 0 {
		t.Errorf("quota details: %+v", q)
	}
	l, err := quotas.Get(e.Ctx, e.S.Network, e.S.ProjectID).Extract()
	if err != nil || l.Network != q.Network.Limit {
		t.Errorf("quota: %+v %v", l, err)
	}
}
