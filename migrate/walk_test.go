package migrate

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/plans"
)

// dag builds a graph from "step: deps" pairs in plan order.
func dag(t *testing.T, deps map[int][]int, n int) *plans.Graph {
	t.Helper()
	steps := make([]plans.Step, n)
	for i := range steps {
		steps[i].ID = strconv.Itoa(i)
		for _, d := range deps[i] {
			steps[i].DependsOn = append(steps[i].DependsOn, strconv.Itoa(d))
		}
	}
	g, err := plans.NewGraph(steps)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestWalkSkipsDownstreamOfFailureAndGoesOnElsewhere(t *testing.T) {
	// 0 → 1 → 2, 0 → 3; 4 independent. Step 1 fails.
	g := dag(t, map[int][]int{1: {0}, 2: {1}, 3: {0}}, 5)
	var mu sync.Mutex
	var ran, skipped []int
	w := &walker{g: g, parallel: 2,
		run: func(_ context.Context, i int) error {
			mu.Lock()
			ran = append(ran, i)
			mu.Unlock()
			if i == 1 {
				return errors.New("boom")
			}
			return nil
		},
		skip: func(i, cause int) {
			if cause != 1 {
				t.Errorf("step %d skipped because of %d, want 1", i, cause)
			}
			skipped = append(skipped, i)
		},
	}
	if n := w.walk(context.Background(), make([]bool, 5)); n != 0 {
		t.Errorf("not started = %d, want 0", n)
	}
	slices.Sort(ran)
	if !slices.Equal(ran, []int{0, 1, 3, 4}) {
		t.Errorf("ran %v, want [0 1 3 4]", ran)
	}
	if !slices.Equal(skipped, []int{2}) {
		t.Errorf("skipped %v, want [2]", skipped)
	}
}

func TestWalkBoundsParallelismAndResumes(t *testing.T) {
	const n = 20
	g := dag(t, nil, n)
	done := make([]bool, n)
	done[3], done[7] = true, true
	var running, peak, count atomic.Int32
	w := &walker{g: g, parallel: 3,
		run: func(_ context.Context, i int) error {
			if i == 3 || i == 7 {
				t.Errorf("step %d ran although done", i)
			}
			cur := running.Add(1)
			for p := peak.Load(); cur > p && !peak.CompareAndSwap(p, cur); p = peak.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			running.Add(-1)
			count.Add(1)
			return nil
		},
		skip: func(int, int) { t.Error("nothing should be skipped") },
	}
	w.walk(context.Background(), done)
	if peak.Load() > 3 {
		t.Errorf("peak parallelism %d, want ≤ 3", peak.Load())
	}
	if count.Load() != n-2 {
		t.Errorf("ran %d steps, want %d", count.Load(), n-2)
	}
}

func TestWalkStopsDispatchingOnCancelAndWaits(t *testing.T) {
	g := dag(t, map[int][]int{1: {0}, 2: {1}}, 4)
	ctx, cancel := context.WithCancel(context.Background())
	var finished atomic.Int32
	w := &walker{g: g, parallel: 1,
		run: func(ctx context.Context, i int) error {
			if i == 0 {
				cancel()
				<-ctx.Done()
				time.Sleep(10 * time.Millisecond) // still running: walk must wait
				finished.Add(1)
				return ctx.Err()
			}
			t.Errorf("step %d started after cancel", i)
			return nil
		},
		skip: func(int, int) {},
	}
	notStarted := w.walk(ctx, make([]bool, 4))
	if finished.Load() != 1 {
		t.Error("walk returned before the running step finished")
	}
	if notStarted != 1 { // step 3; 1 and 2 are skipped (downstream of 0)
		t.Errorf("not started = %d, want 1", notStarted)
	}
}

func TestBuildGraphRejectsLaterKindsAndCycles(t *testing.T) {
	p := &plans.Plan{ID: "p", Inventory: emptyInventory(), Steps: []plans.Step{
		{ID: "cluster/x", Kind: plans.StepCluster, SourceID: "x"},
	}}
	_, err := buildGraph(p, DefaultRegistry())
	if !errors.Is(err, ErrInvalidPlan) || !contains(err.Error(), "give --source-kubeconfig") {
		t.Errorf("cluster step: got %v", err)
	}
	p.Steps = []plans.Step{
		{ID: "network/a", Kind: plans.StepNetwork, SourceID: "a", DependsOn: []string{"subnet/b"}},
		{ID: "subnet/b", Kind: plans.StepSubnet, SourceID: "b", DependsOn: []string{"network/a"}},
	}
	_, err = buildGraph(p, DefaultRegistry())
	if !errors.Is(err, ErrInvalidPlan) || !contains(err.Error(), "cycle") {
		t.Errorf("cycle: got %v", err)
	}
}
