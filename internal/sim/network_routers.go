package sim

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
	nStdAttrs
	Name         string
	AdminStateUp bool
	GatewayNet   string // external network ID, "" without gateway
	GatewayPort  string
	EnableSNAT   bool
	Routes       []nHostRoute
	AZHints      []string
}

const nMaxRoutes = 30

func (s *networkService) routerDoc(rt *router) map[string]any {
	routes := make([]map[string]any, len(rt.Routes))
	for i, r := range rt.Routes {
		routes[i] = map[string]any{"destination": r.Destination, "nexthop": r.NextHop}
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
		"routes":                  routes,
		"availability_zones":      slices.Clone(azs),
		"availability_zone_hints": append([]string{}, rt.AZHints...),
	}, true)
}

func (s *networkService) gatewayDoc(rt *router) any {
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
	return nErr(http.StatusNotFound, "RouterNotFound", "Router %s could not be found", id)
}

func (s *networkService) findRouter(projectID, id string) (*router, error) {
	rt := s.routers[id]
	if rt == nil || rt.ProjectID != projectID {
		return nil, routerNotFound(id)
	}
	return rt, nil
}

// interfaces are the router's interface ports.
func (s *networkService) interfaces(rt *router) []*port {
	var out []*port
	for _, p := range s.ports {
		if p.DeviceID == rt.ID && p.DeviceOwner == ownerRouterInterface {
			out = append(out, p)
		}
	}
	return out
}

func (s *networkService) listRouters(q *nreq) (int, any, error) {
	var docs []map[string]any
	for _, rt := range s.routers {
		if rt.ProjectID == q.project() {
			docs = append(docs, s.routerDoc(rt))
		}
	}
	return q.list(s.c.URL(), "routers", docs, routerNotFound)
}

