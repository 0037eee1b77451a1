package migrate_test

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// countingObserver counts step transitions by target state.
type countingObserver struct {
	migrate.NopObserver
	mu sync.Mutex
	to map[migrate.State]int
}

func (o *countingObserver) StepChanged(e migrate.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.to == nil {
		o.to = map[migrate.State]int{}
	}
	o.to[e.To]++
}

// TestMigrateVerifyRerunRollback migrates the example tenant, verifies
// it, runs migrate again (which must do nothing), rolls back (which must
// leave the target as it was) and migrates once more.
func TestMigrateVerifyRerunRollback(t *testing.T) {
	e := newEnv(t)
	before := e.targetCounts()

	start := time.Now()
	calls := e.dst.Calls() + e.src.Calls()
	rep, err := migrate.Run(e.ctx, e.plan, e.src, e.dst, e.options())
	if err != nil {
		for _, s := range rep.Steps {
			if s.Error != "" {
				t.Logf("%s: %s", s.ID, s.Error)
			}
		}
		t.Fatalf("migrate: %v", err)
	}
	t.Logf("migrated %d steps, %d bytes in %s with %d API calls (source %d, target %d)",
		len(rep.Steps), rep.Bytes, time.Since(start).Round(time.Millisecond), e.dst.Calls()+e.src.Calls()-calls, rep.SourceCalls, rep.TargetCalls)
	if len(rep.AddressChanges) == 0 {
		t.Error("no floating IP address changes reported")
	}
	if st, err := os.Stat(migrate.JournalPath(e.planFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("journal mode: %v %v, want 0600", st.Mode(), err)
	}

	e.verify(t)
	migrated := e.targetCounts()

	obs := &countingObserver{}
	opts := e.options()
	opts.Observer = obs
	rep, err = migrate.Run(e.ctx, e.plan, e.src, e.dst, opts)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	// Only the bucket copies run again (they are syncs), and find
	// nothing to copy.
	buckets := 0
	for _, s := range rep.Steps {
		if s.Kind == plans.StepCopyBucket {
			buckets++
			if s.Values["copied"] != "0" || s.Values["unchanged"] != s.Values["objects"] || s.Values["objects"] == "0" {
				t.Errorf("second sync of %s: %v, want nothing copied", s.Name, s.Values)
			}
		}
	}
	if obs.to[migrate.StateRunning] != buckets || buckets != 2 {
		t.Errorf("second migrate ran %d steps, want the %d bucket syncs (of 2 buckets) only", obs.to[migrate.StateRunning], buckets)
	}
	if d := diffCounts(migrated, e.targetCounts()); len(d) > 0 {
		t.Errorf("second migrate changed the target: %v", d)
	}
	if tmp := e.temporaries(); len(tmp) > 0 {
		t.Errorf("temporary artefacts left: %v", tmp)
	}

	e.rollback(t)
	if d := diffCounts(before, e.targetCounts()); len(d) > 0 {
		t.Errorf("after rollback the target differs from before in %v", d)
	}
	e.rollback(t) // idempotent

	if _, err := migrate.Run(e.ctx, e.plan, e.src, e.dst, e.options()); err != nil {
		t.Fatalf("migrate after rollback: %v", err)
	}
	e.verify(t)
}

func (e *env) verify(t *testing.T) {
	t.Helper()
	j := e.journal(true)
	defer j.Close()
	vr, err := migrate.Verify(e.ctx, e.plan, j, e.dst, migrate.VerifyOptions{Buckets: e.buckets})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !vr.OK() {
		vr.WriteDiff(testWriter{t})
		t.Fatalf("verify found %d differences", len(vr.Differences))
	}
}

func (e *env) rollback(t *testing.T) {
	t.Helper()
	j := e.journal(false)
	defer j.Close()
	rb, err := migrate.Rollback(e.ctx, e.plan, j, e.src, e.dst, migrate.RollbackOptions{Data: e.copier(), Buckets: e.buckets, Poll: 20 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	t.Logf("rollback deleted %d resources, restarted %v", len(rb.Deleted), rb.Restarted)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
