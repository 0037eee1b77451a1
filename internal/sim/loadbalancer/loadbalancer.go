// Package loadbalancer is the simulator's Octavia v2 room (amphora
// provider): load balancers, listeners, pools, members and health
// monitors, whose provisioning settles asynchronously.
package loadbalancer

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Room is Octavia v2 with the amphora provider: load
// balancers, listeners, pools, members and health monitors, whose
// provisioning settles asynchronously.
type Room struct {
	c         *core.Cloud
	network   Network
	lbs       map[string]*loadBalancer
	listeners map[string]*listener
	pools     map[string]*pool
	members   map[string]*member
	monitors  map[string]*monitor
}

// Network is what Octavia needs of Neutron: the VIP ports of load
// balancers and the subnets of members.
type Network interface {
	// VIPPortLocked finds or creates the VIP port of a load balancer;
	// errors are *core.APIError.
	VIPPortLocked(projectID, lbID string, req core.VIPRequest) (core.VIPPort, error)
	DeleteVIPPortLocked(portID string)
	SubnetVisibleLocked(projectID, id string) bool
}

// New makes the Octavia room of a cloud.
func New(c *core.Cloud, network Network) *Room {
	return &Room{c: c, network: network,
		lbs:       map[string]*loadBalancer{},
		listeners: map[string]*listener{},
		pools:     map[string]*pool{},
		members:   map[string]*member{},
		monitors:  map[string]*monitor{},
	}
}

// Prefix is the room's path prefix.
func (s *Room) Prefix() string { return "load-balancer" }

// Style is Octavia's error style.
func (s *Room) Style() core.ErrorStyle { return core.OctaviaErrors }

// Routes registers Octavia's handlers.
func (s *Room) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /load-balancer", s.versions)
	mux.HandleFunc("GET /load-balancer/{$}", s.versions)
	mux.HandleFunc("GET /load-balancer/v2", s.version)
	mux.HandleFunc("GET /load-balancer/v2/{$}", s.version)
	mux.HandleFunc("GET /load-balancer/v2.0", s.version)
	mux.HandleFunc("GET /load-balancer/v2.0/{$}", s.version)
	mux.HandleFunc("/load-balancer/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, "The resource could not be found."))
	})
	s.routeLBs(mux)
	s.routeListeners(mux)
	s.routePools(mux)
	s.routeMonitors(mux)
	s.routeMeta(mux)
}

func (s *Room) routeLBs(mux *http.ServeMux) {
	s.handle(mux, "GET", "/loadbalancers", s.listLBs)
	s.handle(mux, "POST", "/loadbalancers", s.createLB)
	s.handle(mux, "GET", "/loadbalancers/{id}", s.getLB)
	s.handle(mux, "PUT", "/loadbalancers/{id}", s.updateLB)
	s.handle(mux, "DELETE", "/loadbalancers/{id}", s.deleteLB)
	s.handle(mux, "GET", "/loadbalancers/{id}/status", s.lbStatusTree)
	s.handle(mux, "GET", "/loadbalancers/{id}/stats", s.lbStats)
}

func (s *Room) routeListeners(mux *http.ServeMux) {
	s.handle(mux, "GET", "/listeners", s.listListeners)
	s.handle(mux, "POST", "/listeners", s.createListener)
	s.handle(mux, "GET", "/listeners/{id}", s.getListener)
	s.handle(mux, "PUT", "/listeners/{id}", s.updateListener)
	s.handle(mux, "DELETE", "/listeners/{id}", s.deleteListener)
	s.handle(mux, "GET", "/listeners/{id}/stats", s.listenerStats)
}

func (s *Room) routePools(mux *http.ServeMux) {
	s.handle(mux, "GET", "/pools", s.listPools)
	s.handle(mux, "POST", "/pools", s.createPool)
	s.handle(mux, "GET", "/pools/{id}", s.getPool)
	s.handle(mux, "PUT", "/pools/{id}", s.updatePool)
	s.handle(mux, "DELETE", "/pools/{id}", s.deletePool)
	s.handle(mux, "GET", "/pools/{id}/members", s.listMembers)
	s.handle(mux, "POST", "/pools/{id}/members", s.createMember)
	s.handle(mux, "GET", "/pools/{id}/members/{member}", s.getMember)
	s.handle(mux, "PUT", "/pools/{id}/members/{member}", s.updateMember)
	s.handle(mux, "DELETE", "/pools/{id}/members/{member}", s.deleteMember)
}

func (s *Room) routeMonitors(mux *http.ServeMux) {
	s.handle(mux, "GET", "/healthmonitors", s.listMonitors)
	s.handle(mux, "POST", "/healthmonitors", s.createMonitor)
	s.handle(mux, "GET", "/healthmonitors/{id}", s.getMonitor)
	s.handle(mux, "PUT", "/healthmonitors/{id}", s.updateMonitor)
	s.handle(mux, "DELETE", "/healthmonitors/{id}", s.deleteMonitor)
}

