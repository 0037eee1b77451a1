package sim

import (
	"slices"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Octavia's provisioning and operating statuses.
const (
	lbActive        = "ACTIVE"
	lbPendingCreate = "PENDING_CREATE"
	lbPendingUpdate = "PENDING_UPDATE"
	lbPendingDelete = "PENDING_DELETE"
	lbOnline        = "ONLINE"
	lbOffline       = "OFFLINE"
	lbNoMonitor     = "NO_MONITOR"
)

// lbObject holds what every Octavia object has.
type lbObject struct {
	ID, ProjectID, Name, Description string
	AdminStateUp                     bool
	Prov, Oper                       string
	Created, Updated                 time.Time // Updated zero: never
	Tags                             []string
}

func newLBObject(projectID string, t time.Time) lbObject {
	return lbObject{ID: core.NewID(), ProjectID: projectID, AdminStateUp: true,
		Prov: lbPendingCreate, Oper: lbOffline, Created: t}
}

// lbTime formats a time as Octavia does (no zone); zero is null.
func lbTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}

func (o *lbObject) fill(doc map[string]any) map[string]any {
	doc["id"] = o.ID
	doc["project_id"] = o.ProjectID
	doc["name"] = o.Name
	doc["description"] = o.Description
	doc["admin_state_up"] = o.AdminStateUp
	doc["provisioning_status"] = o.Prov
	doc["operating_status"] = o.Oper
	doc["created_at"] = lbTime(o.Created)
	doc["updated_at"] = lbTime(o.Updated)
	doc["tags"] = append([]string{}, o.Tags...)
	return doc
}

// apply sets the common writable attributes.
func (o *lbObject) apply(name, desc *string, admin *bool, tags *[]string) {
	if name != nil {
		o.Name = *name
	}
	if desc != nil {
		o.Description = *desc
	}
	if admin != nil {
		o.AdminStateUp = *admin
	}
	if tags != nil {
		o.Tags = slices.Clone(*tags)
	}
}

// upOrOffline is the operating status of an enabled or disabled object.
func (o *lbObject) upOrOffline() string {
	if o.AdminStateUp {
		return lbOnline
	}
	return lbOffline
}

func idRefs(ids []string) []map[string]string {
	out := make([]map[string]string, len(ids))
	for i, id := range ids {
		out[i] = map[string]string{"id": id}
	}
	return out
}

// beginChange checks that the load balancer takes changes and marks it
// and the given parents PENDING_UPDATE; the change settles after the
// cloud's delay, as the amphora driver finishes its work.
func (s *loadBalancerService) beginChange(lb *lbLoadBalancer, parents ...*lbObject) error {
	if lb.Prov != lbActive {
		return lbImmutable(lb.ID)
	}
	lb.Prov = lbPendingUpdate
	for _, p := range parents {
		p.Prov = lbPendingUpdate
	}
	id := lb.ID
	s.c.Later(1, func() { s.settleLocked(id) })
	return nil
}

// settleLocked finishes whatever the load balancer was doing: objects
// pending deletion go, all others become ACTIVE with their operating
// status.
func (s *loadBalancerService) settleLocked(lbID string) {
	lb := s.lbs[lbID]
	if lb == nil {
		return
	}
	if lb.Prov == lbPendingDelete {
		s.removeLBLocked(lb)
		return
	}
	t := s.c.Now()
	settle := func(o *lbObject, oper string) bool {
		if o.Prov == lbPendingDelete {
			return false
		}
		if o.Prov != lbActive {
			o.Prov, o.Updated = lbActive, t
		}
		o.Oper = oper
		return true
	}
	settle(&lb.lbObject, lb.upOrOffline())
	for _, l := range s.lbListeners(lbID) {
		if !settle(&l.lbObject, l.upOrOffline()) {
			s.removeListenerLocked(l)
		}
	}
	for _, p := range s.lbPools(lbID) {
		s.settlePool(p, settle)
	}
}

func (s *loadBalancerService) settlePool(p *lbPool, settle func(*lbObject, string) bool) {
	if !settle(&p.lbObject, p.upOrOffline()) {
		s.removePoolLocked(p)
		return
	}
	hm := s.poolMonitor(p.ID)
	if hm != nil && !settle(&hm.lbObject, hm.upOrOffline()) {
		delete(s.monitors, hm.ID)
		hm = nil
	}
	for _, m := range s.poolMembers(p.ID) {
		if !settle(&m.lbObject, memberOper(m, hm)) {
			delete(s.members, m.ID)
		}
	}
}

// memberOper is a member's operating status: without a health monitor
// Octavia cannot tell and says NO_MONITOR.
func memberOper(m *lbMember, hm *lbMonitor) string {
	switch {
	case !m.AdminStateUp:
		return lbOffline
	case hm == nil || !hm.AdminStateUp:
		return lbNoMonitor
	}
	return lbOnline
}
