package network

import (
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// secGroup is a Neutron security group; its rules live in
// Room.rules.
type secGroup struct {
	stdAttrs
	Name     string
	Stateful bool
}

func sgNotFound(id string) error {
	return errorf(http.StatusNotFound, "SecurityGroupNotFound", "Security group %s does not exist", id)
}

// ensureDefaultSGLocked gives a project its "default" group the first
// time it talks to Neutron: egress to anywhere, ingress from members of
// the group itself, for IPv4 and IPv6.
func (s *Room) ensureDefaultSGLocked(projectID string) {
	if projectID == "" || projectID == s.adminProject || s.defaultSG[projectID] != "" {
		return
	}
	g := &secGroup{stdAttrs: newStdAttrs(projectID, s.c.Now()), Name: "default", Stateful: true}
	g.Description = "Default security group"
	s.groups[g.ID] = g
	s.defaultSG[projectID] = g.ID
	for _, eth := range []string{"IPv4", "IPv6"} {
		s.addRuleLocked(&sgRule{GroupID: g.ID, Direction: "egress", Ethertype: eth})
		s.addRuleLocked(&sgRule{GroupID: g.ID, Direction: "ingress", Ethertype: eth, RemoteGroup: g.ID})
	}
}

func (s *Room) groupDoc(g *secGroup) map[string]any {
	var rules []map[string]any
	for _, r := range s.groupRules(g.ID) {
		rules = append(rules, s.ruleDoc(r))
	}
	return g.fill(map[string]any{
		"name":                 g.Name,
		"stateful":             g.Stateful,
		"shared":               false,
		"security_group_rules": core.OrEmpty(rules),
	}, true)
}

// groupRules are the rules of a group, oldest first.
func (s *Room) groupRules(groupID string) []*sgRule {
	var out []*sgRule
	for _, r := range s.rules {
		if r.GroupID == groupID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *sgRule) int { return a.seq - b.seq })
	return out
}

func (s *Room) findGroup(projectID, id string) (*secGroup, error) {
	g := s.groups[id]
	if g == nil || g.ProjectID != projectID {
		return nil, sgNotFound(id)
	}
	return g, nil
}

func (s *Room) listSecurityGroups(q *request) (int, any, error) {
	var docs []map[string]any
	for _, g := range s.groups {
		if g.ProjectID == q.Project() {
			docs = append(docs, s.groupDoc(g))
		}
	}
	return q.list(s.c.URL(), "security_groups", docs, sgNotFound)
}

func (s *Room) createSecurityGroup(q *request) (int, any, error) {
	a, err := q.resource("security_group", "name", "description", "stateful")
	if err != nil {
		return 0, nil, err
	}
	g := &secGroup{stdAttrs: newStdAttrs(q.Project(), s.c.Now()), Stateful: true}
	r := a.reader()
	r.str("name", 255, &g.Name)
	r.str("description", 255, &g.Description)
	r.boolean("stateful", &g.Stateful)
	if r.err != nil {
		return 0, nil, r.err
	}
	if g.Name == "default" {
		return 0, nil, errorf(http.StatusConflict, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")
	}
	if err := s.checkQuota(q.Project(), "security_group", 1); err != nil {
		return 0, nil, err
	}
	s.groups[g.ID] = g
	for _, eth := range []string{"IPv4", "IPv6"} {
		s.addRuleLocked(&sgRule{GroupID: g.ID, Direction: "egress", Ethertype: eth})
	}
	return http.StatusCreated, map[string]any{"security_group": s.groupDoc(g)}, nil
}

func (s *Room) updateSecurityGroup(q *request) (int, any, error) {
	g, err := s.findGroup(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("security_group", "name", "description", "stateful")
	if err != nil {
		return 0, nil, err
	}
	if err := q.checkRevision(&g.stdAttrs); err != nil {
		return 0, nil, err
	}
	upd := *g
	r := a.reader()
	r.str("name", 255, &upd.Name)
	r.str("description", 255, &upd.Description)
	r.boolean("stateful", &upd.Stateful)
	if r.err != nil {
		return 0, nil, r.err
	}
	isDefault := s.defaultSG[g.ProjectID] == g.ID
	if isDefault && upd.Name != "default" {
		return 0, nil, errorf(http.StatusConflict, "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.")
	}
	if !isDefault && upd.Name == "default" {
		return 0, nil, errorf(http.StatusConflict, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")
	}
	if upd.Stateful != g.Stateful && s.groupInUse(g.ID) {
		return 0, nil, errorf(http.StatusConflict, "SecurityGroupInUse", "Security Group %s in use.", g.ID)
	}
	*g = upd
	g.touch(s.c.Now())
	return http.StatusOK, map[string]any{"security_group": s.groupDoc(g)}, nil
}

func (s *Room) groupInUse(id string) bool {
	for _, p := range s.ports {
		if slices.Contains(p.SecurityGroups, id) {
			return true
		}
	}
	return false
}

func (s *Room) deleteSecurityGroup(q *request) (int, any, error) {
	g, err := s.findGroup(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	if s.defaultSG[g.ProjectID] == g.ID {
		return 0, nil, errorf(http.StatusConflict, "SecurityGroupCannotRemoveDefault",
			"Insufficient rights for removing default security group.")
	}
	if s.groupInUse(g.ID) {
		return 0, nil, errorf(http.StatusConflict, "SecurityGroupInUse", "Security Group %s in use.", g.ID)
	}
	for id, r := range s.rules {
		if r.GroupID == g.ID || r.RemoteGroup == g.ID {
			delete(s.rules, id)
			if o := s.groups[r.GroupID]; o != nil && o != g {
				o.touch(s.c.Now())
			}
		}
	}
	delete(s.groups, g.ID)
	return http.StatusNoContent, nil, nil
}