func (s *Room) routeMeta(mux *http.ServeMux) {
	s.handle(mux, "GET", "/quotas", s.listQuotas)
	s.handle(mux, "GET", "/quotas/defaults", s.quotaDefaults)
	s.handle(mux, "GET", "/quotas/{id}", s.getQuota)
	s.handle(mux, "GET", "/providers", s.listProviders)
	s.handle(mux, "GET", "/flavors", s.emptyList("flavors"))
	s.handle(mux, "GET", "/flavorprofiles", s.forbidden)
	s.handle(mux, "GET", "/availabilityzones", s.emptyList("availability_zones"))
	s.handle(mux, "GET", "/l7policies", s.emptyList("l7policies"))
}

// SeedLocked: the provider offers the amphora provider without flavors
// or availability zones; there is nothing to create.
func (s *Room) SeedLocked() error { return nil }

// apiVersions are the API versions Zed's Octavia announces.
const maxMinor = 26

func (s *Room) versionDocs() []map[string]any {
	var out []map[string]any
	for minor := 0; minor <= maxMinor; minor++ {
		status := "SUPPORTED"
		if minor == maxMinor {
			status = "CURRENT"
		}
		out = append(out, map[string]any{"id": fmt.Sprintf("v2.%d", minor), "status": status,
			"updated": "2022-09-01T00:00:00Z",
			"links":   []map[string]string{{"rel": "self", "href": s.c.URL() + "/load-balancer/v2"}}})
	}
	return out
}

func (s *Room) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"versions": s.versionDocs()})
}

func (s *Room) version(w http.ResponseWriter, r *http.Request) {
	docs := s.versionDocs()
	core.WriteJSON(w, http.StatusOK, map[string]any{"versions": docs[len(docs)-1:]})
}

func (s *Room) emptyList(plural string) handler {
	return func(q *request) (int, any, error) {
		return http.StatusOK, map[string]any{plural: []any{}, plural + "_links": []any{}}, nil
	}
}

func (s *Room) forbidden(q *request) (int, any, error) { return 0, nil, forbiddenError() }

func (s *Room) listProviders(q *request) (int, any, error) {
	return http.StatusOK, map[string]any{"providers": []map[string]string{
		{"name": "amphora", "description": "The Octavia Amphora driver."},
		{"name": "octavia", "description": "Deprecated alias of the Octavia Amphora driver."},
	}}, nil
}

// sorted returns the objects of a map that pass keep, by creation.
func sorted[T any](m map[string]*T, obj func(*T) *object, keep func(*T) bool) []*T {
	var out []*T
	for _, v := range m {
		if keep(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *T) int {
		if c := obj(a).Created.Compare(obj(b).Created); c != 0 {
			return c
		}
		return strings.Compare(obj(a).ID, obj(b).ID)
	})
	return out
}

func (s *Room) lbListeners(lbID string) []*listener {
	return sorted(s.listeners, func(l *listener) *object { return &l.object },
		func(l *listener) bool { return l.LBID == lbID })
}

func (s *Room) lbPools(lbID string) []*pool {
	return sorted(s.pools, func(p *pool) *object { return &p.object },
		func(p *pool) bool { return p.LBID == lbID })
}

func (s *Room) poolMembers(poolID string) []*member {
	return sorted(s.members, func(m *member) *object { return &m.object },
		func(m *member) bool { return m.PoolID == poolID })
}

func (s *Room) poolMonitor(poolID string) *monitor {
	for _, hm := range s.monitors {
		if hm.PoolID == poolID {
			return hm
		}
	}
	return nil
}

// removeLBLocked deletes a load balancer with all its objects and the
// VIP port Octavia made for it.
func (s *Room) removeLBLocked(lb *loadBalancer) {
	for _, l := range s.lbListeners(lb.ID) {
		s.removeListenerLocked(l)
	}
	for _, p := range s.lbPools(lb.ID) {
		s.removePoolLocked(p)
	}
	if lb.VIP.Owned {
		s.network.DeleteVIPPortLocked(lb.VIP.PortID)
	}
	delete(s.lbs, lb.ID)
}

func (s *Room) removeListenerLocked(l *listener) {
	delete(s.listeners, l.ID)
}

// removePoolLocked deletes a pool with its members and health monitor
// and takes it off the listeners that used it.
func (s *Room) removePoolLocked(p *pool) {
	for _, m := range s.poolMembers(p.ID) {
		delete(s.members, m.ID)
	}
	if hm := s.poolMonitor(p.ID); hm != nil {
		delete(s.monitors, hm.ID)
	}
	for _, l := range s.listeners {
		if l.DefaultPool == p.ID {
			l.DefaultPool = ""
		}
	}
	delete(s.pools, p.ID)
}
