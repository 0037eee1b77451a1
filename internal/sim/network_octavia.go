package sim

import (
	"net/http"
	"net/netip"
)

// vipRequest is where a load balancer wants its VIP.
type vipRequest struct {
	SubnetID, NetworkID, PortID, Address string
}

// vipPort is the VIP a load balancer got.
type vipPort struct {
	PortID, Address, SubnetID, NetworkID string
	// Owned is set when Octavia created the port (and deletes it with the
	// load balancer).
	Owned bool
}

// vipPortLocked finds or creates the VIP port of load balancer lbID, the
// way Octavia asks Neutron for it: a given port is used as it is;
// otherwise a port named "octavia-lb-<id>" with device_owner "Octavia"
// is created on the subnet (or the network's first IPv4 subnet).
// Errors are *core.APIError.
func (s *networkService) vipPortLocked(projectID, lbID string, req vipRequest) (vipPort, error) {
	if req.PortID != "" {
		return s.adoptVIPPort(projectID, req)
	}
	var n *network
	var sn *subnet
	var err error
	if req.SubnetID != "" {
		if sn, err = s.findSubnet(projectID, req.SubnetID); err != nil {
			return vipPort{}, err
		}
		n = s.networks[sn.NetworkID]
		if req.NetworkID != "" && req.NetworkID != n.ID {
			return vipPort{}, nInvalidInput("Subnet %s is not on network %s", sn.ID, req.NetworkID)
		}
	} else {
		if n, err = s.findNetwork(projectID, req.NetworkID); err != nil {
			return vipPort{}, err
		}
		if sn = s.vipSubnet(n, req.Address); sn == nil {
			return vipPort{}, nErr(http.StatusBadRequest, "InvalidInput", "Supplied network does not contain a subnet.")
		}
	}
	fixed := nFixedIPReq{SubnetID: sn.ID, IPAddress: req.Address}
	p, err := s.newPortLocked(nPortSpec{ProjectID: projectID, Network: n, Name: "octavia-lb-" + lbID,
		DeviceID: "lb-" + lbID, DeviceOwner: "Octavia", AdminStateUp: false, NoSecurityGroups: true,
		FixedIPs: []nFixedIPReq{fixed}, quota: true})
	if err != nil {
		return vipPort{}, err
	}
	return vipPort{PortID: p.ID, Address: p.FixedIPs[0].IPAddress, SubnetID: sn.ID, NetworkID: n.ID, Owned: true}, nil
}

// vipSubnet picks the subnet of a network for a VIP: the one holding
// the requested address, else the first IPv4 one, else the first.
func (s *networkService) vipSubnet(n *network, address string) *subnet {
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

func (s *networkService) adoptVIPPort(projectID string, req vipRequest) (vipPort, error) {
	p, err := s.findPort(projectID, req.PortID)
	if err != nil {
		return vipPort{}, err
	}
	if p.DeviceID != "" {
		return vipPort{}, nErr(http.StatusConflict, "PortInUse",
			"Unable to complete operation on port %s for network %s. Port already has an attached device %s.", p.ID, p.NetworkID, p.DeviceID)
	}
	if len(p.FixedIPs) == 0 {
		return vipPort{}, nBadResource("port", "Port %s has no fixed IP for the VIP", p.ID)
	}
	ip := p.FixedIPs[0]
	return vipPort{PortID: p.ID, Address: ip.IPAddress, SubnetID: ip.SubnetID, NetworkID: p.NetworkID}, nil
}

// deleteVIPPortLocked removes a VIP port Octavia created.
func (s *networkService) deleteVIPPortLocked(portID string) {
	if p := s.ports[portID]; p != nil {
		s.removePortLocked(p)
	}
}

// subnetVisibleLocked reports whether the project can use the subnet (for
// pool members).
func (s *networkService) subnetVisibleLocked(projectID, id string) bool {
	_, err := s.findSubnet(projectID, id)
	return err == nil
}
