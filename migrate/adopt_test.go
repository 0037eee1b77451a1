package migrate_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/migrate"
)

// TestAdoptsUnmarkedOrphanNotTheUsersResource covers the narrowest crash
// window: a network made but not yet tagged when the process died. The
// re-run must adopt it (not make a second one) and must never adopt the
// same-named network the user had before the plan first ran.
func TestAdoptsUnmarkedOrphanNotTheUsersResource(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pair, err := sim.NewPair(sim.PairOptions{Source: sim.Options{AsyncDelay: testAsyncDelay}, Target: sim.Options{AsyncDelay: testAsyncDelay}})
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	dir := t.TempDir()
	clouds := filepath.Join(dir, "clouds.yaml")
	if err := sim.WriteCloudsYAML(clouds, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	open := func(name string) *cloud.Session {
		s, err := cloud.Open(ctx, name, cloud.Options{CloudsFile: clouds})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	src, dst := open("sim-source"), open("sim-target")
	p := smallPlan("plan-orphan")
	p.Source.ProjectID, p.Target.ProjectID = src.ProjectID, dst.ProjectID

	mk := func() string {
		n, err := networks.Create(ctx, dst.Network, networks.CreateOpts{Name: "frontend"}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		return n.ID
	}
	users := mk() // the user's own network, there before the plan ran

	// A first attempt started: it took its snapshot of same-named
	// networks, made one, and died before tagging it.
	path := filepath.Join(dir, "plan.json.journal")
	j, err := migrate.CreateJournal(path, p, src.ProjectID, dst.ProjectID, dst.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	j.UpdateStep("network/n1", func(r *migrate.StepRecord) {
		r.State, r.Attempts = migrate.StateRunning, 1
		r.Preexisting = map[string][]string{"network/": {users}}
	})
	j.Close()
	orphan := mk()

	// The plan is made by hand, not from the source: its network is not
	// there, which Run would refuse as drift.
	opts := migrate.Options{JournalPath: path, Poll: 20 * time.Millisecond, Timeout: time.Minute, AcceptDrift: true}
	rep, err := migrate.Run(ctx, p, src, dst, opts)
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if got := rep.Steps[0]; got.TargetID != orphan || !got.Adopted {
		t.Errorf("step made or took %s (adopted %v), want the orphan %s adopted", got.TargetID, got.Adopted, orphan)
	}
	all, err := networks.List(dst.Network, networks.ListOpts{Name: "frontend"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nets, _ := networks.ExtractNetworks(all)
	if len(nets) != 2 {
		t.Errorf("%d networks named frontend, want 2 (the user's and the plan's)", len(nets))
	}

	j, err = migrate.OpenJournal(path, p, false)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := migrate.Rollback(ctx, p, j, src, dst, migrate.RollbackOptions{Poll: 20 * time.Millisecond, Timeout: time.Minute}); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if _, err := networks.Get(ctx, dst.Network, users).Extract(); err != nil {
		t.Errorf("rollback touched the user's network: %v", err)
	}
	if _, err := networks.Get(ctx, dst.Network, orphan).Extract(); err == nil {
		t.Error("rollback left the plan's network")
	}
}
