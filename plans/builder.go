package plans

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// builder writes the steps of one plan.
type builder struct {
	inv  *inventory.Document
	tgt  *Target
	opts BuildOptions
	d    *decisions
	ix   *inventory.Index

	steps []Step
	ids   map[string]int // step ID → position in steps
	// seeds are the blocked steps with the finding that explains them.
	seeds    []seed
	blocked  []Finding
	warnings []Finding
	// waves are the named waves; waveOf maps a server ID to its wave.
	waves  []Wave
	waveOf map[string]string
	// soft are ordering-only dependencies (the cutover edges), by step
	// ID: added after pruning, so a blocked prerequisite never blocks
	// the steps that merely wait for it.
	soft map[string][]string
}

// seed is a blocked step. The primary seed of a block carries the
// finding; the others are parts of the same resource (a blocked server's
// stop, snapshot, ports and volumes) and point at it.
type seed struct {
	id      string
	finding Finding
	primary bool
}

func newBuilder(inv *inventory.Document, tgt *Target, opts BuildOptions) *builder {
	return &builder{inv: inv, tgt: tgt, opts: opts, d: decide(inv, tgt, opts.Overrides), ix: inventory.NewIndex(inv),
		ids: make(map[string]int, 4*len(inv.Servers)+len(inv.Ports)+len(inv.Volumes))}
}

// addAll writes the steps of every kind; the order is irrelevant, finish
// sorts them.
func (b *builder) addAll() {
	b.addNetworks()
	b.addRouters()
	b.addSecurityGroups()
	b.addKeypairs()
	b.addServerGroups()
	b.addImages()
	b.addVolumes()
	b.addPorts()
	b.addServers()
	b.resolveWaves()
	b.addCutover()
	b.addFloatingIPs()
	b.addLoadBalancers()
	b.addBuckets()
	b.addClusters(b.opts.Overrides.clusters())
	b.addNotMigrated()
	b.warnMappings()
}

// add appends a step (once). Its dependencies are recorded as wanted;
// finish drops those on steps that were never written.
func (b *builder) add(s Step) {
	if _, dup := b.ids[s.ID]; dup {
		return
	}
	b.ids[s.ID] = len(b.steps)
	b.steps = append(b.steps, s)
}

// has reports whether a step exists.
func (b *builder) has(id string) bool {
	_, ok := b.ids[id]
	return ok
}

// block marks steps as blocked for the reason in f; the first ID carries
// the finding, the others (parts of the same resource) are removed with
// it.
func (b *builder) block(f Finding, ids ...string) {
	for i, id := range ids {
		b.seeds = append(b.seeds, seed{id: id, finding: f, primary: i == 0})
	}
	if len(ids) == 0 {
		b.blocked = append(b.blocked, f)
	}
}

func (b *builder) warn(kind, id, name, reason string) {
	b.warnings = append(b.warnings, Finding{Kind: kind, SourceID: id, Name: name, Reason: reason})
}

// finish drops dependencies on steps that were never written (optional
// ones, such as stop-server of a server already stopped), removes the
// blocked steps and their downstream, and orders the rest.
func (b *builder) finish() ([]Step, error) {
	for i := range b.steps {
		s := &b.steps[i]
		s.DependsOn = slices.DeleteFunc(s.DependsOn, func(d string) bool { return !b.has(d) })
		slices.Sort(s.DependsOn)
		s.DependsOn = nonNil(slices.Compact(s.DependsOn))
	}
	g, err := NewGraph(b.steps)
	if err != nil {
		return nil, err
	}
	kept := b.prune(g)
	b.addSoft(kept)
	g, err = NewGraph(kept)
	if err != nil {
		return nil, err
	}
	return g.Order()
}

// addSoft adds the soft dependencies on steps that were kept.
func (b *builder) addSoft(kept []Step) {
	if len(b.soft) == 0 {
		return
	}
	in := make(map[string]bool, len(kept))
	for _, s := range kept {
		in[s.ID] = true
	}
	for i := range kept {
		s := &kept[i]
		extra := b.soft[s.ID]
		if len(extra) == 0 {
			continue
		}
		for _, d := range extra {
			if in[d] && d != s.ID {
				s.DependsOn = append(s.DependsOn, d)
			}
		}
		slices.Sort(s.DependsOn)
		s.DependsOn = nonNil(slices.Compact(s.DependsOn))
	}
}

