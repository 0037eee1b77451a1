package plans

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"strings"
)

// stepKinds is the ordering table of the plan: kinds in the order a
// migration usually runs them. Steps are written in a topological order
// that follows this table where dependencies allow, so a reviewer reads
// the plan roughly as it will run.
var stepKinds = []StepKind{
	StepCopyBucket, StepStopServer, StepNetwork, StepSubnet, StepRouter, StepRouterInterface, StepRouterRoutes,
	StepSecurityGroup, StepSecurityGroupRules, StepKeypair, StepServerGroup,
	StepCopyImage, StepSnapshotServer, StepCopyVolume, StepPort, StepServer, StepAttachVolume,
	StepFloatingIP, StepLoadBalancer, StepCluster, StepVeleroBackup, StepVeleroRestore,
}

// StepKinds are all step kinds, in the plan's ordering table: the
// values a plan's steps may have (the JSON schemas list them).
func StepKinds() []StepKind { return slices.Clone(stepKinds) }

// kindRank is a kind's position in stepKinds, or -1 if unknown.
func kindRank(k StepKind) int { return slices.Index(stepKinds, k) }

// Graph is the DAG of a plan's steps, each step known by its position
// in the list the graph was made from.
type Graph struct {
	steps []Step
	index map[string]int
	// deps[i] and users[i] are the steps i depends on and that depend on i.
	deps, users [][]int
}

// NewGraph indexes steps. It fails on a duplicate ID or a dependency on
// a step that is not in the list or on itself, naming the step and the
// value. Order finds cycles.
func NewGraph(steps []Step) (*Graph, error) {
	g := &Graph{steps: steps, index: make(map[string]int, len(steps)),
		deps: make([][]int, len(steps)), users: make([][]int, len(steps))}
	for i, s := range steps {
		if j, dup := g.index[s.ID]; dup {
			return nil, fmt.Errorf("steps[%d].id: %q is also the id of steps[%d]", i, s.ID, j)
		}
		g.index[s.ID] = i
	}
	for i, s := range steps {
		for k, d := range s.DependsOn {
			j, ok := g.index[d]
			switch {
			case !ok:
				return nil, fmt.Errorf("steps[%d].dependsOn[%d]: %q is not a step of the plan", i, k, d)
			case j == i:
				return nil, fmt.Errorf("steps[%d].dependsOn[%d]: step %q depends on itself", i, k, d)
			case !slices.Contains(g.deps[i], j):
				g.deps[i] = append(g.deps[i], j)
				g.users[j] = append(g.users[j], i)
			}
		}
	}
	return g, nil
}

// Len is the number of steps.
func (g *Graph) Len() int { return len(g.steps) }

// Step is step i.
func (g *Graph) Step(i int) Step { return g.steps[i] }

// Index is the position of the step with the ID.
func (g *Graph) Index(id string) (int, bool) {
	i, ok := g.index[id]
	return i, ok
}

// Deps are the steps step i depends on, in its dependsOn order.
func (g *Graph) Deps(i int) []int { return g.deps[i] }

// Users are the steps that depend on step i.
func (g *Graph) Users(i int) []int { return g.users[i] }

// Order returns the steps in a deterministic topological order: of the
// steps whose dependencies are done, the earliest kind, then ID, first.
// A cycle is an error that names its steps.
func (g *Graph) Order() ([]Step, error) {
	pending := make([]int, len(g.steps))
	q := &stepQueue{g: g}
	for i := range g.steps {
		pending[i] = len(g.deps[i])
		if pending[i] == 0 {
			q.items = append(q.items, i)
		}
	}
	heap.Init(q)
	out := make([]Step, 0, len(g.steps))
	for q.Len() > 0 {
		i := heap.Pop(q).(int)
		out = append(out, g.steps[i])
		for _, u := range g.users[i] {
			if pending[u]--; pending[u] == 0 {
				heap.Push(q, u)
			}
		}
	}
	if len(out) < len(g.steps) {
		return nil, fmt.Errorf("steps: dependency cycle %s", g.cycle(pending))
	}
	return out, nil
}

// cycle finds one cycle among the steps left pending and formats it.
func (g *Graph) cycle(pending []int) string {
	start := slices.IndexFunc(pending, func(p int) bool { return p > 0 })
	seen := map[int]int{}
	var path []int
	for i := start; ; {
		if at, ok := seen[i]; ok {
			ids := make([]string, 0, len(path)-at+1)
			for _, j := range path[at:] {
				ids = append(ids, g.steps[j].ID)
			}
			return strings.Join(append(ids, g.steps[i].ID), " → ")
		}
		seen[i] = len(path)
		path = append(path, i)
		next := slices.IndexFunc(g.deps[i], func(d int) bool { return pending[d] > 0 })
		i = g.deps[i][next]
	}
}

// Downstream visits, breadth first and once each, the steps that depend
// on step i directly or not: visit gets a step and the step it was
// reached from, and says whether to go on past it.
func (g *Graph) Downstream(i int, visit func(step, from int) bool) {
	seen := map[int]bool{i: true}
	for queue := []int{i}; len(queue) > 0; queue = queue[1:] {
		for _, u := range g.users[queue[0]] {
			if !seen[u] {
				seen[u] = true
				if visit(u, queue[0]) {
					queue = append(queue, u)
				}
			}
		}
	}
}

// stepQueue is a min-heap of step indexes by kind rank, then ID.
type stepQueue struct {
	g     *Graph
	items []int
}

func (q *stepQueue) Len() int { return len(q.items) }
func (q *stepQueue) Less(a, b int) bool {
	sa, sb := &q.g.steps[q.items[a]], &q.g.steps[q.items[b]]
	return cmp.Or(cmp.Compare(kindRank(sa.Kind), kindRank(sb.Kind)), cmp.Compare(sa.ID, sb.ID)) < 0
}
func (q *stepQueue) Swap(a, b int) { q.items[a], q.items[b] = q.items[b], q.items[a] }
func (q *stepQueue) Push(x any)    { q.items = append(q.items, x.(int)) }
func (q *stepQueue) Pop() any {
	n := len(q.items)
	x := q.items[n-1]
	q.items = q.items[:n-1]
	return x
}
