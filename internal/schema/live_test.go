package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/examples"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kubesim"
	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// Every document the demo writes validates: the example tenant is moved
// between two simulated clouds (and KaaS) in process, through the same
// calls as scs-migrate demo and the migrate, status and verify commands,
// and each document is written as those commands write it.
func TestLiveDocumentsValidate(t *testing.T) {
	if testing.Short() {
		t.Skip("moves the example tenant between simulated clouds")
	}
	dir := t.TempDir()
	docs := runDemo(t, dir)
	v := newValidator(t)
	for _, d := range docs {
		v.file(t, d.name, d.path)
	}
}

type written struct{ name, path string }

// runDemo is scs-migrate demo without its output: inventory, plan,
// migrate with an event log, status, cutover report and verify.
func runDemo(t *testing.T, dir string) []written {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	fast := sim.Options{AsyncDelay: 5 * time.Millisecond}
	pair, err := sim.NewPair(sim.PairOptions{Source: fast, Target: fast})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	tenant, err := sim.ParseTenant(examples.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.SeedTenant(ctx, pair.Source, tenant); err != nil {
		t.Fatal(err)
	}
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
	ex, err := kubesim.NewExample(ctx, kubesim.WorldOptions{Delay: 20 * time.Millisecond, Tick: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ex.Close() })
	srcKube, dstKube, err := ex.Clients()
	if err != nil {
		t.Fatal(err)
	}
	bc := &transfer.BucketCopier{}
	for _, side := range []struct {
		s  *cloud.Session
		to **s3.Client
	}{{src, &bc.Source}, {dst, &bc.Target}} {
		c, err := s3.Open(ctx, side.s, s3.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		*side.to = c
	}
	file := func(name string) string { return filepath.Join(dir, name) }
	var out []written

	inv, err := inventory.Collect(ctx, src, inventory.Options{Clusters: &inventory.KubeClusters{Management: srcKube}, S3: bc.Source})
	if err != nil {
		t.Fatal(err)
	}
	if err := inventory.WriteFile(file("inventory.json"), inv, "json"); err != nil {
		t.Fatal(err)
	}
	out = append(out, written{"inventory", file("inventory.json")})
	tgt, err := plans.ReadTarget(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	plans.ReadTargetClusterClasses(ctx, tgt, dstKube, dstKube.Namespace)
	plan, err := plans.Build(inv, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"})
	if err != nil {
		t.Fatal(err)
	}
	planFile := file("plan.json")
	if err := plans.WriteFile(planFile, plan); err != nil {
		t.Fatal(err)
	}
	out = append(out, written{"plan", planFile})

	var events bytes.Buffer
	log := migrate.NewEventLog(&events)
	reg := migrate.DefaultRegistry()
	(&migrate.Kube{Source: srcKube, Target: dstKube}).Register(reg)
	bc.Observer = migrate.TransferObserver(log)
	rep, err := migrate.Run(ctx, plan, src, dst, migrate.Options{JournalPath: migrate.JournalPath(planFile),
		Registry: reg, Observer: log, Buckets: bc, Poll: 20 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	write(t, file("events.jsonl"), events.Bytes())
	out = append(out, written{"event", file("events.jsonl")})
	write(t, file("report.json"), encode(t, rep)) // migrate -o json
	out = append(out, written{"report", file("report.json")})
	var cutover bytes.Buffer
	if err := migrate.WriteCutoverReport(&cutover, migrate.NewCutoverReport(plan, rep), "json"); err != nil {
		t.Fatal(err)
	}
	write(t, file("cutover.json"), cutover.Bytes()) // migrate --report cutover.json
	out = append(out, written{"cutover-report", file("cutover.json")})

	j, err := migrate.OpenJournal(migrate.JournalPath(planFile), plan, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	write(t, file("status.json"), encode(t, migrate.Status(plan, j))) // status -o json
	out = append(out, written{"report", file("status.json")})
	vr, err := migrate.Verify(ctx, plan, j, dst, migrate.VerifyOptions{Buckets: bc})
	if err != nil {
		t.Fatal(err)
	}
	if !vr.OK() {
		t.Errorf("verify: %d differences", len(vr.Differences))
	}
	write(t, file("verify.json"), encode(t, vr)) // verify -o json
	out = append(out, written{"verify-report", file("verify.json")})
	return out
}

// encode is the commands' -o json.
func encode(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