// prune removes the blocked steps and everything downstream of them,
// recording a finding per resource: the seed's own reason, or for a
// downstream step the blocked step it depends on.
func (b *builder) prune(g *Graph) []Step {
	removed := map[int]bool{}
	seen := map[string]bool{}
	for _, f := range b.blocked {
		seen[f.Kind+"/"+f.SourceID] = true
	}
	for _, sd := range b.seeds {
		if sd.primary {
			b.record(seen, sd.finding)
		}
		if i, ok := g.Index(sd.id); ok {
			removed[i] = true
			g.Downstream(i, func(j, _ int) bool { removed[j] = true; return true })
		}
	}
	var kept []Step
	var gone []int
	for i, s := range g.steps {
		if removed[i] {
			gone = append(gone, i)
			continue
		}
		kept = append(kept, s)
	}
	causes, parts := map[string]Finding{}, map[string]Finding{}
	for _, sd := range b.seeds {
		if sd.primary {
			causes[sd.id] = sd.finding
		} else {
			parts[sd.id] = sd.finding
		}
	}
	b.explainRemoved(g, gone, seen, causes, parts)
	slices.SortStableFunc(b.blocked, func(a, c Finding) int {
		return cmp.Or(cmp.Compare(a.Kind, c.Kind), cmp.Compare(a.Name, c.Name), cmp.Compare(a.SourceID, c.SourceID))
	})
	return kept
}

// explainRemoved adds a finding for each resource that lost steps only
// because something it depends on is blocked.
func (b *builder) explainRemoved(g *Graph, gone []int, seen map[string]bool, causes, parts map[string]Finding) {
	for _, i := range gone {
		s := g.Step(i)
		kind := resourceKind(s.Kind)
		if kind == "" {
			continue
		}
		id := s.SourceID
		if s.Kind == StepRouterInterface || s.Kind == StepAttachVolume {
			id = s.ParentID
		}
		reason := "depends on blocked " + blockedCause(g, i, causes)
		if f, ok := parts[s.ID]; ok {
			reason = "part of blocked " + f.Kind + " " + quoteName(f.Name)
		}
		b.record(seen, Finding{Kind: kind, SourceID: id, Name: b.nameOf(kind, id, s.Name), Reason: reason})
	}
}

// blockedCause names the nearest blocked seed upstream of step i.
func blockedCause(g *Graph, i int, seeds map[string]Finding) string {
	queue := []int{i}
	visited := map[int]bool{i: true}
	for len(queue) > 0 {
		j := queue[0]
		queue = queue[1:]
		if f, ok := seeds[g.Step(j).ID]; ok && j != i {
			return f.Kind + " " + quoteName(f.Name)
		}
		for _, d := range g.Deps(j) {
			if !visited[d] {
				visited[d] = true
				queue = append(queue, d)
			}
		}
	}
	return "a blocked step"
}

// record adds a finding once per resource.
func (b *builder) record(seen map[string]bool, f Finding) {
	key := f.Kind + "/" + f.SourceID
	if seen[key] {
		return
	}
	seen[key] = true
	b.blocked = append(b.blocked, f)
}

// resourceKind is the resource a step belongs to in findings; "" for
// steps that are part of another resource's findings (ports, stops).
func resourceKind(k StepKind) string {
	switch k {
	case StepNetwork:
		return "network"
	case StepSubnet:
		return "subnet"
	case StepRouter, StepRouterInterface, StepRouterRoutes:
		return "router"
	case StepSecurityGroup, StepSecurityGroupRules:
		return "security-group"
	case StepKeypair:
		return "keypair"
	case StepServerGroup:
		return "server-group"
	case StepCopyImage:
		return "image"
	case StepSnapshotServer, StepServer, StepStopServer:
		return "server"
	case StepCopyVolume:
		return "volume"
	case StepFloatingIP:
		return "floating-ip"
	case StepLoadBalancer:
		return "load-balancer"
	case StepCluster, StepVeleroBackup, StepVeleroRestore:
		return "cluster"
	case StepCopyBucket:
		return "bucket"
	}
	return ""
}

// nameOf is the name of the resource a finding is about, else fallback.
func (b *builder) nameOf(kind, id, fallback string) string {
	name := ""
	switch kind {
	case "server":
		if s, ok := b.ix.Servers[id]; ok {
			name = s.Name
		}
	case "volume":
		if _, ok := b.ix.Volumes[id]; ok {
			name = b.volumeName(id)
		}
	case "router":
		if r, ok := b.ix.Routers[id]; ok {
			name = r.Name
		}
	case "security-group":
		if g, ok := b.ix.SecurityGroups[id]; ok {
			name = g.Name
		}
	}
	return cmp.Or(name, fallback)
}

// quoteName quotes a name for a message; empty names show as "(unnamed)".
func quoteName(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return strconv.Quote(name)
}
