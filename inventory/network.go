package inventory

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

type neutronNetwork struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	ProjectID    string   `json:"project_id"`
	AdminStateUp bool     `json:"admin_state_up"`
	Shared       bool     `json:"shared"`
	External     bool     `json:"router:external"`
	MTU          int      `json:"mtu"`
	PortSecurity *bool    `json:"port_security_enabled"`
	Tags         []string `json:"tags"`
}

type neutronSubnet struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Description     string           `json:"description"`
	NetworkID       string           `json:"network_id"`
	IPVersion       int              `json:"ip_version"`
	CIDR            string           `json:"cidr"`
	GatewayIP       *string          `json:"gateway_ip"`
	EnableDHCP      bool             `json:"enable_dhcp"`
	AllocationPools []AllocationPool `json:"allocation_pools"`
	DNSNameservers  []string         `json:"dns_nameservers"`
	HostRoutes      []neutronRoute   `json:"host_routes"`
	IPv6AddressMode *string          `json:"ipv6_address_mode"`
	IPv6RAMode      *string          `json:"ipv6_ra_mode"`
	Tags            []string         `json:"tags"`
}

type neutronRoute struct {
	Destination string `json:"destination"`
	NextHop     string `json:"nexthop"`
}

type neutronPort struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	NetworkID   string `json:"network_id"`
	MACAddress  string `json:"mac_address"`
	RawFixedIPs []struct {
		SubnetID  string `json:"subnet_id"`
		IPAddress string `json:"ip_address"`
	} `json:"fixed_ips"`
	SecurityGroups []string `json:"security_groups"`
	DeviceOwner    string   `json:"device_owner"`
	DeviceID       string   `json:"device_id"`
	AdminStateUp   bool     `json:"admin_state_up"`
	PortSecurity   *bool    `json:"port_security_enabled"`
	AddressPairs   []struct {
		IPAddress  string `json:"ip_address"`
		MACAddress string `json:"mac_address"`
	} `json:"allowed_address_pairs"`
	Tags      []string `json:"tags"`
	CreatedAt string   `json:"created_at"`
}

type neutronFloatingIP struct {
	ID                string  `json:"id"`
	FloatingIPAddress string  `json:"floating_ip_address"`
	FloatingNetworkID string  `json:"floating_network_id"`
	PortID            *string `json:"port_id"`
	FixedIPAddress    *string `json:"fixed_ip_address"`
	Description       string  `json:"description"`
	DNSName           string  `json:"dns_name"`
	DNSDomain         string  `json:"dns_domain"`
}

func (c *collector) fetchNetworks(ctx context.Context) (int, error) {
	var err error
	c.raw.networks, err = cloud.ListAll(ctx, networks.List(c.s.Network, networks.ListOpts{}), cloud.ExtractAs[neutronNetwork]("networks"))
	return len(c.raw.networks), err
}

func (c *collector) fetchSubnets(ctx context.Context) (int, error) {
	var err error
	c.raw.subnets, err = cloud.ListAll(ctx, subnets.List(c.s.Network, subnets.ListOpts{}), cloud.ExtractAs[neutronSubnet]("subnets"))
	return len(c.raw.subnets), err
}

func (c *collector) fetchPorts(ctx context.Context) (int, error) {
	var err error
	c.raw.ports, err = cloud.ListAll(ctx, ports.List(c.s.Network, ports.ListOpts{}), cloud.ExtractAs[neutronPort]("ports"))
	return len(c.raw.ports), err
}

func (c *collector) fetchFloatingIPs(ctx context.Context) (int, error) {
	var err error
	c.raw.fips, err = cloud.ListAll(ctx, floatingips.List(c.s.Network, floatingips.ListOpts{}), cloud.ExtractAs[neutronFloatingIP]("floatingips"))
	return len(c.raw.fips), err
}

// enabled is Neutron's port_security_enabled, true where the extension
// is absent (security groups then always apply).
func enabled(b *bool) bool { return b == nil || *b }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (n neutronNetwork) network() Network {
	return Network{ID: n.ID, Name: n.Name, Description: n.Description, AdminStateUp: n.AdminStateUp,
		Shared: n.Shared, External: n.External, MTU: n.MTU, PortSecurityEnabled: enabled(n.PortSecurity), Tags: n.Tags}
}

func (s neutronSubnet) subnet() Subnet {
	out := Subnet{ID: s.ID, Name: s.Name, Description: s.Description, NetworkID: s.NetworkID,
		IPVersion: s.IPVersion, CIDR: s.CIDR, GatewayIP: deref(s.GatewayIP), EnableDHCP: s.EnableDHCP,
		AllocationPools: s.AllocationPools, DNSNameservers: s.DNSNameservers,
		IPv6AddressMode: deref(s.IPv6AddressMode), IPv6RAMode: deref(s.IPv6RAMode), Tags: s.Tags}
	for _, r := range s.HostRoutes {
		out.HostRoutes = append(out.HostRoutes, Route{Destination: r.Destination, NextHop: r.NextHop})
	}
	return out
}

func (p neutronPort) port() Port {
	out := Port{ID: p.ID, Name: p.Name, Description: p.Description, NetworkID: p.NetworkID,
		MACAddress: p.MACAddress, SecurityGroups: p.SecurityGroups, DeviceOwner: p.DeviceOwner,
		DeviceID: p.DeviceID, AdminStateUp: p.AdminStateUp, PortSecurityEnabled: enabled(p.PortSecurity), Tags: p.Tags}
	for _, ip := range p.RawFixedIPs {
		out.FixedIPs = append(out.FixedIPs, FixedIP{SubnetID: ip.SubnetID, IPAddress: ip.IPAddress})
	}
	for _, ap := range p.AddressPairs {
		out.AllowedAddressPairs = append(out.AllowedAddressPairs, AddressPair{IPAddress: ap.IPAddress, MACAddress: ap.MACAddress})
	}
	return out
}

func (f neutronFloatingIP) floatingIP(netNames map[string]string) FloatingIP {
	return FloatingIP{ID: f.ID, FloatingIPAddress: f.FloatingIPAddress, FloatingNetworkID: f.FloatingNetworkID,
		FloatingNetworkName: netNames[f.FloatingNetworkID], PortID: deref(f.PortID),
		FixedIPAddress: deref(f.FixedIPAddress), Description: f.Description, DNSName: f.DNSName, DNSDomain: f.DNSDomain}
}
