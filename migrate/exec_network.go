package migrate

import (
	"context"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// runNetwork makes the network: same name, description, MTU, admin state
// and port security. An MTU the target refuses falls back to its default.
func runNetwork(ctx context.Context, sc *StepContext) (Outcome, error) {
	n, err := lookup(sc.inv.networks, "network", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	nc := sc.Target.Network
	c := claim{kind: "network", name: n.Name, source: n.ID, byName: true,
		find: func(ctx context.Context) ([]candidate, error) {
			all, err := cloud.ListAll(ctx, networks.List(nc, networks.ListOpts{Name: n.Name, ProjectID: sc.Target.ProjectID}), networks.ExtractNetworks)
			var out []candidate
			for _, x := range all {
				out = append(out, sc.mark.tagged(x.ID, x.Tags))
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) { return createNetwork(ctx, sc, n) },
		mark:   neutronMark(nc, "networks", sc.mark, n.Tags),
		remove: neutronRemove(nc, "networks"),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

func createNetwork(ctx context.Context, sc *StepContext, n *inventory.Network) (string, error) {
	body := map[string]any{"name": n.Name, "admin_state_up": n.AdminStateUp, "port_security_enabled": n.PortSecurityEnabled}
	if n.Description != "" {
		body["description"] = n.Description
	}
	if n.MTU > 0 {
		body["mtu"] = n.MTU
	}
	net, err := neutronCreate[networks.Network](ctx, sc.Target.Network, "networks", "network", body)
	if err != nil && n.MTU > 0 && cloud.StatusOf(err) == 400 && strings.Contains(strings.ToLower(err.Error()), "mtu") {
		delete(body, "mtu")
		sc.Note("the target refused MTU %d; the network has the target's default MTU", n.MTU)
		net, err = neutronCreate[networks.Network](ctx, sc.Target.Network, "networks", "network", body)
	}
	return net.ID, err
}

// runSubnet makes the subnet on the new network with the same CIDR,
// gateway, allocation pools, DNS servers, host routes and DHCP setting.
func runSubnet(ctx context.Context, sc *StepContext) (Outcome, error) {
	s, err := lookup(sc.inv.subnets, "subnet", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	netID, err := sc.targetOf("network", s.NetworkID)
	if err != nil {
		return Outcome{}, err
	}
	nc := sc.Target.Network
	c := claim{kind: "subnet", name: s.Name, source: s.ID, parent: netID,
		find: func(ctx context.Context) ([]candidate, error) {
			// Any subnet with this CIDR on the plan's own network is the plan's.
			all, err := cloud.ListAll(ctx, subnets.List(nc, subnets.ListOpts{NetworkID: netID, CIDR: s.CIDR}), subnets.ExtractSubnets)
			var out []candidate
			for _, x := range all {
				c := sc.mark.tagged(x.ID, x.Tags)
				c.Mine = true
				out = append(out, c)
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) {
			sub, err := neutronCreate[subnets.Subnet](ctx, nc, "subnets", "subnet", subnetBody(s, netID))
			return sub.ID, err
		},
		mark:   neutronMark(nc, "subnets", sc.mark, s.Tags),
		remove: neutronRemove(nc, "subnets"),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

func subnetBody(s *inventory.Subnet, netID string) map[string]any {
	body := map[string]any{"network_id": netID, "name": s.Name, "cidr": s.CIDR, "ip_version": s.IPVersion,
		"enable_dhcp": s.EnableDHCP}
	if s.IPVersion == 0 {
		body["ip_version"] = 4
		if strings.Contains(s.CIDR, ":") {
			body["ip_version"] = 6
		}
	}
	if s.Description != "" {
		body["description"] = s.Description
	}
	if s.GatewayIP == "" {
		body["gateway_ip"] = nil
	} else {
		body["gateway_ip"] = s.GatewayIP
	}
	if len(s.AllocationPools) > 0 {
		pools := make([]map[string]string, len(s.AllocationPools))
		for i, p := range s.AllocationPools {
			pools[i] = map[string]string{"start": p.Start, "end": p.End}
		}
		body["allocation_pools"] = pools
	}
	if len(s.DNSNameservers) > 0 {
		body["dns_nameservers"] = s.DNSNameservers
	}
	if len(s.HostRoutes) > 0 {
		routes := make([]map[string]string, len(s.HostRoutes))
		for i, r := range s.HostRoutes {
			routes[i] = map[string]string{"destination": r.Destination, "nexthop": r.NextHop}
		}
		body["host_routes"] = routes
	}
	if s.IPv6AddressMode != "" {
		body["ipv6_address_mode"] = s.IPv6AddressMode
	}
	if s.IPv6RAMode != "" {
		body["ipv6_ra_mode"] = s.IPv6RAMode
	}
	return body
}
