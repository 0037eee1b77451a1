package plans

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// The cutover order (cold cutover): a source server keeps running while
// the target is built for it. Its stop-server step waits for every step
// that makes what its target twin needs, other than its disks: its
// ports (which wait for their network, subnets and security groups),
// the rules of its ports' security groups, the routers, interfaces and
// routes on its ports' subnets, its keypair, its server group and the
// images copied for it. Its snapshot and volume copies wait for the
// stop. Servers of one wave stop together: each member's stop waits for
// the prerequisites of all members.

// resolveWaves assigns servers to named waves: the mapping file first,
// then the servers' scs-migrate.wave metadata. Overrides.Check has
// verified the file's members.
func (b *builder) resolveWaves() {
	b.waveOf = map[string]string{}
	at := map[string]int{}        // wave name → index in b.waves
	from := map[string][]string{} // wave name → where it was given
	join := func(name, where, serverID string) {
		i, ok := at[name]
		if !ok {
			i = len(b.waves)
			at[name] = i
			b.waves = append(b.waves, Wave{Name: name})
		}
		if !slices.Contains(from[name], where) {
			from[name] = append(from[name], where)
			b.waves[i].From = strings.Join(from[name], ", ")
		}
		b.waves[i].Servers = append(b.waves[i].Servers, serverID)
		b.waveOf[serverID] = name
	}
	byName := map[string]string{}
	for _, s := range b.inv.Servers {
		if _, dup := byName[s.Name]; !dup {
			byName[s.Name] = s.ID
		}
	}
	ov := b.opts.Overrides
	for _, w := range ov.waves() {
		for _, m := range w.Servers {
			id := m.Server
			if b.ix.Servers[id] == nil {
				id = byName[m.Server]
			}
			if id == "" || b.waveOf[id] != "" {
				continue
			}
			join(w.Name, fmt.Sprintf("%s:%d", ov.File, w.Line), id)
		}
	}
	for _, s := range b.inv.Servers {
		if name := s.Metadata[WaveMetadataKey]; name != "" && b.waveOf[s.ID] == "" {
			join(name, "metadata "+WaveMetadataKey, s.ID)
		}
	}
}

// addCutover makes each stop-server step wait for the prerequisites of
// its wave and labels the stop and server steps with the wave. The
// edges order, they do not block: a blocked prerequisite (a router
// whose gateway cannot be mapped, a wave member that cannot move) is
// dropped from the stop's dependencies rather than removing the stop.
func (b *builder) addCutover() {
	routersOn := map[string][]string{} // subnet → router steps that connect it
	for _, r := range b.inv.Routers {
		for _, itf := range r.Interfaces {
			ids := []string{stepID(StepRouter, r.ID), stepID(StepRouterInterface, r.ID, itf.SubnetID)}
			if len(r.Routes) > 0 {
				ids = append(ids, stepID(StepRouterRoutes, r.ID))
			}
			routersOn[itf.SubnetID] = append(routersOn[itf.SubnetID], ids...)
		}
	}
	prereqs := map[string][]string{} // wave (or server ID) → prerequisites
	key := func(s *inventory.Server) string {
		if w := b.waveOf[s.ID]; w != "" {
			return "wave:" + w
		}
		return "server:" + s.ID
	}
	for i := range b.inv.Servers {
		s := &b.inv.Servers[i]
		k := key(s)
		prereqs[k] = append(prereqs[k], b.cutoverPrereqs(s, routersOn)...)
	}
	for i := range b.inv.Servers {
		s := &b.inv.Servers[i]
		wave := b.waveOf[s.ID]
		if j, ok := b.ids[stepID(StepServer, s.ID)]; ok {
			b.steps[j].Wave = wave
		}
		j, ok := b.ids[stepID(StepStopServer, s.ID)]
		if !ok {
			continue
		}
		b.steps[j].Wave = wave
		if b.soft == nil {
			b.soft = map[string][]string{}
		}
		b.soft[b.steps[j].ID] = prereqs[key(s)]
	}
}

// cutoverPrereqs are the steps a server's twin needs before the server
// is stopped, other than its disks.
func (b *builder) cutoverPrereqs(s *inventory.Server, routersOn map[string][]string) []string {
	var deps []string
	for _, pid := range s.Ports {
		deps = append(deps, stepID(StepPort, pid))
		p, ok := b.ix.Ports[pid]
		if !ok {
			continue
		}
		for _, ip := range p.FixedIPs {
			deps = append(deps, routersOn[ip.SubnetID]...)
		}
		for _, g := range p.SecurityGroups {
			deps = append(deps, stepID(StepSecurityGroupRules, g))
		}
	}
	if s.KeyName != "" {
		deps = append(deps, stepID(StepKeypair, s.KeyName))
	}
	if s.ServerGroupID != "" {
		deps = append(deps, stepID(StepServerGroup, s.ServerGroupID))
	}
	if s.ImageID != "" {
		deps = append(deps, stepID(StepCopyImage, s.ImageID))
	}
	for _, bd := range s.BlockDevices {
		if v, ok := b.ix.Volumes[bd.VolumeID]; ok && v.SourceImageID != "" {
			deps = append(deps, stepID(StepCopyImage, v.SourceImageID))
		}
	}
	return deps
}

