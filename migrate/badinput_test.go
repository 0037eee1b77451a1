package migrate_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// TestBadInputCreatesNothing feeds migrate broken plans, journals and
// credentials: each must fail with a clear error before anything is
// created on the target or changed on the source.
func TestBadInputCreatesNothing(t *testing.T) {
	e := newEnv(t)
	before := e.targetCounts()
	sourceBefore := e.inventory(e.src)

	t.Run("truncated plan", func(t *testing.T) {
		b, _ := os.ReadFile(e.planFile)
		bad := filepath.Join(e.dir, "truncated.json")
		os.WriteFile(bad, b[:len(b)/2], 0o600)
		if _, err := plans.Load(bad); err == nil || !strings.Contains(err.Error(), "truncated.json") {
			t.Errorf("got %v, want an error naming the file", err)
		}
	})
	t.Run("plan changed after the migration started", func(t *testing.T) {
		path := filepath.Join(e.dir, "changed.journal")
		j, err := migrate.CreateJournal(path, e.plan, e.src.ProjectID, e.dst.ProjectID, e.dst.AuthURL)
		if err != nil {
			t.Fatal(err)
		}
		j.Close()
		changed := *e.plan
		changed.Steps = append([]plans.Step(nil), e.plan.Steps...)
		changed.Steps[0].Name += "-tampered"
		opts := e.options()
		opts.JournalPath = path
		_, err = migrate.Run(e.ctx, &changed, e.src, e.dst, opts)
		if !errors.Is(err, migrate.ErrJournalMismatch) || !strings.Contains(err.Error(), "changed since") {
			t.Errorf("got %v, want a journal mismatch", err)
		}
	})
	t.Run("truncated journal", func(t *testing.T) {
		path := filepath.Join(e.dir, "cut.journal")
		j, err := migrate.CreateJournal(path, e.plan, e.src.ProjectID, e.dst.ProjectID, e.dst.AuthURL)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range e.plan.Steps {
			j.UpdateStep(s.ID, func(r *migrate.StepRecord) { r.State = migrate.StateSucceeded })
		}
		j.Close()
		b, _ := os.ReadFile(path)
		os.WriteFile(path, b[:3*4096], 0o600) // the meta pages survive, the data pages are cut
		opts := e.options()
		opts.JournalPath = path
		_, err = migrate.Run(e.ctx, e.plan, e.src, e.dst, opts)
		if !errors.Is(err, migrate.ErrJournalDamaged) {
			t.Errorf("got %v, want a damaged journal", err)
		}
	})
	t.Run("plan for another target project", func(t *testing.T) {
		other := *e.plan
		other.Target.ProjectID = "0123456789abcdef0123456789abcdef"
		opts := e.options()
		opts.JournalPath = filepath.Join(e.dir, "other.journal")
		_, err := migrate.Run(e.ctx, &other, e.src, e.dst, opts)
		if !errors.Is(err, migrate.ErrJournalMismatch) || !strings.Contains(err.Error(), "target credentials are for project") {
			t.Errorf("got %v, want a project mismatch", err)
		}
		if _, err := os.Stat(opts.JournalPath); err == nil {
			t.Error("a journal was written for a plan that cannot run")
		}
	})
	t.Run("cluster steps without Kubernetes clusters", func(t *testing.T) {
		later := *e.plan
		later.Steps = append(append([]plans.Step(nil), e.plan.Steps...), plans.Step{ID: "cluster/x", Kind: plans.StepCluster, Name: "x"})
		opts := e.options()
		opts.JournalPath = filepath.Join(e.dir, "later.journal")
		_, err := migrate.Run(e.ctx, &later, e.src, e.dst, opts)
		if !errors.Is(err, migrate.ErrInvalidPlan) || !strings.Contains(err.Error(), "give --source-kubeconfig") {
			t.Errorf("got %v, want an unsupported step kind", err)
		}
	})
	t.Run("wrong credentials", func(t *testing.T) {
		entries := e.pair.Entries()
		entries[1].Project.Password = "wrong-password"
		file := filepath.Join(e.dir, "wrong.yaml")
		if err := sim.WriteCloudsYAML(file, entries); err != nil {
			t.Fatal(err)
		}
		_, err := cloud.Open(e.ctx, "sim-target", cloud.Options{CloudsFile: file})
		if err == nil || !strings.Contains(err.Error(), "authenticate") || strings.Contains(err.Error(), "wrong-password") {
			t.Errorf("got %v, want an authentication error without the password", err)
		}
	})

	if d := diffCounts(before, e.targetCounts()); len(d) > 0 {
		t.Errorf("bad input changed the target: %v", d)
	}
	for i, s := range e.inventory(e.src).Servers {
		if s.Status != sourceBefore.Servers[i].Status {
			t.Errorf("source server %s went from %s to %s", s.Name, sourceBefore.Servers[i].Status, s.Status)
		}
	}
}
