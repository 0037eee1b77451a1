package migrate

import (
	"context"
	"slices"

	"github.com/scs-migrate/scs-migrate/plans"
)

// walker runs the steps of a plan's graph: a step starts when all its
// dependencies have succeeded; when one fails, everything downstream of
// it is skipped and independent branches go on. At most parallel steps
// run at once, each in its own goroutine, started by one coordinating
// loop. When ctx ends no further step starts and the running ones are
// waited for.
type walker struct {
	g        *plans.Graph
	parallel int
	// run executes step i; skip is told that step i will not run because
	// step cause failed (or was itself skipped).
	run  func(ctx context.Context, i int) error
	skip func(i, cause int)
}

// walk runs every step not already done and returns how many steps it
// did not start because ctx ended.
func (w *walker) walk(ctx context.Context, done []bool) (notStarted int) {
	n := w.g.Len()
	waiting := make([]int, n)
	finished := slices.Clone(done)
	var ready []int
	for i := range n {
		if finished[i] {
			continue
		}
		for _, d := range w.g.Deps(i) {
			if !done[d] {
				waiting[i]++
			}
		}
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	type result struct {
		i   int
		err error
	}
	results := make(chan result)
	running := 0
	for {
		for running < w.parallel && len(ready) > 0 && ctx.Err() == nil {
			i := ready[0]
			ready = ready[1:]
			running++
			go func() { results <- result{i, w.run(ctx, i)} }()
		}
		if running == 0 {
			break
		}
		r := <-results
		running--
		finished[r.i] = true
		if r.err != nil {
			w.skipDownstream(r.i, finished)
			continue
		}
		for _, d := range w.g.Users(r.i) {
			if waiting[d]--; waiting[d] == 0 && !finished[d] {
				ready = insertSorted(ready, d)
			}
		}
	}
	for i := range n {
		if !finished[i] {
			notStarted++
		}
	}
	return notStarted
}

// skipDownstream marks everything that depends on step i, directly or
// not, as skipped.
func (w *walker) skipDownstream(i int, finished []bool) {
	w.g.Downstream(i, func(d, cause int) bool {
		if finished[d] {
			return false
		}
		finished[d] = true
		w.skip(d, cause)
		return true
	})
}

// insertSorted keeps the ready queue in plan order, so runs are
// reproducible.
func insertSorted(s []int, v int) []int {
	i, _ := slices.BinarySearch(s, v)
	return slices.Insert(s, i, v)
}
