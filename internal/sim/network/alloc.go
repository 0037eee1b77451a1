package network

import (
	"net/http"
	"net/netip"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// allocateIPsLocked turns the fixed IPs requested for port p on network n
// into addresses, as Neutron's IPAM does. nil reqs means automatic: one
// address from the first IPv4 subnet with room and one from the first
// stateful IPv6 subnet. Every port but a router's also gets its SLAAC
// address on auto-address subnets. Addresses p holds already count as
// free, so that an update can keep them.
func (s *Room) allocateIPsLocked(n *network, reqs []fixedIPReq, p *port) ([]core.FixedIP, error) {
	used := s.usedIPs(n, p)
	router := isRouterPort(p.DeviceOwner)
	var out []core.FixedIP
	take := func(sn *subnet, a netip.Addr) {
		used[a] = true
		out = append(out, core.FixedIP{SubnetID: sn.ID, IPAddress: a.String()})
	}
	if reqs == nil {
		if err := s.autoIPs(n, used, take); err != nil {
			return nil, err
		}
	}
	for _, req := range reqs {
		sn, a, err := s.requestedIP(n, req, used, p.MAC, router)
		if err != nil {
			return nil, err
		}
		take(sn, a)
	}
	if !router {
		s.addSLAAC(n, p.MAC, &out)
	}
	return out, nil
}

// usedIPs are the addresses held on the network by ports other than p.
func (s *Room) usedIPs(n *network, p *port) map[netip.Addr]bool {
	used := map[netip.Addr]bool{}
	for _, o := range s.ports {
		if o.NetworkID != n.ID || o.ID == p.ID {
			continue
		}
		for _, f := range o.FixedIPs {
			if a, err := netip.ParseAddr(f.IPAddress); err == nil {
				used[a] = true
			}
		}
	}
	return used
}

func (s *Room) autoIPs(n *network, used map[netip.Addr]bool, take func(*subnet, netip.Addr)) error {
	want := map[int]bool{4: false, 6: false}
	done := map[int]bool{}
	for _, id := range n.Subnets {
		sn := s.subnets[id]
		if sn == nil || sn.autoAddress() {
			continue
		}
		v := sn.version()
		want[v] = true
		if done[v] {
			continue
		}
		if a, ok := nextFree(sn, used); ok {
			take(sn, a)
			done[v] = true
		}
	}
	for _, v := range []int{4, 6} {
		if want[v] && !done[v] {
			return errorf(http.StatusConflict, "IpAddressGenerationFailure", "No more IP addresses available on network %s.", n.ID)
		}
	}
	return nil
}

// requestedIP resolves one fixed_ips entry.
func (s *Room) requestedIP(n *network, req fixedIPReq, used map[netip.Addr]bool, mac string, router bool) (*subnet, netip.Addr, error) {
	var sn *subnet
	if req.SubnetID != "" {
		sn = s.subnets[req.SubnetID]
		if sn == nil || sn.NetworkID != n.ID {
			return nil, netip.Addr{}, invalidInput("Failed to create port on network %s, because fixed_ips included invalid subnet %s", n.ID, req.SubnetID)
		}
	}
	if req.IPAddress == "" {
		if sn == nil {
			return nil, netip.Addr{}, badRequest("Invalid input for fixed_ips. Reason: Exactly one of 'subnet_id' or 'ip_address' must be specified.")
		}
		a, err := freeIn(sn, used, mac)
		return sn, a, err
	}
	a, err := netip.ParseAddr(req.IPAddress)
	if err != nil {
		return nil, a, attrErr("fixed_ips", "'%s' is not a valid IP address", req.IPAddress)
	}
	if sn == nil {
		sn = s.subnetFor(n, a, router)
		if sn == nil {
			return nil, a, errorf(http.StatusBadRequest, "InvalidIpForNetwork",
				"IP address %s is not a valid IP for any of the subnets on the specified network.", a)
		}
	}
	if !validIPForSubnet(sn.CIDR, a, router) {
		return nil, a, errorf(http.StatusBadRequest, "InvalidIpForSubnet", "IP address %s is not a valid IP for the specified subnet.", a)
	}
	if sn.autoAddress() && !router {
		return nil, a, invalidInput("IPv6 address %s cannot be directly assigned to a port on subnet %s as the subnet is configured for automatic addresses", a, sn.ID)
	}
	if used[a] {
		return nil, a, errorf(http.StatusConflict, "IpAddressAlreadyAllocated", "IP address %s already allocated in subnet %s", a, sn.ID)
	}
	return sn, a, nil
}

// freeIn picks the address of a port on a subnet without a requested
// address: the SLAAC address on auto-address subnets, else the lowest
// free address of the pools.
func freeIn(sn *subnet, used map[netip.Addr]bool, mac string) (netip.Addr, error) {
	if sn.autoAddress() {
		if a, ok := eui64(sn.CIDR, mac); ok {
			return a, nil
		}
	}
	if a, ok := nextFree(sn, used); ok {
		return a, nil
	}
	return netip.Addr{}, errorf(http.StatusConflict, "IpAddressGenerationFailure", "No more IP addresses available for subnet %s.", sn.ID)
}

func (s *Room) subnetFor(n *network, a netip.Addr, router bool) *subnet {
	for _, id := range n.Subnets {
		if sn := s.subnets[id]; sn != nil && validIPForSubnet(sn.CIDR, a, router) {
			return sn
		}
	}
	return nil
}

// nextFree is the lowest free address of the subnet's pools.
func nextFree(sn *subnet, used map[netip.Addr]bool) (netip.Addr, bool) {
	for _, p := range sn.Pools {
		for a := p.Start; a.IsValid() && a.Compare(p.End) <= 0; a = a.Next() {
			if !used[a] {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

// addSLAAC adds the EUI-64 addresses on the network's auto-address
// subnets that ips lacks.
func (s *Room) addSLAAC(n *network, mac string, ips *[]core.FixedIP) {
	for _, id := range n.Subnets {
		sn := s.subnets[id]
		if sn == nil || !sn.autoAddress() {
			continue
		}
		have := false
		for _, f := range *ips {
			have = have || f.SubnetID == id
		}
		if a, ok := eui64(sn.CIDR, mac); ok && !have {
			*ips = append(*ips, core.FixedIP{SubnetID: id, IPAddress: a.String()})
		}
	}
}
