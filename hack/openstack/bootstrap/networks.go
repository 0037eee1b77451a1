package main

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
)

// The external network of the seed, for floating IPs.
const (
	externalNetwork = "public"
	externalSubnet  = "public-subnet"
	floatingCIDR    = "203.0.113.0/24" // TEST-NET-3: no packet ever leaves (Neutron has no data plane here)
)

// providerNetwork adds the provider attributes of a flat external network.
type providerNetwork struct {
	networks.CreateOpts
}

func (o providerNetwork) ToNetworkCreateMap() (map[string]any, error) {
	m, err := o.CreateOpts.ToNetworkCreateMap()
	if err != nil {
		return nil, err
	}
	n := m["network"].(map[string]any)
	n["router:external"] = true
	n["provider:network_type"] = "flat"
	n["provider:physical_network"] = "public"
	return m, nil
}

func seedExternalNetwork(ctx context.Context, network *gophercloud.ServiceClient) error {
	pages, err := networks.List(network, networks.ListOpts{Name: externalNetwork}).AllPages(ctx)
	if err != nil {
		return err
	}
	found, err := networks.ExtractNetworks(pages)
	if err != nil {
		return err
	}
	var netID string
	if len(found) > 0 {
		netID = found[0].ID
	} else {
		n, err := networks.Create(ctx, network, providerNetwork{networks.CreateOpts{
			Name: externalNetwork, AdminStateUp: ptr(true), Shared: ptr(false), Description: "floating IPs (fixture: no data plane)",
		}}).Extract()
		if err != nil {
			return fmt.Errorf("create network: %w", err)
		}
		netID = n.ID
		logf("created external network %s", externalNetwork)
	}
	spages, err := subnets.List(network, subnets.ListOpts{NetworkID: netID}).AllPages(ctx)
	if err != nil {
		return err
	}
	subs, err := subnets.ExtractSubnets(spages)
	if err != nil {
		return err
	}
	if len(subs) > 0 {
		return nil
	}
	gw := "203.0.113.1"
	_, err = subnets.Create(ctx, network, subnets.CreateOpts{
		NetworkID: netID, Name: externalSubnet, CIDR: floatingCIDR, IPVersion: gophercloud.IPv4, GatewayIP: &gw,
		EnableDHCP:      ptr(false),
		AllocationPools: []subnets.AllocationPool{{Start: "203.0.113.10", End: "203.0.113.250"}},
	}).Extract()
	if err != nil {
		return fmt.Errorf("create subnet: %w", err)
	}
	logf("created subnet %s %s", externalSubnet, floatingCIDR)
	return nil
}
