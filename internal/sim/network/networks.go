package network

import (
	"net/http"
	"slices"
)

// network is a Neutron network.
type network struct {
	stdAttrs
	Name         string
	AdminStateUp bool
	Shared       bool
	External     bool
	MTU          int
	PortSecurity bool
	AZHints      []string
	// Subnets are the IDs of the network's subnets, oldest first.
	Subnets []string
}

// tenantMTU is the MTU of project networks (VXLAN over a 1500 underlay).
const tenantMTU = 1450

func (s *Room) networkDoc(n *network) map[string]any {
	azs := s.azs
	if len(n.AZHints) > 0 {
		azs = n.AZHints
	}
	return n.fill(map[string]any{
		"name":                    n.Name,
		"admin_state_up":          n.AdminStateUp,
		"shared":                  n.Shared,
		"router:external":         n.External,
		"status":                  "ACTIVE",
		"mtu":                     n.MTU,
		"port_security_enabled":   n.PortSecurity,
		"subnets":                 slices.Clone(n.Subnets),
		"availability_zones":      slices.Clone(azs),
		"availability_zone_hints": append([]string{}, n.AZHints...),
		"ipv4_address_scope":      nil,
		"ipv6_address_scope":      nil,
		"l2_adjacency":            true,
	}, true)
}

// networkVisible: a project sees its own, shared and external networks.
func networkVisible(n *network, projectID string) bool {
	return n.ProjectID == projectID || n.Shared || n.External
}

func networkNotFound(id string) error {
	return errorf(http.StatusNotFound, "NetworkNotFound", "Network %s could not be found.", id)
}

// findNetwork returns a network the project can see.
func (s *Room) findNetwork(projectID, id string) (*network, error) {
	n := s.networks[id]
	if n == nil || !networkVisible(n, projectID) {
		return nil, networkNotFound(id)
	}
	return n, nil
}

// ownNetwork returns a network the project may change.
func (s *Room) ownNetwork(projectID, id, action string) (*network, error) {
	n, err := s.findNetwork(projectID, id)
	if err == nil && n.ProjectID != projectID {
		err = policyDenied(action, "")
	}
	return n, err
}

func (s *Room) listNetworks(q *request) (int, any, error) {
	var docs []map[string]any
	for _, n := range s.networks {
		if networkVisible(n, q.Project()) {
			docs = append(docs, s.networkDoc(n))
		}
	}
	return q.list(s.c.URL(), "networks", docs, networkNotFound)
}

func (s *Room) createNetwork(q *request) (int, any, error) {
	a, err := q.resource("network", "name", "description", "admin_state_up", "shared",
		"router:external", "mtu", "port_security_enabled", "availability_zone_hints")
	if err != nil {
		return 0, nil, err
	}
	if err := adminOnlyAttrs(a, "create_network", "shared", "router:external"); err != nil {
		return 0, nil, err
	}
	if err := s.checkQuota(q.Project(), "network", 1); err != nil {
		return 0, nil, err
	}
	n := &network{stdAttrs: newStdAttrs(q.Project(), s.c.Now()), AdminStateUp: true, MTU: tenantMTU, PortSecurity: true}
	if err := s.readNetwork(a, n); err != nil {
		return 0, nil, err
	}
	s.networks[n.ID] = n
	return http.StatusCreated, map[string]any{"network": s.networkDoc(n)}, nil
}

// adminOnlyAttrs refuses attributes only an admin may set (unless they
// are given with the value a project has anyway, false).
func adminOnlyAttrs(a attrs, action string, keys ...string) error {
	for _, k := range keys {
		var v bool
		if ok, _ := a.boolean(k, &v); ok && v {
			return policyDenied(action, k)
		}
	}
	return nil
}

// readNetwork applies the writable attributes of a body to n.
func (s *Room) readNetwork(a attrs, n *network) error {
	r := a.reader()
	r.str("name", 255, &n.Name)
	r.str("description", 255, &n.Description)
	r.boolean("admin_state_up", &n.AdminStateUp)
	r.boolean("port_security_enabled", &n.PortSecurity)
	r.integer("mtu", &n.MTU)
	var hints []string
	if r.strings("availability_zone_hints", &hints) {
		for _, h := range hints {
			if !slices.Contains(s.azs, h) {
				return errorf(http.StatusNotFound, "AvailabilityZoneNotFound", "AvailabilityZone %s could not be found.", h)
			}
		}
		n.AZHints = hints
	}
	if r.err != nil {
		return r.err
	}
	if n.MTU > tenantMTU {
		return invalidInput("Requested MTU is too big, maximum is %d", tenantMTU)
	}
	if n.MTU < 68 {
		return attrErr("mtu", "'%d' is too small - must be at least '68'", n.MTU)
	}
	return nil
}

func (s *Room) updateNetwork(q *request) (int, any, error) {
	n, err := s.ownNetwork(q.Project(), q.id(), "update_network")
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("network", "name", "description", "admin_state_up", "shared",
		"router:external", "mtu", "port_security_enabled")
	if err != nil {
		return 0, nil, err
	}
	if err := adminOnlyAttrs(a, "update_network", "shared", "router:external"); err != nil {
		return 0, nil, err
	}
	if err := q.checkRevision(&n.stdAttrs); err != nil {
		return 0, nil, err
	}
	upd := *n
	if err := s.readNetwork(a, &upd); err != nil {
		return 0, nil, err
	}
	*n = upd
	n.touch(s.c.Now())
	return http.StatusOK, map[string]any{"network": s.networkDoc(n)}, nil
}

func (s *Room) deleteNetwork(q *request) (int, any, error) {
	n, err := s.ownNetwork(q.Project(), q.id(), "delete_network")
	if err != nil {
		return 0, nil, err
	}
	for _, p := range s.ports {
		if p.NetworkID == n.ID && p.DeviceOwner != ownerDHCP {
			return 0, nil, errorf(http.StatusConflict, "NetworkInUse",
				"Unable to complete operation on network %s. There are one or more ports still in use on the network.", n.ID)
		}
	}
	for _, p := range s.ports {
		if p.NetworkID == n.ID {
			s.removePortLocked(p)
		}
	}
	for _, id := range n.Subnets {
		delete(s.subnets, id)
	}
	delete(s.networks, n.ID)
	return http.StatusNoContent, nil, nil
}
