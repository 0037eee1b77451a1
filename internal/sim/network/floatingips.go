package network

import (
	"errors"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// floatingIP is a Neutron floating IP. Its address is held by a hidden
// network:floatingip port on the external network.
type floatingIP struct {
	stdAttrs
	Address, NetworkID, AddrPort string
	PortID, FixedIP, RouterID    string
	Status                       string
}

func (s *Room) fipDoc(f *floatingIP) map[string]any {
	var details any
	if p := s.ports[f.PortID]; p != nil {
		details = map[string]any{"name": p.Name, "network_id": p.NetworkID, "mac_address": p.MAC,
			"admin_state_up": p.AdminStateUp, "status": p.Status, "device_id": p.DeviceID,
			"device_owner": p.DeviceOwner}
	}
	return f.fill(map[string]any{
		"floating_ip_address": f.Address,
		"floating_network_id": f.NetworkID,
		"router_id":           core.StrOrNil(f.RouterID),
		"port_id":             core.StrOrNil(f.PortID),
		"fixed_ip_address":    core.StrOrNil(f.FixedIP),
		"status":              f.Status,
		"port_details":        details,
	}, true)
}

func fipNotFound(id string) error {
	return errorf(http.StatusNotFound, "FloatingIPNotFound", "Floating IP %s could not be found", id)
}

func (s *Room) findFIP(projectID, id string) (*floatingIP, error) {
	f := s.fips[id]
	if f == nil || f.ProjectID != projectID {
		return nil, fipNotFound(id)
	}
	return f, nil
}

// portFIPs are the floating IPs associated with a port, oldest first
// (Nova lists a server's addresses for every port, so this must not sort
// all floating IPs of the cloud).
func (s *Room) portFIPs(portID string) []*floatingIP {
	var out []*floatingIP
	for _, f := range s.fips {
		if f.PortID == portID {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *floatingIP) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func (s *Room) listFloatingIPs(q *request) (int, any, error) {
	var docs []map[string]any
	for _, f := range s.fips {
		if f.ProjectID == q.Project() {
			docs = append(docs, s.fipDoc(f))
		}
	}
	return q.list(s.c.URL(), "floatingips", docs, fipNotFound)
}

func (s *Room) createFloatingIP(q *request) (int, any, error) {
	a, err := q.resource("floatingip", "floating_network_id", "port_id", "fixed_ip_address",
		"floating_ip_address", "subnet_id", "description")
	if err != nil {
		return 0, nil, err
	}
	if a.has("floating_ip_address") {
		return 0, nil, policyDenied("create_floatingip", "floating_ip_address")
	}
	if err := a.required("floating_network_id"); err != nil {
		return 0, nil, err
	}
	f := &floatingIP{stdAttrs: newStdAttrs(q.Project(), s.c.Now()), Status: "DOWN"}
	var subnetID, portID, fixed string
	r := a.reader()
	r.str("floating_network_id", 0, &f.NetworkID)
	r.optStr("subnet_id", &subnetID)
	r.optStr("port_id", &portID)
	r.optStr("fixed_ip_address", &fixed)
	r.str("description", 255, &f.Description)
	if r.err != nil {
		return 0, nil, r.err
	}
	if err := s.allocateFIP(q, f, subnetID); err != nil {
		return 0, nil, err
	}
	if portID != "" {
		if err := s.associateLocked(q.Project(), f, portID, fixed); err != nil {
			delete(s.ports, f.AddrPort)
			return 0, nil, err
		}
	}
	s.fips[f.ID] = f
	return http.StatusCreated, map[string]any{"floatingip": s.fipDoc(f)}, nil
}

// allocateFIP takes an address on the external network for f.
func (s *Room) allocateFIP(q *request, f *floatingIP, subnetID string) error {
	n, err := s.findNetwork(q.Project(), f.NetworkID)
	if err != nil {
		return err
	}
	if !n.External {
		return badResource("floatingip", "Network %s is not a valid external network", n.ID)
	}
	if subnetID != "" {
		if sn := s.subnets[subnetID]; sn == nil || sn.NetworkID != n.ID {
			return badResource("floatingip", "Subnet %s is not on network %s", subnetID, n.ID)
		}
	}
	if err := s.checkQuota(q.Project(), "floatingip", 1); err != nil {
		return err
	}
	return s.takeFIPAddressLocked(n, f, subnetID)
}

// takeFIPAddressLocked creates the hidden port that holds f's address on
// the external network n: on the given subnet, or (as Neutron's IPAM)
// on the first IPv4 subnet with a free address.
func (s *Room) takeFIPAddressLocked(n *network, f *floatingIP, subnetID string) error {
	exhausted := errorf(http.StatusBadRequest, "ExternalIpAddressExhausted", "Unable to find any IP address on external network %s.", n.ID)
	if subnetID == "" {
		subnetID = s.fipSubnetLocked(n)
		if subnetID == "" {
			return exhausted
		}
	}
	p, err := s.newPortLocked(portSpec{Network: n, AdminStateUp: true, DeviceID: f.ID,
		DeviceOwner: ownerFloatingIP, Status: "N/A", NoSecurityGroups: true,
		FixedIPs: []fixedIPReq{{SubnetID: subnetID}}})
	var ne *core.APIError
	if errors.As(err, &ne) && ne.Type == "IpAddressGenerationFailure" || err == nil && len(p.FixedIPs) == 0 {
		if p != nil {
			delete(s.ports, p.ID)
		}
		return exhausted
	}
	if err != nil {
		return err
	}
	f.AddrPort, f.Address = p.ID, p.FixedIPs[0].IPAddress
	return nil
}

// fipSubnetLocked is the first IPv4 subnet of n with a free address, or "".
func (s *Room) fipSubnetLocked(n *network) string {
	used := s.usedIPs(n, &port{})
	for _, id := range n.Subnets {
		if sn := s.subnets[id]; sn != nil && sn.version() == 4 {
			if _, ok := nextFree(sn, used); ok {
				return id
			}
		}
	}
	return ""
}

// associateLocked binds the floating IP to a fixed IPv4 address of the
// project's port, through the router that connects the port's subnet to
// the floating IP's network.
func (s *Room) associateLocked(projectID string, f *floatingIP, portID, fixed string) error {
	p := s.ports[portID]
	if p == nil || p.ProjectID != projectID {
		return portNotFound(portID)
	}
	ip, err := s.fipFixedIP(p, fixed)
	if err != nil {
		return err
	}
	for _, o := range s.fips {
		if o.ID != f.ID && o.PortID == p.ID && o.FixedIP == ip.IPAddress && o.NetworkID == f.NetworkID {
			return errorf(http.StatusConflict, "FloatingIPPortAlreadyAssociated",
				"Cannot associate floating IP %s (%s) with port %s using fixed IP %s, as that fixed IP already has a floating IP on external network %s.",
				f.Address, f.ID, p.ID, ip.IPAddress, f.NetworkID)
		}
	}
	rt := s.routerFor(f.NetworkID, ip.SubnetID)
	if rt == nil {
		return errorf(http.StatusNotFound, "ExternalGatewayForFloatingIPNotFound",
			"External network %s is not reachable from subnet %s.  Therefore, cannot associate Port %s with a Floating IP.",
			f.NetworkID, ip.SubnetID, p.ID)
	}
	f.PortID, f.FixedIP, f.RouterID = p.ID, ip.IPAddress, rt.ID
	f.touch(s.c.Now())
	s.settleFIP(f.ID)
	return nil
}

// fipFixedIP picks the fixed IP of the port a floating IP maps to.
func (s *Room) fipFixedIP(p *port, fixed string) (core.FixedIP, error) {
	var v4 []core.FixedIP
	for _, f := range p.FixedIPs {
		if a, err := netip.ParseAddr(f.IPAddress); err == nil && a.Is4() {
			v4 = append(v4, f)
		}
	}
	if fixed != "" {
		if a, err := netip.ParseAddr(fixed); err != nil || !a.Is4() {
			return core.FixedIP{}, badResource("floatingip", "Cannot process floating IP association with %s, since that is not an IPv4 address", fixed)
		}
		i := slices.IndexFunc(v4, func(f core.FixedIP) bool { return f.IPAddress == fixed })
		if i < 0 {
			return core.FixedIP{}, badResource("floatingip", "Port %s does not have fixed ip %s", p.ID, fixed)
		}
		return v4[i], nil
	}
	switch len(v4) {
	case 0:
		return core.FixedIP{}, badResource("floatingip", "No IPv4 addresses found on port %s", p.ID)
	case 1:
		return v4[0], nil
	}
	return core.FixedIP{}, badResource("floatingip", "Port %s has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP", p.ID)
}

// routerFor is the router with a gateway on the external network and an
// interface on the subnet.
func (s *Room) routerFor(extNet, subnetID string) *router {
	var found []*router
	for _, rt := range s.routers {
		if rt.GatewayNet != extNet {
			continue
		}
		for _, p := range s.interfaces(rt) {
			if p.hasSubnet(subnetID) {
				found = append(found, rt)
				break
			}
		}
	}
	if len(found) == 0 {
		return nil
	}
	slices.SortFunc(found, func(a, b *router) int { return strings.Compare(a.ID, b.ID) })
	return found[0]
}

// settleFIP plays the L3 agent: after a moment the floating IP is ACTIVE
// when associated and DOWN when not.
func (s *Room) settleFIP(id string) {
	s.c.Later(1, func() {
		if f := s.fips[id]; f != nil {
			f.Status = "DOWN"
			if f.PortID != "" {
				f.Status = "ACTIVE"
			}
		}
	})
}

func (s *Room) disassociateLocked(f *floatingIP) {
	f.PortID, f.FixedIP, f.RouterID = "", "", ""
	f.touch(s.c.Now())
	s.settleFIP(f.ID)
}

func (s *Room) updateFloatingIP(q *request) (int, any, error) {
	f, err := s.findFIP(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("floatingip", "port_id", "fixed_ip_address", "description")
	if err != nil {
		return 0, nil, err
	}
	if err := q.checkRevision(&f.stdAttrs); err != nil {
		return 0, nil, err
	}
	var portID, fixed string
	desc := f.Description
	r := a.reader()
	hasPort := r.optStr("port_id", &portID)
	r.optStr("fixed_ip_address", &fixed)
	r.str("description", 255, &desc)
	if r.err != nil {
		return 0, nil, r.err
	}
	switch {
	case hasPort && portID == "":
		s.disassociateLocked(f)
	case hasPort:
		if err := s.associateLocked(q.Project(), f, portID, fixed); err != nil {
			return 0, nil, err
		}
	}
	f.Description = desc
	f.touch(s.c.Now())
	return http.StatusOK, map[string]any{"floatingip": s.fipDoc(f)}, nil
}

func (s *Room) deleteFloatingIP(q *request) (int, any, error) {
	f, err := s.findFIP(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	delete(s.ports, f.AddrPort)
	delete(s.fips, f.ID)
	return http.StatusNoContent, nil, nil
}
