package network

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// interfaceBody is the body of add_ and remove_router_interface.
type interfaceBody struct {
	SubnetID string `json:"subnet_id"`
	PortID   string `json:"port_id"`
}

func (q *request) routerInterface() (interfaceBody, error) {
	var b interfaceBody
	if json.Unmarshal(q.Body, &b) != nil {
		return b, badRequest("Malformed request body")
	}
	if b.SubnetID == "" && b.PortID == "" {
		return b, badResource("router", "Either subnet_id or port_id must be specified")
	}
	return b, nil
}

// interfaceInfo is the answer of the interface calls.
func interfaceInfo(rt *router, p *port) map[string]any {
	var subnets []string
	for _, f := range p.FixedIPs {
		subnets = append(subnets, f.SubnetID)
	}
	first := ""
	if len(subnets) > 0 {
		first = subnets[0]
	}
	return map[string]any{"id": rt.ID, "tenant_id": rt.ProjectID, "project_id": rt.ProjectID,
		"port_id": p.ID, "subnet_id": first, "subnet_ids": core.OrEmpty(subnets), "network_id": p.NetworkID}
}

func (s *Room) addRouterInterface(q *request) (int, any, error) {
	rt, err := s.findRouter(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	b, err := q.routerInterface()
	if err != nil {
		return 0, nil, err
	}
	var p *port
	switch {
	case b.SubnetID != "" && b.PortID != "":
		return 0, nil, badResource("router", "Cannot specify both subnet-id and port-id")
	case b.SubnetID != "":
		p, err = s.interfaceBySubnet(q, rt, b.SubnetID)
	default:
		p, err = s.interfaceByPort(q, rt, b.PortID)
	}
	if err != nil {
		return 0, nil, err
	}
	rt.touch(s.c.Now())
	id := p.ID
	s.c.Later(1, func() {
		if p := s.ports[id]; p != nil && p.DeviceOwner == ownerRouterInterface {
			p.Status = "ACTIVE"
		}
	})
	return http.StatusOK, interfaceInfo(rt, p), nil
}

// checkAttachable refuses a subnet the router is already on or whose
// CIDR overlaps one of the router's subnets.
func (s *Room) checkAttachable(rt *router, sn *subnet) error {
	for _, p := range s.interfaces(rt) {
		for _, f := range p.FixedIPs {
			o := s.subnets[f.SubnetID]
			switch {
			case o == nil:
			case o.ID == sn.ID:
				return badResource("router", "Router already has a port on subnet %s", sn.ID)
			case o.CIDR.Overlaps(sn.CIDR):
				return badResource("router", "Cidr %s of subnet %s overlaps with cidr %s of subnet %s", sn.CIDR, sn.ID, o.CIDR, o.ID)
			}
		}
	}
	return nil
}

func (s *Room) interfaceBySubnet(q *request, rt *router, subnetID string) (*port, error) {
	sn, err := s.findSubnet(q.Project(), subnetID)
	if err != nil {
		return nil, err
	}
	n := s.networks[sn.NetworkID]
	if n.External {
		return nil, badResource("router", "Router interface can't be attached to external network %s", n.ID)
	}
	if !sn.Gateway.IsValid() {
		return nil, badResource("router", "Subnet for router interface must have a gateway IP")
	}
	if err := s.checkAttachable(rt, sn); err != nil {
		return nil, err
	}
	return s.newPortLocked(portSpec{ProjectID: rt.ProjectID, Network: n, AdminStateUp: true,
		DeviceID: rt.ID, DeviceOwner: ownerRouterInterface, NoSecurityGroups: true,
		FixedIPs: []fixedIPReq{{SubnetID: sn.ID, IPAddress: sn.Gateway.String()}}})
}

func (s *Room) interfaceByPort(q *request, rt *router, portID string) (*port, error) {
	p, err := s.findPort(q.Project(), portID)
	if err != nil {
		return nil, err
	}
	if p.DeviceID != "" {
		return nil, errorf(http.StatusConflict, "PortInUse",
			"Unable to complete operation on port %s for network %s. Port already has an attached device %s.", p.ID, p.NetworkID, p.DeviceID)
	}
	if len(p.FixedIPs) == 0 {
		return nil, badResource("router", "Router port must have at least one fixed IP")
	}
	v4 := 0
	for _, f := range p.FixedIPs {
		sn := s.subnets[f.SubnetID]
		if sn.version() == 4 {
			v4++
		}
		if err := s.checkAttachable(rt, sn); err != nil {
			return nil, err
		}
	}
	if v4 > 1 {
		return nil, badResource("router", "Cannot have multiple IPv4 subnets on router port")
	}
	p.DeviceID, p.DeviceOwner = rt.ID, ownerRouterInterface
	p.touch(s.c.Now())
	return p, nil
}

func (s *Room) removeRouterInterface(q *request) (int, any, error) {
	rt, err := s.findRouter(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	b, err := q.routerInterface()
	if err != nil {
		return 0, nil, err
	}
	p, err := s.findInterface(q, rt, b)
	if err != nil {
		return 0, nil, err
	}
	if err := s.interfaceNeeded(rt, p); err != nil {
		return 0, nil, err
	}
	info := interfaceInfo(rt, p)
	s.removePortLocked(p)
	rt.touch(s.c.Now())
	return http.StatusOK, info, nil
}

func (s *Room) findInterface(q *request, rt *router, b interfaceBody) (*port, error) {
	ifaces := s.interfaces(rt)
	if b.PortID != "" {
		i := slices.IndexFunc(ifaces, func(p *port) bool { return p.ID == b.PortID })
		if i < 0 {
			return nil, errorf(http.StatusNotFound, "RouterInterfaceNotFound", "Router %s does not have an interface with id %s", rt.ID, b.PortID)
		}
		if b.SubnetID != "" && !ifaces[i].hasSubnet(b.SubnetID) {
			return nil, errorf(http.StatusConflict, "SubnetMismatchForPort", "Subnet %s does not match with the port %s", b.SubnetID, b.PortID)
		}
		return ifaces[i], nil
	}
	if _, err := s.findSubnet(q.Project(), b.SubnetID); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(ifaces, func(p *port) bool { return p.hasSubnet(b.SubnetID) })
	if i < 0 {
		return nil, errorf(http.StatusNotFound, "RouterInterfaceNotFoundForSubnet", "Router %s has no interface on subnet %s", rt.ID, b.SubnetID)
	}
	return ifaces[i], nil
}

// interfaceNeeded refuses to remove an interface that a route's next hop
// or a floating IP depends on.
func (s *Room) interfaceNeeded(rt *router, p *port) error {
	for _, f := range p.FixedIPs {
		sn := s.subnets[f.SubnetID]
		if sn == nil {
			continue
		}
		for _, r := range rt.Routes {
			if nh, err := netip.ParseAddr(r.NextHop); err == nil && sn.CIDR.Contains(nh) {
				return errorf(http.StatusConflict, "RouterInterfaceInUseByRoute",
					"Router interface for subnet %s on router %s cannot be deleted, as it is required by one or more routes.", sn.ID, rt.ID)
			}
		}
		for _, fip := range s.fips {
			if fp := s.ports[fip.PortID]; fip.RouterID == rt.ID && fp != nil && fp.hasSubnet(sn.ID) {
				return errorf(http.StatusConflict, "RouterInterfaceInUseByFloatingIP",
					"Router interface for subnet %s on router %s cannot be deleted, as it is required by one or more floating IPs.", sn.ID, rt.ID)
			}
		}
	}
	return nil
}
