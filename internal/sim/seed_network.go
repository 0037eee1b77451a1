package sim

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/mtu"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/rules"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
)

func (s *seeder) networksAndSubnets(ctx context.Context) error {
	for _, n := range s.t.Networks {
		var opts networks.CreateOptsBuilder = networks.CreateOpts{Name: n.Name}
		if n.MTU > 0 {
			opts = mtu.CreateOptsExt{CreateOptsBuilder: opts, MTU: n.MTU}
		}
		net, err := networks.Create(ctx, s.network, opts).Extract()
		if err != nil {
			return fmt.Errorf("network %q: %w", n.Name, err)
		}
		s.networks[n.Name] = net.ID
		for _, sn := range n.Subnets {
			opts := subnets.CreateOpts{NetworkID: net.ID, Name: sn.Name, CIDR: sn.CIDR, IPVersion: 4, DNSNameservers: sn.DNS}
			if strings.Contains(sn.CIDR, ":") {
				opts.IPVersion = 6
			}
			if sn.Gateway != "" {
				gw := sn.Gateway
				opts.GatewayIP = &gw
			}
			for _, p := range sn.AllocationPools {
				opts.AllocationPools = append(opts.AllocationPools, subnets.AllocationPool{Start: p.Start, End: p.End})
			}
			for _, r := range sn.HostRoutes {
				opts.HostRoutes = append(opts.HostRoutes, subnets.HostRoute{DestinationCIDR: r.Destination, NextHop: r.NextHop})
			}
			sub, err := subnets.Create(ctx, s.network, opts).Extract()
			if err != nil {
				return fmt.Errorf("subnet %q: %w", sn.Name, err)
			}
			s.subnets[sn.Name] = sub.ID
		}
	}
	return nil
}

// externalNetworkID finds the provider's external network.
func (s *seeder) externalNetworkID(ctx context.Context) (string, error) {
	iTrue := true
	pages, err := networks.List(s.network, external{networks.ListOpts{Name: s.c.Profile().ExternalNetwork}, &iTrue}).AllPages(ctx)
	if err != nil {
		return "", err
	}
	all, err := networks.ExtractNetworks(pages)
	if err != nil {
		return "", err
	}
	if len(all) == 0 {
		return "", fmt.Errorf("no external network %q", s.c.Profile().ExternalNetwork)
	}
	return all[0].ID, nil
}

// external adds the router:external filter to a network list.
type external struct {
	networks.ListOpts
	External *bool
}

func (e external) ToNetworkListQuery() (string, error) {
	q, err := e.ListOpts.ToNetworkListQuery()
	if err != nil || e.External == nil {
		return q, err
	}
	return q + "&router:external=" + strconv.FormatBool(*e.External), nil
}

func (s *seeder) routers(ctx context.Context) error {
	for _, r := range s.t.Routers {
		opts := routers.CreateOpts{Name: r.Name}
		if r.ExternalGateway {
			ext, err := s.externalNetworkID(ctx)
			if err != nil {
				return err
			}
			opts.GatewayInfo = &routers.GatewayInfo{NetworkID: ext}
		}
		rt, err := routers.Create(ctx, s.network, opts).Extract()
		if err != nil {
			return fmt.Errorf("router %q: %w", r.Name, err)
		}
		for _, sn := range r.Interfaces {
			if _, err := routers.AddInterface(ctx, s.network, rt.ID, routers.AddInterfaceOpts{SubnetID: s.subnets[sn]}).Extract(); err != nil {
				return fmt.Errorf("router %q interface on %q: %w", r.Name, sn, err)
			}
		}
		if len(r.Routes) > 0 {
			var routes []routers.Route
			for _, rr := range r.Routes {
				routes = append(routes, routers.Route{DestinationCIDR: rr.Destination, NextHop: rr.NextHop})
			}
			if _, err := routers.Update(ctx, s.network, rt.ID, routers.UpdateOpts{Routes: &routes}).Extract(); err != nil {
				return fmt.Errorf("router %q routes: %w", r.Name, err)
			}
		}
	}
	return nil
}

func (s *seeder) securityGroups(ctx context.Context) error {
	for _, g := range s.t.SecurityGroups {
		sg, err := groups.Create(ctx, s.network, groups.CreateOpts{Name: g.Name, Description: g.Description}).Extract()
		if err != nil {
			return fmt.Errorf("security group %q: %w", g.Name, err)
		}
		s.secGroups[g.Name] = sg.ID
	}
	for _, g := range s.t.SecurityGroups {
		for i, r := range g.Rules {
			opts, err := s.ruleOpts(s.secGroups[g.Name], r)
			if err == nil {
				_, err = rules.Create(ctx, s.network, opts).Extract()
			}
			if err != nil {
				return fmt.Errorf("security group %q rule %d: %w", g.Name, i, err)
			}
		}
	}
	return nil
}

func (s *seeder) ruleOpts(groupID string, r TenantSGRule) (rules.CreateOpts, error) {
	opts := rules.CreateOpts{
		SecGroupID: groupID, Direction: rules.RuleDirection(r.Direction), EtherType: rules.EtherType4,
		Protocol: rules.RuleProtocol(r.Protocol), RemoteIPPrefix: r.RemoteIPPrefix, Description: r.Description,
	}
	if r.EtherType == "IPv6" {
		opts.EtherType = rules.EtherType6
	}
	if r.RemoteGroup != "" {
		opts.RemoteGroupID = s.secGroups[r.RemoteGroup]
	}
	if r.Ports != "" {
		lo, hi, _ := strings.Cut(r.Ports, "-")
		if hi == "" {
			hi = lo
		}
		var err1, err2 error
		opts.PortRangeMin, err1 = strconv.Atoi(lo)
		opts.PortRangeMax, err2 = strconv.Atoi(hi)
		if err1 != nil || err2 != nil {
			return opts, fmt.Errorf("ports %q: want N or N-M", r.Ports)
		}
	}
	return opts, nil
}

func (s *seeder) floatingIPs(ctx context.Context) error {
	var ext string
	for _, srv := range s.t.Servers {
		if !srv.FloatingIP {
			continue
		}
		if ext == "" {
			var err error
			if ext, err = s.externalNetworkID(ctx); err != nil {
				return err
			}
		}
		ports := s.serverPorts[srv.Name]
		if len(ports) == 0 {
			return fmt.Errorf("server %q has no port for its floating IP", srv.Name)
		}
		_, err := floatingips.Create(ctx, s.network, floatingips.CreateOpts{
			FloatingNetworkID: ext, PortID: ports[0], Description: "public address of " + srv.Name,
		}).Extract()
		if err != nil {
			return fmt.Errorf("floating IP for %q: %w", srv.Name, err)
		}
	}
	return nil
}
