package network

import (
	"net/http"
	"net/netip"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// router is a Neutron router. Its interfaces are the ports with
// device_owner network:router_interface and device_id = its ID; its
// gateway is a hidden port on the external network.
type router struct {
	stdAttrs
	Name         string
	AdminStateUp bool
	GatewayNet   string // external network ID, "" without gateway
	GatewayPort  string
	EnableSNAT   bool
	Routes       []hostRoute
	AZHints      []string
}

const maxRoutes = 30

func (s *Room) routerDoc(rt *router) map[string]any {
	Routes := make([]map[string]any, len(rt.Routes))
	for i, r := range rt.Routes {
		Routes[i] = map[string]any{"destination": r.Destination, "nexthop": r.NextHop}
	}
	azs := s.azs
	if len(rt.AZHints) > 0 {
		azs = rt.AZHints
	}
	return rt.fill(map[string]any{
		"name":                    rt.Name,
		"admin_state_up":          rt.AdminStateUp,
		"status":                  "ACTIVE",
		"external_gateway_info":   s.gatewayDoc(rt),
		"routes":                  Routes,
		"availability_zones":      slices.Clone(azs),
		"availability_zone_hints": append([]string{}, rt.AZHints...),
	}, true)
}

func (s *Room) gatewayDoc(rt *router) any {
	if rt.GatewayNet == "" {
		return nil
	}
	ips := []map[string]any{}
	if gw := s.ports[rt.GatewayPort]; gw != nil {
		for _, f := range gw.FixedIPs {
			ips = append(ips, map[string]any{"subnet_id": f.SubnetID, "ip_address": f.IPAddress})
		}
	}
	return map[string]any{"network_id": rt.GatewayNet, "enable_snat": rt.EnableSNAT, "external_fixed_ips": ips}
}

func routerNotFound(id string) error {
	return errorf(http.StatusNotFound, "RouterNotFound", "Router %s could not be found", id)
}

func (s *Room) findRouter(projectID, id string) (*router, error) {
	rt := s.routers[id]
	if rt == nil || rt.ProjectID != projectID {
		return nil, routerNotFound(id)
	}
	return rt, nil
}

// interfaces are the router's interface ports.
func (s *Room) interfaces(rt *router) []*port {
	var out []*port
	for _, p := range s.ports {
		if p.DeviceID == rt.ID && p.DeviceOwner == ownerRouterInterface {
			out = append(out, p)
		}
	}
	return out
}

func (s *Room) listRouters(q *request) (int, any, error) {
	var docs []map[string]any
	for _, rt := range s.routers {
		if rt.ProjectID == q.Project() {
			docs = append(docs, s.routerDoc(rt))
		}
	}
	return q.list(s.c.URL(), "routers", docs, routerNotFound)
}

func (s *Room) createRouter(q *request) (int, any, error) {
	a, err := q.resource("router", "name", "description", "admin_state_up", "external_gateway_info",
		"availability_zone_hints", "distributed", "ha")
	if err != nil {
		return 0, nil, err
	}
	if err := adminOnlyAttrs(a, "create_router", "distributed", "ha"); err != nil {
		return 0, nil, err
	}
	rt := &router{stdAttrs: newStdAttrs(q.Project(), s.c.Now()), AdminStateUp: true}
	r := a.reader()
	r.str("name", 255, &rt.Name)
	r.str("description", 255, &rt.Description)
	r.boolean("admin_state_up", &rt.AdminStateUp)
	r.strings("availability_zone_hints", &rt.AZHints)
	if r.err != nil {
		return 0, nil, r.err
	}
	for _, h := range rt.AZHints {
		if !slices.Contains(s.azs, h) {
			return 0, nil, errorf(http.StatusNotFound, "AvailabilityZoneNotFound", "AvailabilityZone %s could not be found.", h)
		}
	}
	if err := s.checkQuota(q.Project(), "router", 1); err != nil {
		return 0, nil, err
	}
	if a.has("external_gateway_info") {
		if err := s.setGateway(q, rt, a, "create_router"); err != nil {
			return 0, nil, err
		}
	}
	s.routers[rt.ID] = rt
	return http.StatusCreated, map[string]any{"router": s.routerDoc(rt)}, nil
}

// gatewayInfo is external_gateway_info in a request.
type gatewayInfo struct {
	NetworkID  string `json:"network_id"`
	EnableSNAT *bool  `json:"enable_snat"`
	FixedIPs   []any  `json:"external_fixed_ips"`
}

// setGateway applies external_gateway_info: null or {} clears the
// gateway, a network sets it (enable_snat=false and fixed IPs are an
// admin's).
func (s *Room) setGateway(q *request, rt *router, a attrs, action string) error {
	var gi *gatewayInfo
	if _, err := a.into("external_gateway_info", &gi); err != nil {
		return err
	}
	if gi == nil || gi.NetworkID == "" {
		return s.clearGatewayLocked(rt)
	}
	if gi.EnableSNAT != nil && !*gi.EnableSNAT {
		return policyDenied(action, "external_gateway_info:enable_snat")
	}
	if gi.FixedIPs != nil {
		return policyDenied(action, "external_gateway_info:external_fixed_ips")
	}
	n, err := s.findNetwork(q.Project(), gi.NetworkID)
	if err != nil {
		return err
	}
	if !n.External {
		return badResource("router", "Network %s is not an external network", n.ID)
	}
	if rt.GatewayNet == n.ID {
		return nil
	}
	if err := s.clearGatewayLocked(rt); err != nil {
		return err
	}
	gw, err := s.newPortLocked(portSpec{Network: n, AdminStateUp: true, DeviceID: rt.ID,
		DeviceOwner: ownerRouterGateway, Status: "ACTIVE", NoSecurityGroups: true})
	if err != nil {
		return err
	}
	rt.GatewayNet, rt.GatewayPort, rt.EnableSNAT = n.ID, gw.ID, true
	return nil
}

// clearGatewayLocked removes the gateway unless floating IPs need it.
func (s *Room) clearGatewayLocked(rt *router) error {
	if rt.GatewayNet == "" {
		return nil
	}
	for _, f := range s.fips {
		if f.RouterID == rt.ID {
			return errorf(http.StatusConflict, "RouterExternalGatewayInUseByFloatingIp",
				"Gateway cannot be updated for router %s, since a gateway to external network %s is required by one or more floating IPs.", rt.ID, rt.GatewayNet)
		}
	}
	if gw := s.ports[rt.GatewayPort]; gw != nil {
		delete(s.ports, gw.ID)
	}
	rt.GatewayNet, rt.GatewayPort, rt.EnableSNAT = "", "", false
	return nil
}

func (s *Room) updateRouter(q *request) (int, any, error) {
	rt, err := s.findRouter(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("router", "name", "description", "admin_state_up", "external_gateway_info",
		"routes", "distributed", "ha")
	if err != nil {
		return 0, nil, err
	}
	if err := adminOnlyAttrs(a, "update_router", "distributed", "ha"); err != nil {
		return 0, nil, err
	}
	if err := q.checkRevision(&rt.stdAttrs); err != nil {
		return 0, nil, err
	}
	upd := *rt
	r := a.reader()
	r.str("name", 255, &upd.Name)
	r.str("description", 255, &upd.Description)
	r.boolean("admin_state_up", &upd.AdminStateUp)
	var Routes []hostRoute
	hasRoutes := r.into("routes", &Routes)
	if r.err != nil {
		return 0, nil, r.err
	}
	if hasRoutes {
		if err := s.checkRoutes(&upd, core.OrEmpty(Routes)); err != nil {
			return 0, nil, err
		}
		upd.Routes = core.OrEmpty(Routes)
	}
	if a.has("external_gateway_info") {
		if err := s.setGateway(q, &upd, a, "update_router"); err != nil {
			return 0, nil, err
		}
	}
	*rt = upd
	rt.touch(s.c.Now())
	return http.StatusOK, map[string]any{"router": s.routerDoc(rt)}, nil
}

// routerCIDRs are the subnets the router is connected to, and its own
// addresses.
func (s *Room) routerCIDRs(rt *router) ([]netip.Prefix, []netip.Addr) {
	var cidrs []netip.Prefix
	var own []netip.Addr
	ports := s.interfaces(rt)
	if gw := s.ports[rt.GatewayPort]; gw != nil {
		ports = append(ports, gw)
	}
	for _, p := range ports {
		for _, f := range p.FixedIPs {
			if sn := s.subnets[f.SubnetID]; sn != nil {
				cidrs = append(cidrs, sn.CIDR)
			}
			if a, err := netip.ParseAddr(f.IPAddress); err == nil {
				own = append(own, a)
			}
		}
	}
	return cidrs, own
}

// checkRoutes validates extra routes: each next hop must be on a
// connected subnet and must not be the router itself.
func (s *Room) checkRoutes(rt *router, Routes []hostRoute) error {
	if len(Routes) > maxRoutes {
		return errorf(http.StatusBadRequest, "RoutesExhausted",
			"Unable to complete operation for %s. The number of routes exceeds the maximum %d.", rt.ID, maxRoutes)
	}
	if err := validateRoutes("routes", Routes); err != nil {
		return err
	}
	cidrs, own := s.routerCIDRs(rt)
	for _, r := range Routes {
		nh := netip.MustParseAddr(r.NextHop)
		if slices.Contains(own, nh) {
			return invalidRoutes(Routes, "the nexthop is used by router")
		}
		if !slices.ContainsFunc(cidrs, func(p netip.Prefix) bool { return p.Contains(nh) }) {
			return invalidRoutes(Routes, "the nexthop is not connected with router")
		}
	}
	return nil
}

func invalidRoutes(Routes []hostRoute, reason string) error {
	text := "["
	for i, r := range Routes {
		if i > 0 {
			text += ", "
		}
		text += "{'destination': '" + r.Destination + "', 'nexthop': '" + r.NextHop + "'}"
	}
	return errorf(http.StatusBadRequest, "InvalidRoutes", "Invalid format for routes: %s], %s.", text, reason)
}

func (s *Room) addExtraRoutes(q *request) (int, any, error) {
	return s.changeExtraRoutes(q, true)
}

func (s *Room) removeExtraRoutes(q *request) (int, any, error) {
	return s.changeExtraRoutes(q, false)
}

// changeExtraRoutes serves extraroute-atomic's add and remove calls.
func (s *Room) changeExtraRoutes(q *request, add bool) (int, any, error) {
	rt, err := s.findRouter(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("router", "routes")
	if err != nil {
		return 0, nil, err
	}
	var Routes []hostRoute
	if _, err := a.into("routes", &Routes); err != nil {
		return 0, nil, err
	}
	next := slices.Clone(rt.Routes)
	for _, r := range Routes {
		i := slices.Index(next, r)
		switch {
		case add && i < 0:
			next = append(next, r)
		case !add && i >= 0:
			next = slices.Delete(next, i, i+1)
		}
	}
	if err := s.checkRoutes(rt, next); err != nil {
		return 0, nil, err
	}
	rt.Routes = core.OrEmpty(next)
	rt.touch(s.c.Now())
	return http.StatusOK, map[string]any{"router": s.routerDoc(rt)}, nil
}

func (s *Room) deleteRouter(q *request) (int, any, error) {
	rt, err := s.findRouter(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	if len(s.interfaces(rt)) > 0 {
		return 0, nil, errorf(http.StatusConflict, "RouterInUse", "Router %s still has ports", rt.ID)
	}
	if err := s.clearGatewayLocked(rt); err != nil {
		return 0, nil, err
	}
	delete(s.routers, rt.ID)
	return http.StatusNoContent, nil, nil
}