func (s *networkService) getRouter(q *nreq) (int, any, error) {
	rt, err := s.findRouter(q.project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	return q.show("router", s.routerDoc(rt))
}

func (s *networkService) createRouter(q *nreq) (int, any, error) {
	a, err := q.resource("router", "name", "description", "admin_state_up", "external_gateway_info",
		"availability_zone_hints", "distributed", "ha")
	if err != nil {
		return 0, nil, err
	}
	if err := nAdminOnlyAttrs(a, "create_router", "distributed", "ha"); err != nil {
		return 0, nil, err
	}
	rt := &router{nStdAttrs: newNStdAttrs(q.project(), s.c.Now()), AdminStateUp: true}
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
			return 0, nil, nErr(http.StatusNotFound, "AvailabilityZoneNotFound", "AvailabilityZone %s could not be found.", h)
		}
	}
	if err := s.checkQuota(q.project(), "router", 1); err != nil {
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

// nGatewayInfo is external_gateway_info in a request.
type nGatewayInfo struct {
	NetworkID  string `json:"network_id"`
	EnableSNAT *bool  `json:"enable_snat"`
	FixedIPs   []any  `json:"external_fixed_ips"`
}

// setGateway applies external_gateway_info: null or {} clears the
// gateway, a network sets it (enable_snat=false and fixed IPs are an
// admin's).
func (s *networkService) setGateway(q *nreq, rt *router, a nAttrs, action string) error {
	var gi *nGatewayInfo
	if _, err := a.into("external_gateway_info", &gi); err != nil {
		return err
	}
	if gi == nil || gi.NetworkID == "" {
		return s.clearGatewayLocked(rt)
	}
	if gi.EnableSNAT != nil && !*gi.EnableSNAT {
		return nPolicyDenied(action, "external_gateway_info:enable_snat")
	}
	if gi.FixedIPs != nil {
		return nPolicyDenied(action, "external_gateway_info:external_fixed_ips")
	}
	n, err := s.findNetwork(q.project(), gi.NetworkID)
	if err != nil {
		return err
	}
	if !n.External {
		return nBadResource("router", "Network %s is not an external network", n.ID)
	}
	if rt.GatewayNet == n.ID {
		return nil
	}
	if err := s.clearGatewayLocked(rt); err != nil {
		return err
	}
	gw, err := s.newPortLocked(nPortSpec{Network: n, AdminStateUp: true, DeviceID: rt.ID,
		DeviceOwner: ownerRouterGateway, Status: "ACTIVE", NoSecurityGroups: true})
	if err != nil {
		return err
	}
	rt.GatewayNet, rt.GatewayPort, rt.EnableSNAT = n.ID, gw.ID, true
	return nil
}

// clearGatewayLocked removes the gateway unless floating IPs need it.
func (s *networkService) clearGatewayLocked(rt *router) error {
	if rt.GatewayNet == "" {
		return nil
	}
	for _, f := range s.fips {
		if f.RouterID == rt.ID {
			return nErr(http.StatusConflict, "RouterExternalGatewayInUseByFloatingIp",
				"Gateway cannot be updated for router %s, since a gateway to external network %s is required by one or more floating IPs.", rt.ID, rt.GatewayNet)
		}
	}
	if gw := s.ports[rt.GatewayPort]; gw != nil {
		delete(s.ports, gw.ID)
	}
	rt.GatewayNet, rt.GatewayPort, rt.EnableSNAT = "", "", false
	return nil
}

func (s *networkService) updateRouter(q *nreq) (int, any, error) {
	rt, err := s.findRouter(q.project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("router", "name", "description", "admin_state_up", "external_gateway_info",
		"routes", "distributed", "ha")
	if err != nil {
		return 0, nil, err
	}
	if err := nAdminOnlyAttrs(a, "update_router", "distributed", "ha"); err != nil {
		return 0, nil, err
	}
	if err := q.checkRevision(&rt.nStdAttrs); err != nil {
		return 0, nil, err
	}
	upd := *rt
	r := a.reader()
	r.str("name", 255, &upd.Name)
	r.str("description", 255, &upd.Description)
	r.boolean("admin_state_up", &upd.AdminStateUp)
	var routes []nHostRoute
	hasRoutes := r.into("routes", &routes)
	if r.err != nil {
		return 0, nil, r.err
	}
	if hasRoutes {
		if err := s.checkRoutes(&upd, core.OrEmpty(routes)); err != nil {
			return 0, nil, err
		}
		upd.Routes = core.OrEmpty(routes)
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
func (s *networkService) routerCIDRs(rt *router) ([]netip.Prefix, []netip.Addr) {
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
func (s *networkService) checkRoutes(rt *router, routes []nHostRoute) error {
	if len(routes) > nMaxRoutes {
		return nErr(http.StatusBadRequest, "RoutesExhausted",
			"Unable to complete operation for %s. The number of routes exceeds the maximum %d.", rt.ID, nMaxRoutes)
	}
	if err := nValidateRoutes("routes", routes); err != nil {
		return err
	}
	cidrs, own := s.routerCIDRs(rt)
	for _, r := range routes {
		nh := netip.MustParseAddr(r.NextHop)
		if slices.Contains(own, nh) {
			return nInvalidRoutes(routes, "the nexthop is used by router")
		}
		if !slices.ContainsFunc(cidrs, func(p netip.Prefix) bool { return p.Contains(nh) }) {
			return nInvalidRoutes(routes, "the nexthop is not connected with router")
		}
	}
	return nil
}

func nInvalidRoutes(routes []nHostRoute, reason string) error {
	text := "["
	for i, r := range routes {
		if i > 0 {
			text += ", "
		}
		text += "{'destination': '" + r.Destination + "', 'nexthop': '" + r.NextHop + "'}"
	}
	return nErr(http.StatusBadRequest, "InvalidRoutes", "Invalid format for routes: %s], %s.", text, reason)
}

func (s *networkService) addExtraRoutes(q *nreq) (int, any, error) {
	return s.changeExtraRoutes(q, true)
}

func (s *networkService) removeExtraRoutes(q *nreq) (int, any, error) {
	return s.changeExtraRoutes(q, false)
}

// changeExtraRoutes serves extraroute-atomic's add and remove calls.
func (s *networkService) changeExtraRoutes(q *nreq, add bool) (int, any, error) {
	rt, err := s.findRouter(q.project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("router", "routes")
	if err != nil {
		return 0, nil, err
	}
	var routes []nHostRoute
	if _, err := a.into("routes", &routes); err != nil {
		return 0, nil, err
	}
	next := slices.Clone(rt.Routes)
	for _, r := range routes {
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

func (s *networkService) deleteRouter(q *nreq) (int, any, error) {
	rt, err := s.findRouter(q.project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	if len(s.interfaces(rt)) > 0 {
		return 0, nil, nErr(http.StatusConflict, "RouterInUse", "Router %s still has ports", rt.ID)
	}
	if err := s.clearGatewayLocked(rt); err != nil {
		return 0, nil, err
	}
	delete(s.routers, rt.ID)
	return http.StatusNoContent, nil, nil
}
