package loadbalancer

import (
	"slices"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Octavia's provisioning and operating statuses.
const (
	statusActive        = "ACTIVE"
	statusPendingCreate = "PENDING_CREATE"
	statusPendingUpdate = "PENDING_UPDATE"
	statusPendingDelete = "PENDING_DELETE"
	statusOnline        = "ONLINE"
	statusOffline       = "OFFLINE"
	statusNoMonitor     = "NO_MONITOR"
)

// object holds what every Octavia object has.
type object struct {
	ID, ProjectID, Name, Description string
	AdminStateUp                     bool
	Prov, Oper                       string
	Created, Updated                 time.Time // Updated zero: never
	Tags                             []string
}

func newObject(projectID string, t time.Time) object {
	return object{ID: core.NewID(), ProjectID: projectID, AdminStateUp: true,
		Prov: statusPendingCreate, Oper: statusOffline, Created: t}
}

// timeOf formats a time as Octavia does (no zone); zero is null.
func timeOf(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}

func (o *object) fill(doc map[string]any) map[string]any {
	doc["id"] = o.ID
	doc["project_id"] = o.ProjectID
	doc["name"] = o.Name
	doc["description"] = o.Description
	doc["admin_state_up"] = o.AdminStateUp
	doc["provisioning_status"] = o.Prov
	doc["operating_status"] = o.Oper
	doc["created_at"] = timeOf(o.Created)
	doc["updated_at"] = timeOf(o.Updated)
	doc["tags"] = append([]string{}, o.Tags...)
	return doc
}

// apply sets the common writable attributes.
func (o *object) apply(name, desc *string, admin *bool, tags *[]string) {
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
func (o *object) upOrOffline() string {
	if o.AdminStateUp {
		return statusOnline
	}
	return statusOffline
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
func (s *Room) beginChange(lb *loadBalancer, parents ...*object) error {
	if lb.Prov != statusActive {
		return immutable(lb.ID)
	}
	lb.Prov = statusPendingUpdate
	for _, p := range parents {
		p.Prov = statusPendingUpdate
	}
	id := lb.ID
	s.c.Later(1, func() { s.settleLocked(id) })
	return nil
}

// settleLocked finishes whatever the load balancer was doing: objects
// pending deletion go, all others become ACTIVE with their operating
// status.
func (s *Room) settleLocked(lbID string) {
	lb := s.lbs[lbID]
	if lb == nil {
		return
	}
	if lb.Prov == statusPendingDelete {
		s.removeLBLocked(lb)
		return
	}
	t := s.c.Now()
	settle := func(o *object, oper string) bool {
		if o.Prov == statusPendingDelete {
			return false
		}
		if o.Prov != statusActive {
			o.Prov, o.Updated = statusActive, t
		}
		o.Oper = oper
		return true
	}
	settle(&lb.object, lb.upOrOffline())
	for _, l := range s.lbListeners(lbID) {
		if !settle(&l.object, l.upOrOffline()) {
			s.removeListenerLocked(l)
		}
	}
	for _, p := range s.lbPools(lbID) {
		s.settlePool(p, settle)
	}
}

func (s *Room) settlePool(p *pool, settle func(*object, string) bool) {
	if !settle(&p.object, p.upOrOffline()) {
		s.removePoolLocked(p)
		return
	}
	hm := s.poolMonitor(p.ID)
	if hm != nil && !settle(&hm.object, hm.upOrOffline()) {
		delete(s.monitors, hm.ID)
		hm = nil
	}
	for _, m := range s.poolMembers(p.ID) {
		if !settle(&m.object, memberOper(m, hm)) {
			delete(s.members, m.ID)
		}
	}
}

// memberOper is a member's operating status: without a health monitor
// Octavia cannot tell and says NO_MONITOR.
func memberOper(m *member, hm *monitor) string {
	switch {
	case !m.AdminStateUp:
		return statusOffline
	case hm == nil || !hm.AdminStateUp:
		return statusNoMonitor
	}
	return statusOnline
}
