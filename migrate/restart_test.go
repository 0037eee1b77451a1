package migrate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// TestRestartSourceAfterFailure makes every server step fail (through a
// replaced executor: the registry is pluggable) and checks that the
// source servers the plan stopped run again (the default), that
// everything downstream of the failure was skipped, and that the next
// run stops them again and copies their disks anew before it finishes
// the migration.
func TestRestartSourceAfterFailure(t *testing.T) {
	e := newEnv(t)
	reg := migrate.DefaultRegistry()
	reg[plans.StepServer] = migrate.ExecutorFunc(func(context.Context, *migrate.StepContext) (migrate.Outcome, error) {
		return migrate.Outcome{}, errors.New("no capacity")
	})
	opts := e.options()
	opts.Registry = reg
	rep, err := migrate.Run(e.ctx, e.plan, e.src, e.dst, opts)
	if !errors.Is(err, migrate.ErrIncomplete) {
		t.Fatalf("got %v, want an incomplete migration", err)
	}
	if rep.Counts[migrate.StateSkipped] == 0 || len(rep.Restarted) == 0 {
		t.Errorf("skipped %d, restarted %v: want both", rep.Counts[migrate.StateSkipped], rep.Restarted)
	}
	for _, st := range rep.Stopped {
		s, err := servers.Get(e.ctx, e.src.Compute, st.ServerID).Extract()
		if err != nil || s.Status != "ACTIVE" {
			t.Errorf("source server %s: %v %v, want ACTIVE", st.Name, s.Status, err)
		}
	}
	for _, c := range rep.Servers {
		if !c.Restarted || c.Downtime != 0 || c.StoppedAt.IsZero() {
			t.Errorf("report on %s: %+v, want restarted with no downtime ended", c.Name, c)
		}
	}
	second, err := migrate.Run(e.ctx, e.plan, e.src, e.dst, e.options())
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	for _, s := range second.Steps {
		if (s.Kind == plans.StepCopyVolume || s.Kind == plans.StepSnapshotServer) && s.Adopted {
			t.Errorf("%s adopted a copy made before its source server ran again", s.ID)
		}
	}
	for _, st := range rep.Stopped {
		if s, err := servers.Get(e.ctx, e.src.Compute, st.ServerID).Extract(); err != nil || s.Status != "SHUTOFF" {
			t.Errorf("after the second run source server %s is %v %v, want SHUTOFF (stopped again)", st.Name, s.Status, err)
		}
	}
	e.verify(t)
}
