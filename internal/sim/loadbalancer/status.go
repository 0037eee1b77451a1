package loadbalancer

import (
	"net/http"
)

// lbStatusTree is GET /loadbalancers/{id}/status: the statuses of the
// load balancer and everything on it.
func (s *Room) lbStatusTree(q *request) (int, any, error) {
	lb, err := s.findLB(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	listeners := []map[string]any{}
	for _, l := range s.lbListeners(lb.ID) {
		pools := []map[string]any{}
		if p := s.pools[l.DefaultPool]; p != nil {
			pools = append(pools, s.poolStatus(p))
		}
		listeners = append(listeners, statusOf(&l.object, map[string]any{"pools": pools, "l7policies": []any{}}))
	}
	pools := []map[string]any{}
	for _, p := range s.lbPools(lb.ID) {
		pools = append(pools, s.poolStatus(p))
	}
	tree := statusOf(&lb.object, map[string]any{"listeners": listeners, "pools": pools})
	return http.StatusOK, map[string]any{"statuses": map[string]any{"loadbalancer": tree}}, nil
}

func statusOf(o *object, extra map[string]any) map[string]any {
	extra["id"] = o.ID
	extra["name"] = o.Name
	extra["provisioning_status"] = o.Prov
	extra["operating_status"] = o.Oper
	return extra
}

func (s *Room) poolStatus(p *pool) map[string]any {
	members := []map[string]any{}
	for _, m := range s.poolMembers(p.ID) {
		members = append(members, statusOf(&m.object, map[string]any{"address": m.Address, "protocol_port": m.Port}))
	}
	hm := map[string]any{}
	if mon := s.poolMonitor(p.ID); mon != nil {
		hm = map[string]any{"id": mon.ID, "name": mon.Name, "type": mon.Type, "provisioning_status": mon.Prov}
	}
	return statusOf(&p.object, map[string]any{"members": members, "healthmonitor": hm})
}

func (s *Room) lbStats(q *request) (int, any, error) {
	if _, err := s.findLB(q, q.id("id")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"stats": zeroStats()}, nil
}

// lbQuota is the quota document of a project.
func (s *Room) lbQuota(projectID string) map[string]any {
	n := s.c.QuotaLocked(projectID).LoadBalancers
	return map[string]any{"load_balancer": n, "loadbalancer": n, "listener": -1, "member": -1,
		"pool": -1, "health_monitor": -1, "healthmonitor": -1, "l7policy": -1, "l7rule": -1}
}

func (s *Room) getQuota(q *request) (int, any, error) {
	if q.id("id") != q.Project() {
		return 0, nil, forbiddenError()
	}
	return http.StatusOK, map[string]any{"quota": s.lbQuota(q.Project())}, nil
}

func (s *Room) quotaDefaults(q *request) (int, any, error) {
	return http.StatusOK, map[string]any{"quota": s.lbQuota(q.Project())}, nil
}

func (s *Room) listQuotas(q *request) (int, any, error) {
	doc := s.lbQuota(q.Project())
	doc["project_id"] = q.Project()
	return http.StatusOK, map[string]any{"quotas": []any{doc}, "quotas_links": []any{}}, nil
}