// downtimes estimates, per stop-server step of the ordered steps, the
// data that moves while the server is stopped and its downtime.
func downtimes(steps []Step, bandwidthMbps int) ([]Downtime, error) {
	g, err := NewGraph(steps)
	if err != nil {
		return nil, err
	}
	stopsOf := map[string][]int{} // wave → its stop steps
	for i, s := range steps {
		if s.Kind == StepStopServer && s.Wave != "" {
			stopsOf[s.Wave] = append(stopsOf[s.Wave], i)
		}
	}
	var out []Downtime
	for i, s := range steps {
		if s.Kind != StepStopServer {
			continue
		}
		stops := []int{i}
		if s.Wave != "" {
			stops = stopsOf[s.Wave]
		}
		d := Downtime{ServerID: s.SourceID, Name: s.Name, Wave: s.Wave, DataBasis: DataImageSize}
		d.DataBytes, d.DataBasis = waveData(g, stops)
		d.Steps = chainToActive(g, i, s.SourceID)
		d.Seconds = int64(EstimateDowntime(d, bandwidthMbps) / time.Second)
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b Downtime) int {
		return cmp.Or(cmp.Compare(a.Wave, b.Wave), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ServerID, b.ServerID))
	})
	return out, nil
}

// waveData adds up the copies that wait for any of the stops, each once.
func waveData(g *Graph, stops []int) (int64, string) {
	var bytes int64
	basis := DataImageSize
	seen := map[int]bool{}
	for _, st := range stops {
		for _, u := range g.Users(st) {
			c := g.Step(u)
			if seen[u] || (c.Kind != StepSnapshotServer && c.Kind != StepCopyVolume) {
				continue
			}
			seen[u] = true
			n, b := stepData(c)
			bytes += n
			if b != DataImageSize {
				basis = DataProvisioned
			}
		}
	}
	return bytes, basis
}

// stepData is a step's data estimate and its basis; a plan made before
// the estimate existed has only the provisioned Bytes.
func stepData(s Step) (int64, string) {
	if s.DataBasis == "" {
		return s.Bytes, DataProvisioned
	}
	return s.DataBytes, s.DataBasis
}

// chainToActive is the number of steps on the longest chain from the
// stop (step i, graph in topological order) to the server's last step:
// the server step or its last attachment.
func chainToActive(g *Graph, stop int, serverID string) int {
	depth := map[int]int{stop: 1}
	var reach []int
	g.Downstream(stop, func(j, _ int) bool { reach = append(reach, j); return true })
	slices.Sort(reach) // the graph's order is topological
	longest := 1
	for _, j := range reach {
		d := 0
		for _, dep := range g.Deps(j) {
			if dd, ok := depth[dep]; ok {
				d = max(d, dd+1)
			}
		}
		depth[j] = d
		s := g.Step(j)
		if (s.Kind == StepServer && s.SourceID == serverID) || (s.Kind == StepAttachVolume && s.ParentID == serverID) {
			longest = max(longest, d)
		}
	}
	return longest
}

// EstimateDowntime is a server's expected downtime at the bandwidth: its
// data at the bandwidth plus StepOverhead per step of its chain.
func EstimateDowntime(d Downtime, bandwidthMbps int) time.Duration {
	return transferTime(d.DataBytes, bandwidthMbps) + time.Duration(d.Steps)*StepOverhead
}

// transferTime is the time bytes take at the bandwidth, whole seconds.
func transferTime(bytes int64, bandwidthMbps int) time.Duration {
	if bandwidthMbps <= 0 {
		bandwidthMbps = DefaultBandwidthMbps
	}
	secs := float64(bytes) * 8 / (float64(bandwidthMbps) * 1e6)
	return time.Duration(math.Ceil(secs)) * time.Second
}

// keptWaves are the named waves, members whose server step was pruned
// (blocked) left out, and waves left empty dropped.
func (b *builder) keptWaves(steps []Step) []Wave {
	kept := map[string]bool{}
	for _, s := range steps {
		if s.Kind == StepServer {
			kept[s.SourceID] = true
		}
	}
	var out []Wave
	for _, w := range b.waves {
		w.Servers = slices.DeleteFunc(slices.Clone(w.Servers), func(id string) bool { return !kept[id] })
		if len(w.Servers) > 0 {
			out = append(out, w)
		}
	}
	return out
}
