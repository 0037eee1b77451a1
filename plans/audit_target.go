package plans

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// fromPlan rates every resource by what the plan does with it.
func (r *Report) fromPlan(p *Plan) {
	r.Preflight = p.Preflight
	for _, c := range p.Preflight {
		if !c.OK && strings.HasPrefix(c.Name, "quota ") {
			r.QuotaShortfalls = append(r.QuotaShortfalls, c)
		}
	}
	r.Warnings = nonNil(slices.Clone(p.Warnings))
	a := newPlanAssessor(p)
	r.Items = append(r.Items, a.serviceItems()...)
	r.Items = append(r.Items, a.mappingItems()...)
	r.Items = append(r.Items, a.serverItems()...)
	r.Items = append(r.Items, a.volumeItems()...)
	r.Items = append(r.Items, a.rebuiltItems()...)
}

// planAssessor answers what a plan does with each resource.
type planAssessor struct {
	ix      *inventory.Index // made on first use
	p       *Plan
	inv     *inventory.Document
	blocked map[string]string   // "kind/id" → reason
	clashes map[string][]string // item kind → names taken
	flavors map[string]Mapping  // by source ID and "name:"+name
	types   map[string]Mapping  // by source type name
	names   map[string]string   // step ID → step name
}

func newPlanAssessor(p *Plan) *planAssessor {
	a := &planAssessor{p: p, inv: p.Inventory, blocked: map[string]string{}, clashes: map[string][]string{},
		flavors: map[string]Mapping{}, types: map[string]Mapping{}, names: map[string]string{}}
	for _, s := range p.Steps {
		a.names[s.ID] = s.Name
	}
	if a.inv == nil {
		a.inv = &inventory.Document{}
	}
	for _, f := range p.Blocked {
		a.blocked[f.Kind+"/"+f.SourceID] = f.Reason
	}
	for _, c := range p.Preflight {
		if kind := clashItemKind(c.Name); kind != "" && !c.OK {
			a.clashes[kind] = append(a.clashes[kind], c.Subjects...)
		}
	}
	for _, m := range p.Mappings.Flavors {
		a.flavors[m.SourceID], a.flavors["name:"+m.SourceName] = m, m
	}
	for _, m := range p.Mappings.VolumeTypes {
		a.types[m.SourceName] = m
	}
	return a
}

// item rates one resource: a block overrides its own status, a name
// already taken in the target project makes it a change.
func (a *planAssessor) item(kind, id, name string, st Status, target, reason string) Item {
	if why, ok := a.blocked[kind+"/"+id]; ok {
		return Item{Kind: kind, SourceID: id, Name: name, Status: StatusBlocked, Reason: why}
	}
	if slices.Contains(a.clashes[kind], name) {
		st, reason = worse(st, StatusChange), reason+"; the name is already taken in the target project"
	}
	return Item{Kind: kind, SourceID: id, Name: name, Status: st, Target: target, Reason: reason}
}

func (a *planAssessor) serviceItems() []Item {
	var items []Item
	for _, c := range a.p.Preflight {
		name, ok := strings.CutPrefix(c.Name, "service ")
		if !ok {
			continue
		}
		st := StatusPortable
		switch {
		case !c.OK && isMandatoryService(name):
			st = StatusBlocked // what needs it cannot be rebuilt
		case !c.OK:
			st = StatusChange // a feature is lost: encryption, DNS names, …
		}
		items = append(items, Item{Kind: "service", Name: name, Status: st, Reason: c.Detail})
	}
	return items
}

func (a *planAssessor) mappingItems() []Item {
	m := a.p.Mappings
	var items []Item
	for _, x := range concat(m.Flavors, m.Images, m.VolumeTypes, m.ExternalNetworks, m.AvailabilityZones, m.ClusterClasses) {
		st := mappingStatus(x)
		reason := x.Rule + ": " + mappingReason(x)
		if st == StatusBlocked {
			reason = x.Reason
		}
		items = append(items, Item{Kind: x.Kind, SourceID: x.SourceID, Name: x.SourceName, Status: st, Target: x.TargetName, Reason: reason})
	}
	return items
}

// mappingStatus rates one mapping decision.
func mappingStatus(m Mapping) Status {
	switch {
	case m.Action == "blocked":
		return StatusBlocked
	case m.Action == "copy" && m.Rule == "public-copy":
		return StatusChange
	case m.Action == "copy":
		return StatusCopy
	case len(m.Changes) > 0:
		return StatusChange
	}
	return StatusPortable
}

func (a *planAssessor) serverItems() []Item {
	var items []Item
	for _, s := range a.inv.Servers {
		m, ok := a.flavors[s.FlavorID]
		if !ok || s.FlavorID == "" {
			m = a.flavors["name:"+s.FlavorName]
		}
		st := mappingStatus(m)
		reason := fmt.Sprintf("flavor %s → %s", s.FlavorName, m.TargetName)
		if len(m.Changes) > 0 {
			reason += " (" + strings.Join(m.Changes, ", ") + ")"
		}
		if !s.BootFromVolume {
			st, reason = worse(st, StatusCopy), reason+"; root disk copied as a snapshot"
		}
		items = append(items, a.item("server", s.ID, s.Name, st, m.TargetName, reason))
	}
	return items
}

func (a *planAssessor) volumeItems() []Item {
	var items []Item
	for _, v := range a.inv.Volumes {
		m := a.types[v.VolumeType]
		st, reason := StatusCopy, fmt.Sprintf("%d GB copied, type %s → %s", v.SizeGB, v.VolumeType, quoteName(m.TargetName))
		if lost := lostAspects(m.Changes); len(lost) > 0 {
			st, reason = StatusChange, reason+"; aspect "+strings.Join(lost, ", ")+" lost"
		}
		name := cmp.Or(a.names[stepID(StepCopyVolume, v.ID)], volumeDisplayName(a.index(), v.ID))
		items = append(items, a.item("volume", v.ID, name, st, m.TargetName, reason))
	}
	return items
}

// rebuiltItems rates the resources the plan rebuilds identically.
func (a *planAssessor) rebuiltItems() []Item {
	var items []Item
	same := func(kind, id, name string) {
		items = append(items, a.item(kind, id, name, StatusPortable, name, "rebuilt as it is"))
	}
	inv := a.inv
	for _, n := range inv.Networks {
		if !n.External {
			same("network", n.ID, n.Name)
		}
	}
	for _, s := range inv.Subnets {
		same("subnet", s.ID, s.Name)
	}
	for _, r := range inv.Routers {
		same("router", r.ID, r.Name)
	}
	for _, g := range inv.SecurityGroups {
		same("security-group", g.ID, g.Name)
	}
	for _, k := range inv.Keypairs {
		same("keypair", k.Name, k.Name)
	}
	for _, g := range inv.ServerGroups {
		same("server-group", g.ID, g.Name)
	}
	for _, lb := range inv.LoadBalancers {
		same("load-balancer", lb.ID, lb.Name)
	}
	for _, f := range inv.FloatingIPs {
		items = append(items, a.item("floating-ip", f.ID, f.FloatingIPAddress, StatusChange, "", "new address on the target's external network"))
	}
	return items
}

// isMandatoryService reports whether scs-0123 makes a service mandatory.
func isMandatoryService(name string) bool {
	for _, r := range scs.MandatoryServices() {
		if r.Name == name {
			return true
		}
	}
	return false
}

// index is the inventory's index.
func (a *planAssessor) index() *inventory.Index {
	if a.ix == nil {
		a.ix = inventory.NewIndex(a.inv)
	}
	return a.ix
}
