package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/plans"
)

// The cutover of one source server runs from its stop-server step to its
// server step on the target: the plan orders the stop after everything
// the twin needs but its disks, so the server is down only while its
// own disks move. If its twin does not come up — the server step fails
// or is skipped because a step before it failed — the source server is
// started again at once (unless Options.KeepSourceStopped), and the
// disk copies made from it while it was stopped are marked stale: the
// next run stops it again and copies anew. A server whose twin is ACTIVE
// stays stopped: production runs on the target.

// restartTimeout bounds the restart of one source server.
const restartTimeout = 10 * time.Minute

// cutovers starts source servers again whose cutover failed.
type cutovers struct {
	r        *run
	keep     bool
	serverOf map[string]string // server step ID → source server ID
	stopOf   map[string]int    // source server ID → its stop step's index

	mu        sync.Mutex
	started   map[string]bool // restarts begun in this run
	restarted []string
	errs      []error
	wg        sync.WaitGroup
}

func newCutovers(r *run) *cutovers {
	c := &cutovers{r: r, keep: r.opts.KeepSourceStopped, serverOf: map[string]string{}, stopOf: map[string]int{}, started: map[string]bool{}}
	for i, s := range r.plan.Steps {
		switch s.Kind {
		case plans.StepServer:
			c.serverOf[s.ID] = s.SourceID
		case plans.StepStopServer:
			c.stopOf[s.SourceID] = i
		}
	}
	return c
}

// stepEnded is told of a step that failed or was skipped; when it is a
// server step, its source server is started again if this plan stopped
// it. The restart runs in the background; wait waits for it.
func (c *cutovers) stepEnded(ctx context.Context, s plans.Step) {
	serverID, ok := c.serverOf[s.ID]
	if !ok || c.keep {
		return
	}
	c.restart(ctx, serverID)
}

func (c *cutovers) restart(ctx context.Context, serverID string) {
	st, stopped := c.stoppedByPlan(serverID)
	c.mu.Lock()
	if !stopped || c.started[serverID] {
		c.mu.Unlock()
		return
	}
	c.started[serverID] = true
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), restartTimeout)
		defer cancel()
		err := startServer(ctx, c.r.src, serverID, c.r.poll)
		if cloud.IsNotFound(err) {
			err = nil
		}
		if err == nil {
			st.Restarted, st.RestartedAt = true, time.Now().UTC()
			err = c.r.journal.AddStopped(st)
		}
		if err == nil {
			err = c.markStale(serverID)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("restart source server %q: %w", st.Name, err))
			return
		}
		c.restarted = append(c.restarted, st.Name)
	}()
}

// stoppedByPlan is the journal's record of a server this plan stopped
// and has not started again.
func (c *cutovers) stoppedByPlan(serverID string) (Stopped, bool) {
	for _, st := range c.r.journal.StoppedServers() {
		if st.ServerID == serverID {
			return st, !st.Restarted
		}
	}
	return Stopped{}, false
}

// finish starts again, after the walk, the stopped servers whose twin is
// not up (the run was interrupted before their server step), then waits
// for every restart; it returns the names of the servers started again.
func (c *cutovers) finish(ctx context.Context) ([]string, error) {
	if !c.keep {
		for serverStep, serverID := range c.serverOf {
			if c.r.journal.Step(serverStep).State != StateSucceeded {
				c.restart(ctx, serverID)
			}
		}
	}
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	slices.Sort(c.restarted)
	return c.restarted, errors.Join(c.errs...)
}

// markStale sets the restarted server's stop step back to pending, so
// that the next run stops it again, and the copies of its disks that
// this run made back to pending and stale: the server ran again after
// them, so the next run replaces them instead of adopting them.
func (c *cutovers) markStale(serverID string) error {
	stop, ok := c.stopOf[serverID]
	if !ok {
		return nil
	}
	g, j := c.r.g, c.r.journal
	if _, err := j.UpdateStep(g.Step(stop).ID, func(rec *StepRecord) {
		rec.State, rec.Error = StatePending, "the source server was started again after its cutover failed; the next run stops it again"
	}); err != nil {
		return err
	}
	var err error
	g.Downstream(stop, func(i, _ int) bool {
		s := g.Step(i)
		if s.Kind != plans.StepSnapshotServer && s.Kind != plans.StepCopyVolume {
			return false
		}
		if j.Step(s.ID).State == StateSucceeded && err == nil {
			_, err = j.UpdateStep(s.ID, func(rec *StepRecord) {
				rec.State, rec.Stale = StatePending, true
				rec.Error = "copied while the source server was stopped, which has run again since: the next run copies anew"
			})
		}
		return false
	})
	return err
}

// dropStaleCopy removes the copy a stale step made, so that the step
// copies anew instead of adopting it.
func dropStaleCopy(ctx context.Context, sc *StepContext, rec StepRecord) error {
	if rec.TargetID == "" {
		return nil
	}
	var err error
	kind := "volume"
	switch sc.Step.Kind {
	case plans.StepCopyVolume:
		err = deleteVolume(ctx, sc.Target, rec.TargetID, sc.poll)
	case plans.StepSnapshotServer:
		kind = "image"
		err = ignoreNotFound(images.Delete(ctx, sc.Target.Image, rec.TargetID).ExtractErr())
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove the stale copy %s of step %s: %w", rec.TargetID, sc.Step.ID, err)
	}
	return sc.Journal.RemoveCreated("target", kind, rec.TargetID)
}
