package compute

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// serverGroup is a Nova server group; Members are server IDs.
type serverGroup struct {
	ID, Name, Policy  string
	ProjectID, UserID string
	MaxServerPerHost  int // rules of anti-affinity, 0 if unset
	Members           []string
	seq               int
}

// maxServerGroupMembers is Nova's server_group_members quota default.
const maxServerGroupMembers = 10

func (s *Room) routeServerGroups(mux *http.ServeMux) {
	s.handle(mux, "GET", "/os-server-groups", s.listServerGroups)
	s.handle(mux, "POST", "/os-server-groups", s.createServerGroup)
	s.handle(mux, "GET", "/os-server-groups/{id}", s.getServerGroup)
	s.handle(mux, "DELETE", "/os-server-groups/{id}", s.deleteServerGroup)
}

func (s *Room) serverGroupBody(g *serverGroup, v microversion) map[string]any {
	b := map[string]any{"id": g.ID, "name": g.Name, "members": append([]string{}, g.Members...)}
	if v >= 13 {
		b["project_id"], b["user_id"] = g.ProjectID, g.UserID
	}
	if v >= 64 {
		rules := map[string]any{}
		if g.MaxServerPerHost > 0 {
			rules["max_server_per_host"] = g.MaxServerPerHost
		}
		b["policy"], b["rules"] = g.Policy, rules
	} else {
		b["policies"], b["metadata"] = []string{g.Policy}, map[string]string{}
	}
	return b
}

// projectGroupsLocked lists the project's groups in creation order.
func (s *Room) projectGroupsLocked(projectID string) []*serverGroup {
	var out []*serverGroup
	for _, g := range s.groups {
		if g.ProjectID == projectID {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b *serverGroup) int { return a.seq - b.seq })
	return out
}

func (s *Room) listServerGroups(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	offset, ok1 := intParam(w, r, "offset")
	limit, ok2 := intParam(w, r, "limit")
	if !ok1 || !ok2 {
		return
	}
	if r.URL.Query().Get("limit") == "" {
		limit = maxLimit
	}
	s.c.Lock()
	defer s.c.Unlock()
	groups := s.projectGroupsLocked(tok.ProjectID)
	groups = groups[min(offset, len(groups)):]
	groups = groups[:min(limit, len(groups))]
	out := make([]map[string]any, 0, len(groups))
	for _, g := range groups {
		out = append(out, s.serverGroupBody(g, v))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"server_groups": out})
}

type serverGroupRequest struct {
	ServerGroup *struct {
		Name     string          `json:"name"`
		Policies []string        `json:"policies"`
		Policy   string          `json:"policy"`
		Rules    json.RawMessage `json:"rules"`
	} `json:"server_group"`
}

func (s *Room) createServerGroup(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req serverGroupRequest
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	g, msg := parseServerGroup(req, v)
	if msg != "" {
		core.NovaErrors.Write(w, http.StatusBadRequest, msg)
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	if len(s.projectGroupsLocked(tok.ProjectID)) >= s.c.QuotaLocked(tok.ProjectID).ServerGroups {
		core.NovaErrors.Write(w, http.StatusForbidden, "Quota exceeded, too many server groups.")
		return
	}
	g.ID, g.ProjectID, g.UserID = core.NewID(), tok.ProjectID, tok.UserID
	s.seq++
	g.seq = s.seq
	s.groups[g.ID] = g
	core.WriteJSON(w, http.StatusOK, map[string]any{"server_group": s.serverGroupBody(g, v)})
}

// parseServerGroup validates a create request as Nova's schema for the
// microversion does: "policies" (one item) before 2.64, "policy" and
// "rules" from 2.64 on.
func parseServerGroup(req serverGroupRequest, v microversion) (*serverGroup, string) {
	sg := req.ServerGroup
	if sg == nil {
		return nil, "Invalid input for field/attribute server_group. Value: None. 'server_group' is a required property"
	}
	if sg.Name == "" || len(sg.Name) > 255 {
		return nil, fmt.Sprintf("Invalid input for field/attribute name. Value: %s. '%s' is too short", sg.Name, sg.Name)
	}
	g := &serverGroup{Name: sg.Name, Policy: sg.Policy}
	if v < 64 {
		if len(sg.Policies) != 1 {
			return nil, "Invalid input for field/attribute policies. 'policies' must contain exactly one policy"
		}
		g.Policy = sg.Policies[0]
	} else if sg.Policies != nil {
		return nil, "Invalid input for field/attribute server_group. Additional properties are not allowed ('policies' was unexpected)"
	}
	allowed := []string{"anti-affinity", "affinity"}
	if v >= 15 {
		allowed = append(allowed, "soft-anti-affinity", "soft-affinity")
	}
	if !slices.Contains(allowed, g.Policy) {
		return nil, fmt.Sprintf("Invalid input for field/attribute policy. Value: %s. '%s' is not one of %q", g.Policy, g.Policy, allowed)
	}
	return g, parseGroupRules(g, sg.Rules)
}

func parseGroupRules(g *serverGroup, raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var rules map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rules); err != nil {
		return "Invalid input for field/attribute rules. Value: " + string(raw) + ". It is not of type 'object'"
	}
	if len(rules) == 0 {
		return ""
	}
	if g.Policy != "anti-affinity" {
		return "Only anti-affinity policy supports rules."
	}
	n, err := strconv.Atoi(string(rules["max_server_per_host"]))
	if len(rules) != 1 || err != nil || n < 1 {
		return "Invalid input for field/attribute rules. Value: " + string(raw) + ". Only max_server_per_host (a positive integer) is supported"
	}
	g.MaxServerPerHost = n
	return ""
}

// serverGroupLocked finds the project's group, writing Nova's 404.
func (s *Room) serverGroupLocked(w http.ResponseWriter, projectID, id string) (*serverGroup, bool) {
	g, ok := s.groups[id]
	if !ok || g.ProjectID != projectID {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Instance group %s could not be found.", id))
		return nil, false
	}
	return g, true
}

func (s *Room) getServerGroup(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	if g, ok := s.serverGroupLocked(w, tok.ProjectID, r.PathValue("id")); ok {
		core.WriteJSON(w, http.StatusOK, map[string]any{"server_group": s.serverGroupBody(g, v)})
	}
}

func (s *Room) deleteServerGroup(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	g, ok := s.serverGroupLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok {
		return
	}
	delete(s.groups, g.ID)
	for _, id := range g.Members {
		if srv := s.servers[id]; srv != nil && srv.Group == g.ID {
			srv.Group = ""
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkGroupLocked checks the scheduler hint "group" of a new server: the
// group must exist and have room (server_group_members quota).
func (s *Room) checkGroupLocked(projectID, groupID string) (int, string) {
	g, ok := s.groups[groupID]
	if !ok || g.ProjectID != projectID {
		return http.StatusBadRequest, fmt.Sprintf("Instance group %s could not be found.", groupID)
	}
	if len(g.Members) >= maxServerGroupMembers {
		return http.StatusForbidden, "Quota exceeded, too many servers in group"
	}
	return 0, ""
}

// leaveGroupLocked removes a deleted server from its group.
func (s *Room) leaveGroupLocked(groupID, serverID string) {
	if g := s.groups[groupID]; g != nil {
		g.Members = slices.DeleteFunc(g.Members, func(id string) bool { return id == serverID })
	}
}
