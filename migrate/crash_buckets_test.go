package migrate_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/plans"
)

// TestBucketCopyKilledMidObject kills migrate with SIGKILL while a
// large object is on its way in parts, then runs it again: the
// unfinished upload is aborted (no parts stay behind to be paid for),
// the objects that had arrived are not copied again, the rest are, and
// verify compares every object.
func TestBucketCopyKilledMidObject(t *testing.T) {
	bin := crashBinary(t)
	e := newEnvWith(t, "testdata/tenant-buckets.yaml")
	// 12 MB in: the first large object has a part or two on the target.
	r := e.runBinary(t, bin, "bytes:12000000", "migrate", "--plan", e.planFile, "--object-transfers", "2")
	if !r.killed {
		t.Fatalf("migrate was not killed mid-copy: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	target := e.plan.Steps[0].Target.Bucket
	ups, err := e.buckets.Target.Uploads(e.ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) == 0 {
		t.Fatal("the kill left no unfinished upload: it did not land in a multipart object")
	}
	diff, err := e.buckets.CompareBucket(e.ctx, "archive", target)
	if err != nil {
		t.Fatal(err)
	}
	arrived := diff.Objects - diff.Missing - diff.Different

	r = e.runBinary(t, bin, "", "migrate", "--plan", e.planFile, "-o", "json")
	if r.code != 0 {
		t.Fatalf("second migrate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if ups, _ := e.buckets.Target.Uploads(e.ctx, target); len(ups) != 0 {
		t.Errorf("%d unfinished uploads left after the re-run", len(ups))
	}
	j := e.journal(true)
	rec := j.Step("copy-bucket/archive")
	j.Close()
	copied, _ := strconv.ParseInt(rec.Values["copied"], 10, 64)
	unchanged, _ := strconv.ParseInt(rec.Values["unchanged"], 10, 64)
	if unchanged != arrived || copied != diff.Objects-arrived {
		t.Errorf("re-run copied %d and left %d unchanged; %d of %d objects had arrived before the kill: something was copied twice or skipped",
			copied, unchanged, arrived, diff.Objects)
	}
	t.Logf("killed with %d unfinished upload(s) and %d of %d objects arrived; the re-run copied %d, left %d; notes %v",
		len(ups), arrived, diff.Objects, copied, unchanged, rec.Notes)
	if !hasNote(rec.Notes, "aborted") {
		t.Errorf("the re-run does not say it aborted the unfinished upload: %v", rec.Notes)
	}
	e.verify(t)
	e.assertNoLeftovers(t)
}

// assertNoLeftovers checks what killed runs must not leave behind once
// a run has completed: unfinished uploads in the plan's buckets (parts
// the tenant pays for) and EC2 credentials made for a run.
func (e *env) assertNoLeftovers(t *testing.T) {
	t.Helper()
	for _, s := range e.plan.Steps {
		if s.Kind != plans.StepCopyBucket {
			continue
		}
		if ups, err := e.buckets.Target.Uploads(e.ctx, s.Target.Bucket); err != nil || len(ups) != 0 {
			t.Errorf("bucket %s: unfinished uploads left: %v %v", s.Target.Bucket, ups, err)
		}
	}
	for side, c := range map[string]*sim.Cloud{"source": e.pair.Source, "target": e.pair.Target} {
		if n := c.EC2Credentials(); n != 1 {
			t.Errorf("%d EC2 credentials on the %s, want the test's own only: a killed run's were not deleted", n, side)
		}
	}
}

func hasNote(notes []string, word string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, word) })
}
