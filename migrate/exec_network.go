package migrate

import (
	"context"
	"net/http"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/mtu"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/portsecurity"
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
		remove: deleter(nc, networks.Delete),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

// createNetwork makes the network. A cloud that does not let projects
// choose the MTU refuses the attribute with a 400; the network is then
// made with the target's default MTU, and the step says so.
func createNetwork(ctx context.Context, sc *StepContext, n *inventory.Network) (string, error) {
	opts := mtu.CreateOptsExt{MTU: n.MTU, CreateOptsBuilder: portsecurity.NetworkCreateOptsExt{
		PortSecurityEnabled: &n.PortSecurityEnabled,
		CreateOptsBuilder:   networks.CreateOpts{Name: n.Name, Description: n.Description, AdminStateUp: &n.AdminStateUp},
	}}
	net, err := networks.Create(ctx, sc.Target.Network, opts).Extract()
	if err != nil && opts.MTU > 0 && cloud.StatusOf(err) == http.StatusBadRequest {
		opts.MTU = 0
		if net, err = networks.Create(ctx, sc.Target.Network, opts).Extract(); err == nil {
			sc.Note("the target refused MTU %d; the network has the target's default MTU", n.MTU)
		}
	}
	if err != nil {
		return "", err
	}
	return net.ID, nil
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
			sub, err := subnets.Create(ctx, nc, subnetOpts(s, netID)).Extract()
			if err != nil {
				return "", err
			}
			return sub.ID, nil
		},
		mark:   neutronMark(nc, "subnets", sc.mark, s.Tags),
		remove: deleter(nc, subnets.Delete),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

func subnetOpts(s *inventory.Subnet, netID string) subnets.CreateOpts {
	opts := subnets.CreateOpts{NetworkID: netID, Name: s.Name, Description: s.Description, CIDR: s.CIDR,
		IPVersion: gophercloud.IPVersion(s.IPVersion), EnableDHCP: &s.EnableDHCP,
		GatewayIP:      &s.GatewayIP, // "" is no gateway
		DNSNameservers: s.DNSNameservers, IPv6AddressMode: s.IPv6AddressMode, IPv6RAMode: s.IPv6RAMode}
	if s.IPVersion == 0 {
		opts.IPVersion = gophercloud.IPv4
		if strings.Contains(s.CIDR, ":") {
			opts.IPVersion = gophercloud.IPv6
		}
	}
	for _, p := range s.AllocationPools {
		opts.AllocationPools = append(opts.AllocationPools, subnets.AllocationPool{Start: p.Start, End: p.End})
	}
	for _, r := range s.HostRoutes {
		opts.HostRoutes = append(opts.HostRoutes, subnets.HostRoute{DestinationCIDR: r.Destination, NextHop: r.NextHop})
	}
	return opts
}
