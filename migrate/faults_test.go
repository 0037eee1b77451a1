package migrate_test

import (
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/migrate"
)

// TestMigrateOnFlakyClouds migrates the example tenant while both clouds
// fail API calls (5 %: 500, 502, 503), reset data streams (1 %) and add
// latency. A step that fails is failed in the journal and the next run
// resumes it; within a few runs the migration completes and verifies.
func TestMigrateOnFlakyClouds(t *testing.T) {
	e := newEnv(t)
	e.pair.SetFaults(sim.Faults{ErrorRate: 0.05, ResetRate: 0.01, Latency: time.Millisecond})
	var err error
	runs := 0
	for ; runs < 8; runs++ {
		var rep *migrate.Report
		rep, err = migrate.Run(e.ctx, e.plan, e.src, e.dst, e.options())
		if err == nil {
			break
		}
		if rep == nil {
			t.Fatalf("run %d: %v", runs, err)
		}
		for _, s := range rep.Steps {
			if s.State == migrate.StateFailed {
				t.Logf("run %d: %s failed: %s", runs, s.ID, s.Error)
			}
		}
	}
	if err != nil {
		t.Fatalf("still incomplete after %d runs: %v", runs, err)
	}
	t.Logf("complete after %d runs", runs+1)
	e.pair.SetFaults(sim.Faults{})
	e.verify(t)
	e.assertUniqueNames(t)
	if tmp := e.temporaries(); len(tmp) > 0 {
		t.Errorf("temporary artefacts left: %v", tmp)
	}
}
