package loadbalancer

import (
	"net/http"
	"net/netip"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// member is a member of an Octavia pool.
type member struct {
	object
	PoolID, Address, SubnetID string
	Port, Weight              int
	Backup                    bool
	MonitorAddress            string
	MonitorPort               *int
}

func (s *Room) memberDoc(m *member) map[string]any {
	var monPort any
	if m.MonitorPort != nil {
		monPort = *m.MonitorPort
	}
	return m.fill(map[string]any{
		"address":         m.Address,
		"protocol_port":   m.Port,
		"weight":          m.Weight,
		"backup":          m.Backup,
		"subnet_id":       core.StrOrNil(m.SubnetID),
		"monitor_address": core.StrOrNil(m.MonitorAddress),
		"monitor_port":    monPort,
	})
}

// findMember returns a member of the pool in the path, with the pool's
// load balancer.
func (s *Room) findMember(q *request) (*member, *pool, *loadBalancer, error) {
	p, lb, err := s.findPool(q, q.id("id"))
	if err != nil {
		return nil, nil, nil, err
	}
	id := q.id("member")
	m := s.members[id]
	if m == nil || m.PoolID != p.ID {
		return nil, nil, nil, notFound("Member", id)
	}
	return m, p, lb, nil
}

func (s *Room) listMembers(q *request) (int, any, error) {
	p, _, err := s.findPool(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	var docs []document
	for _, m := range s.poolMembers(p.ID) {
		docs = append(docs, document{doc: s.memberDoc(m)})
	}
	return q.list(s.c.URL(), "members", docs)
}

func (s *Room) getMember(q *request) (int, any, error) {
	m, _, _, err := s.findMember(q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"member": s.memberDoc(m)}, nil
}

// memberBody is the body of member create and update.
type memberBody struct {
	Name           *string   `json:"name"`
	Address        string    `json:"address"`
	ProtocolPort   *int      `json:"protocol_port"`
	Weight         *int      `json:"weight"`
	Backup         *bool     `json:"backup"`
	SubnetID       string    `json:"subnet_id"`
	MonitorAddress *string   `json:"monitor_address"`
	MonitorPort    *int      `json:"monitor_port"`
	AdminStateUp   *bool     `json:"admin_state_up"`
	ProjectID      *string   `json:"project_id"`
	Tags           *[]string `json:"tags"`
}

func (s *Room) createMember(q *request) (int, any, error) {
	p, lb, err := s.findPool(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	var b memberBody
	if err := q.decode("member", &b); err != nil {
		return 0, nil, err
	}
	if err := q.checkProject(b.ProjectID); err != nil {
		return 0, nil, err
	}
	m, err := s.newMember(q, p, b)
	if err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object)...); err != nil {
		return 0, nil, err
	}
	s.members[m.ID] = m
	return http.StatusCreated, map[string]any{"member": s.memberDoc(m)}, nil
}

// newMember validates a create body into a member not stored yet.
func (s *Room) newMember(q *request, p *pool, b memberBody) (*member, error) {
	addr, err := netip.ParseAddr(b.Address)
	if err != nil {
		return nil, invalidField("address", b.Address, "Value should be IPv4 or IPv6 format")
	}
	if b.ProtocolPort == nil || *b.ProtocolPort < 1 || *b.ProtocolPort > 65535 {
		return nil, invalidField("protocol_port", intOrEmpty(b.ProtocolPort), "Value should be between 1 and 65535")
	}
	if b.SubnetID != "" && !s.network.SubnetVisibleLocked(q.Project(), b.SubnetID) {
		return nil, errorf(http.StatusBadRequest, "Subnet %s not found.", b.SubnetID)
	}
	for _, o := range s.poolMembers(p.ID) {
		if o.Address == addr.String() && o.Port == *b.ProtocolPort && o.Prov != statusPendingDelete {
			return nil, errorf(http.StatusConflict, "Another member on this pool is already using ip %s on protocol_port %d", addr, *b.ProtocolPort)
		}
	}
	m := &member{object: newObject(q.Project(), s.c.Now()), PoolID: p.ID, Address: addr.String(),
		SubnetID: b.SubnetID, Port: *b.ProtocolPort, Weight: 1}
	m.Oper = statusNoMonitor
	if s.poolMonitor(p.ID) != nil {
		m.Oper = statusOffline
	}
	return m, applyMember(m, b)
}

// applyMember applies the writable attributes of a body.
func applyMember(m *member, b memberBody) error {
	m.apply(b.Name, nil, b.AdminStateUp, b.Tags)
	if b.Weight != nil {
		if *b.Weight < 0 || *b.Weight > 256 {
			return invalidField("weight", *b.Weight, "Value should be between 0 and 256")
		}
		m.Weight = *b.Weight
	}
	if b.Backup != nil {
		m.Backup = *b.Backup
	}
	if b.MonitorAddress != nil {
		if _, err := netip.ParseAddr(*b.MonitorAddress); err != nil && *b.MonitorAddress != "" {
			return invalidField("monitor_address", *b.MonitorAddress, "Value should be IPv4 or IPv6 format")
		}
		m.MonitorAddress = *b.MonitorAddress
	}
	if b.MonitorPort != nil {
		mp := *b.MonitorPort
		m.MonitorPort = &mp
	}
	return nil
}

func (s *Room) updateMember(q *request) (int, any, error) {
	m, p, lb, err := s.findMember(q)
	if err != nil {
		return 0, nil, err
	}
	var b memberBody
	if err := q.decode("member", &b); err != nil {
		return 0, nil, err
	}
	if b.Address != "" || b.ProtocolPort != nil || b.SubnetID != "" {
		return 0, nil, errorf(http.StatusBadRequest, "Invalid input for field/attribute member. Unknown attribute for argument member: address, protocol_port and subnet_id cannot be changed")
	}
	if lb.Prov != statusActive {
		return 0, nil, immutable(lb.ID)
	}
	upd := *m
	if err := applyMember(&upd, b); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object, &m.object)...); err != nil {
		return 0, nil, err
	}
	prov := m.Prov
	*m = upd
	m.Prov, m.Updated = prov, s.c.Now()
	return http.StatusOK, map[string]any{"member": s.memberDoc(m)}, nil
}

func (s *Room) deleteMember(q *request) (int, any, error) {
	m, p, lb, err := s.findMember(q)
	if err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object)...); err != nil {
		return 0, nil, err
	}
	m.Prov = statusPendingDelete
	return http.StatusNoContent, nil, nil
}
