package network

import (
	"net/http"
)

// quotaLimits are the Neutron quotas of a project, by Neutron's resource
// names; -1 is unlimited.
func (s *Room) quotaLimits(projectID string) map[string]int {
	q := s.c.QuotaLocked(projectID)
	return map[string]int{
		"network": q.Networks, "subnet": q.Subnets, "subnetpool": -1, "port": q.Ports,
		"router": q.Routers, "floatingip": q.FloatingIPs, "security_group": q.SecurityGroups,
		"security_group_rule": q.SecurityGroupRules, "rbac_policy": 10,
	}
}

// quotaUsage counts what the project owns.
func (s *Room) quotaUsage(projectID string) map[string]int {
	used := map[string]int{}
	count := func(res, owner string) {
		if owner == projectID {
			used[res]++
		}
	}
	for _, n := range s.networks {
		count("network", n.ProjectID)
	}
	for _, sn := range s.subnets {
		count("subnet", sn.ProjectID)
	}
	for _, p := range s.ports {
		count("port", p.ProjectID)
	}
	for _, rt := range s.routers {
		count("router", rt.ProjectID)
	}
	for _, f := range s.fips {
		count("floatingip", f.ProjectID)
	}
	for _, g := range s.groups {
		count("security_group", g.ProjectID)
	}
	for _, r := range s.rules {
		count("security_group_rule", r.ProjectID)
	}
	return used
}

// checkQuota refuses to create n more of a resource beyond the quota.
func (s *Room) checkQuota(projectID, resource string, n int) error {
	limit := s.quotaLimits(projectID)[resource]
	if limit >= 0 && s.quotaUsage(projectID)[resource]+n > limit {
		return errorf(http.StatusConflict, "OverQuota", "Quota exceeded for resources: ['%s'].", resource)
	}
	return nil
}

// quotaProject is the project a quota call names; only one's own.
func (q *request) quotaProject() (string, error) {
	p := q.R.PathValue("project")
	if p != q.Project() {
		return "", errorf(http.StatusForbidden, "HTTPForbidden", "Non-admin is not authorized to access quotas for another project")
	}
	return p, nil
}

func (s *Room) getQuota(q *request) (int, any, error) {
	p, err := q.quotaProject()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"quota": s.quotaLimits(p)}, nil
}

func (s *Room) getQuotaDefault(q *request) (int, any, error) {
	return s.getQuota(q)
}

func (s *Room) getQuotaDetails(q *request) (int, any, error) {
	p, err := q.quotaProject()
	if err != nil {
		return 0, nil, err
	}
	used := s.quotaUsage(p)
	out := map[string]any{}
	for res, limit := range s.quotaLimits(p) {
		out[res] = map[string]int{"limit": limit, "used": used[res], "reserved": 0}
	}
	return http.StatusOK, map[string]any{"quota": out}, nil
}

func adminRequired() error {
	return errorf(http.StatusForbidden, "AdminRequired", "User does not have admin privileges: Only admin can view or configure quota.")
}

func (s *Room) listQuotas(q *request) (int, any, error) { return 0, nil, adminRequired() }

func (s *Room) updateQuota(q *request) (int, any, error) { return 0, nil, adminRequired() }
