package compute

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeLimits(mux *http.ServeMux) {
	s.handle(mux, "GET", "/limits", s.getLimits)
	s.handle(mux, "GET", "/os-quota-sets/{project}", s.getQuotaSet(false, false))
	s.handle(mux, "GET", "/os-quota-sets/{project}/detail", s.getQuotaSet(true, false))
	s.handle(mux, "GET", "/os-quota-sets/{project}/defaults", s.getQuotaSet(false, true))
}

// quota is one Nova quota: its limit and what the project uses.
type quota struct {
	name         string
	limit, inUse int
	until        microversion // shown before this version (0: always)
}

// quotaUsesLocked are the Nova quotas of the caller's project at
// microversion v; keypairs count per user, as in Nova.
func (s *Room) quotaUsesLocked(tok *core.Token, v microversion, defaults bool) []quota {
	projectID := tok.ProjectID
	q := s.c.QuotaLocked(projectID)
	if defaults {
		q = s.c.Profile().FilledQuotas()
	}
	instances, cores, ram := s.usageLocked(projectID)
	keypairs, members := len(s.userKeypairsLocked(tok.UserID)), 0
	groups := s.projectGroupsLocked(projectID)
	for _, g := range groups {
		members += len(g.Members)
	}
	all := []quota{
		{name: "cores", limit: q.Cores, inUse: cores},
		{name: "instances", limit: q.Instances, inUse: instances},
		{name: "ram", limit: q.RAMMiB, inUse: ram},
		{name: "key_pairs", limit: q.KeyPairs, inUse: keypairs},
		{name: "metadata_items", limit: maxServerMeta},
		{name: "server_groups", limit: q.ServerGroups, inUse: len(groups)},
		{name: "server_group_members", limit: maxServerGroupMembers, inUse: members},
		{name: "injected_files", limit: 5, until: 57},
		{name: "injected_file_content_bytes", limit: 10240, until: 57},
		{name: "injected_file_path_bytes", limit: 255, until: 57},
		{name: "fixed_ips", limit: -1, until: 36},
		{name: "floating_ips", limit: q.FloatingIPs, until: 36},
		{name: "security_groups", limit: q.SecurityGroups, until: 36},
		{name: "security_group_rules", limit: q.SecurityGroupRules, until: 36},
		{name: "networks", limit: q.Networks, until: 36},
	}
	var out []quota
	for _, u := range all {
		if u.until == 0 || v < u.until {
			out = append(out, u)
		}
	}
	return out
}

// getQuotaSet shows the caller's own project quotas; another project's
// are refused by Nova's default policy.
func (s *Room) getQuotaSet(detail, defaults bool) handler {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
		project := r.PathValue("project")
		if project != tok.ProjectID {
			core.NovaErrors.Write(w, http.StatusForbidden, "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.")
			return
		}
		s.c.Lock()
		defer s.c.Unlock()
		set := map[string]any{"id": project}
		for _, u := range s.quotaUsesLocked(tok, v, defaults) {
			if detail {
				set[u.name] = map[string]int{"limit": u.limit, "in_use": u.inUse, "reserved": 0}
			} else {
				set[u.name] = u.limit
			}
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"quota_set": set})
	}
}

// getLimits is GET /limits: the absolute limits and their usage.
func (s *Room) getLimits(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	use := map[string]quota{}
	for _, u := range s.quotaUsesLocked(tok, v, false) {
		use[u.name] = u
	}
	abs := map[string]int{
		"maxTotalInstances": use["instances"].limit, "totalInstancesUsed": use["instances"].inUse,
		"maxTotalCores": use["cores"].limit, "totalCoresUsed": use["cores"].inUse,
		"maxTotalRAMSize": use["ram"].limit, "totalRAMUsed": use["ram"].inUse,
		"maxTotalKeypairs": use["key_pairs"].limit, "maxServerMeta": maxServerMeta, "maxImageMeta": maxServerMeta,
		"maxServerGroups": use["server_groups"].limit, "totalServerGroupsUsed": use["server_groups"].inUse,
		"maxServerGroupMembers": maxServerGroupMembers,
	}
	if v < 57 {
		abs["maxPersonality"], abs["maxPersonalitySize"] = 5, 10240
	}
	if v < 36 {
		abs["maxSecurityGroups"], abs["maxSecurityGroupRules"] = use["security_groups"].limit, use["security_group_rules"].limit
		abs["maxTotalFloatingIps"], abs["totalFloatingIpsUsed"], abs["totalSecurityGroupsUsed"] = use["floating_ips"].limit, 0, 0
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"limits": map[string]any{"absolute": abs, "rate": []any{}}})
}
