package network

import (
	"net/http"
	"net/netip"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// VIPPortLocked finds or creates the VIP port of load balancer lbID, the
// way Octavia asks Neutron for it: a given port is used as it is;
// otherwise a port named "octavia-lb-<id>" with device_owner "Octavia"
// is created on the subnet (or the network's first IPv4 subnet).
// Errors are *core.APIError.
func (s *Room) VIPPortLocked(projectID, lbID string, req core.VIPRequest) (core.VIPPort, error) {
	if req.PortID != "" {
		return s.adoptVIPPort(projectID, req)
	}
	var n *network
	var sn *subnet
	var err error
	if req.SubnetID != "" {
		if sn, err = s.findSubnet(projectID, req.SubnetID); err != nil {
			return core.VIPPort{}, err
		}
		n = s.networks[sn.NetworkID]
		if req.NetworkID != "" && req.NetworkID != n.ID {
			return core.VIPPort{}, invalidInput("Subnet %s is not on network %s", sn.ID, req.NetworkID)
		}
	} else {
		if n, err = s.findNetwork(projectID, req.NetworkID); err != nil {
			return core.VIPPort{}, err
		}
		if sn = s.vipSubnet(n, req.Address); sn == nil {
			return core.VIPPort{}, errorf(http.StatusBadRequest, "InvalidInput", "Supplied network does not contain a subnet.")
		}
	}
	fixed := fixedIPReq{SubnetID: sn.ID, IPAddress: req.Address}
	p, err := s.newPortLocked(portSpec{ProjectID: projectID, Network: n, Name: "octavia-lb-" + lbID,
		DeviceID: "lb-" + lbID, DeviceOwner: "Octavia", AdminStateUp: false, NoSecurityGroups: true,
		FixedIPs: []fixedIPReq{fixed}, quota: true})
	if err != nil {
		return core.VIPPort{}, err
	}
	return core.VIPPort{PortID: p.ID, Address: p.FixedIPs[0].IPAddress, SubnetID: sn.ID, NetworkID: n.ID, Owned: true}, nil
}

// vipSubnet picks the subnet of a network for a VIP: the one holding
// the requested address, else the first IPv4 one, else the first.
func (s *Room) vipSubnet(n *network, address string) *subnet {
	var first *subnet
	for _, id := range n.Subnets {
		sn := s.subnets[id]
		if sn == nil {
			continue
		}
		if a, err := netip.ParseAddr(address); err == nil && sn.CIDR.Contains(a) {
			return sn
		}
		if address == "" && sn.version() == 4 {
			return sn
		}
		if first == nil {
			first = sn
		}
	}
	if address != "" {
		return nil
	}
	return first
}

func (s *Room) adoptVIPPort(projectID string, req core.VIPRequest) (core.VIPPort, error) {
	p, err := s.findPort(projectID, req.PortID)
	if err != nil {
		return core.VIPPort{}, err
	}
	if p.DeviceID != "" {
		return core.VIPPort{}, errorf(http.StatusConflict, "PortInUse",
			"Unable to complete operation on port %s for network %s. Port already has an attached device %s.", p.ID, p.NetworkID, p.DeviceID)
	}
	if len(p.FixedIPs) == 0 {
		return core.VIPPort{}, badResource("port", "Port %s has no fixed IP for the VIP", p.ID)
	}
	ip := p.FixedIPs[0]
	return core.VIPPort{PortID: p.ID, Address: ip.IPAddress, SubnetID: ip.SubnetID, NetworkID: p.NetworkID}, nil
}

// DeleteVIPPortLocked removes a VIP port Octavia created.
func (s *Room) DeleteVIPPortLocked(portID string) {
	if p := s.ports[portID]; p != nil {
		s.removePortLocked(p)
	}
}

// SubnetVisibleLocked reports whether the project can use the subnet (for
// pool members).
func (s *Room) SubnetVisibleLocked(projectID, id string) bool {
	_, err := s.findSubnet(projectID, id)
	return err == nil
}
