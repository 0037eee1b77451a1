package migrate

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// ErrInvalidPlan means the plan cannot be executed as it stands.
var ErrInvalidPlan = errors.New("invalid plan")

// kubeKinds are step kinds whose executors need the Kubernetes
// management clusters (registered by Kube.Register).
var kubeKinds = map[plans.StepKind]bool{
	plans.StepCluster: true, plans.StepVeleroBackup: true, plans.StepVeleroRestore: true,
}

// buildGraph checks that every step can run — its kind has an executor,
// its dependencies exist, there is no cycle — and returns the DAG. It
// also orders the attach-volume steps of each server by the source's
// device order, so volumes appear in the guest as they did before.
func buildGraph(p *plans.Plan, reg Registry) (*graph, error) {
	if p.Inventory == nil {
		return nil, fmt.Errorf("%w: plan %q has no source inventory", ErrInvalidPlan, p.ID)
	}
	if p.ID == "" {
		return nil, fmt.Errorf("%w: the plan has no ID", ErrInvalidPlan)
	}
	pos := make(map[string]int, len(p.Steps))
	var problems []string
	for i, s := range p.Steps {
		if _, dup := pos[s.ID]; dup {
			problems = append(problems, fmt.Sprintf("step %q appears twice", s.ID))
		}
		pos[s.ID] = i
		if _, ok := reg[s.Kind]; !ok {
			problems = append(problems, unsupported(s))
		}
	}
	g := &graph{deps: make([][]int, len(p.Steps)), dependents: make([][]int, len(p.Steps))}
	for i, s := range p.Steps {
		for _, d := range s.DependsOn {
			j, ok := pos[d]
			if !ok {
				problems = append(problems, fmt.Sprintf("step %q depends on %q, which is not in the plan", s.ID, d))
				continue
			}
			g.add(i, j)
		}
	}
	orderAttachments(p, g)
	if len(problems) == 0 {
		if cyc := g.cycle(p); cyc != "" {
			problems = append(problems, "the steps form a cycle: "+cyc)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w %q:\n  %s", ErrInvalidPlan, p.ID, strings.Join(problems, "\n  "))
	}
	return g, nil
}

func unsupported(s plans.Step) string {
	if kubeKinds[s.Kind] {
		return fmt.Sprintf("step %q: %s steps need the KaaS management clusters of both clouds: "+
			"give --source-kubeconfig and --target-kubeconfig", s.ID, s.Kind)
	}
	return fmt.Sprintf("step %q: unknown step kind %q", s.ID, s.Kind)
}

// add makes step i depend on step j.
func (g *graph) add(i, j int) {
	if !slices.Contains(g.deps[i], j) {
		g.deps[i] = append(g.deps[i], j)
		g.dependents[j] = append(g.dependents[j], i)
	}
}

// cycle returns a description of a dependency cycle, or "".
func (g *graph) cycle(p *plans.Plan) string {
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(g.deps))
	var path []int
	var visit func(i int) []int
	visit = func(i int) []int {
		color[i] = grey
		path = append(path, i)
		for _, d := range g.deps[i] {
			switch color[d] {
			case grey:
				k := slices.Index(path, d)
				return append(slices.Clone(path[k:]), d)
			case white:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		color[i] = black
		return nil
	}
	for i := range g.deps {
		if color[i] == white {
			if c := visit(i); c != nil {
				names := make([]string, len(c))
				for k, x := range c {
					names[k] = p.Steps[x].ID
				}
				return strings.Join(names, " → ")
			}
		}
	}
	return ""
}

// orderAttachments chains the attach-volume steps of each server in the
// order of the server's block devices.
func orderAttachments(p *plans.Plan, g *graph) {
	ix := newIndex(p)
	type attach struct{ step, device int }
	byServer := map[string][]attach{}
	for i, s := range p.Steps {
		if s.Kind != plans.StepAttachVolume {
			continue
		}
		srv, bd, err := attachment(ix, s, ix.dependencies(s))
		if err != nil {
			continue // the step reports it when it runs
		}
		dev := slices.IndexFunc(srv.BlockDevices, func(b inventory.BlockDevice) bool { return b.VolumeID == bd.VolumeID })
		byServer[srv.ID] = append(byServer[srv.ID], attach{i, dev})
	}
	for _, as := range byServer {
		slices.SortFunc(as, func(a, b attach) int { return cmp.Compare(a.device, b.device) })
		for k := 1; k < len(as); k++ {
			g.add(as[k].step, as[k-1].step)
		}
	}
}
