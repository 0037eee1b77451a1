package migrate_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// testAsyncDelay makes the simulated clouds quick.
const testAsyncDelay = 5 * time.Millisecond

// env is a simulated source and target with the example tenant seeded
// on the source and a plan written for it.
type env struct {
	t        *testing.T
	ctx      context.Context
	pair     *sim.Pair
	dir      string
	clouds   string
	src, dst *cloud.Session
	plan     *plans.Plan
	planFile string
	// buckets copies object storage, with EC2 credentials made for the
	// test on both clouds.
	buckets *transfer.BucketCopier
}

func newEnv(t *testing.T) *env { return newEnvWith(t, "../examples/tenant.yaml") }

// newEnvWith seeds the tenant fixture file instead of the example.
func newEnvWith(t *testing.T, tenantFile string) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	pair, err := sim.NewPair(sim.PairOptions{Source: sim.Options{AsyncDelay: testAsyncDelay}, Target: sim.Options{AsyncDelay: testAsyncDelay}})
	if err != nil {
		t.Fatalf("start simulator pair: %v", err)
	}
	t.Cleanup(func() { pair.Close() })
	tenant, err := sim.LoadTenant(tenantFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.SeedTenant(ctx, pair.Source, tenant); err != nil {
		t.Fatalf("seed the example tenant: %v", err)
	}
	e := &env{t: t, ctx: ctx, pair: pair, dir: t.TempDir()}
	e.clouds = filepath.Join(e.dir, "clouds.yaml")
	if err := sim.WriteCloudsYAML(e.clouds, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	e.src, e.dst = e.open("sim-source"), e.open("sim-target")
	e.buckets = openBuckets(t, ctx, e.src, e.dst)
	e.plan = e.buildPlan()
	e.planFile = filepath.Join(e.dir, "plan.json")
	if err := plans.WriteFile(e.planFile, e.plan); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) open(name string) *cloud.Session {
	e.t.Helper()
	s, err := cloud.Open(e.ctx, name, cloud.Options{CloudsFile: e.clouds})
	if err != nil {
		e.t.Fatalf("open %s: %v", name, err)
	}
	return s
}

func (e *env) buildPlan() *plans.Plan {
	e.t.Helper()
	inv, err := inventory.Collect(e.ctx, e.src, inventory.Options{S3: e.buckets.Source})
	if err != nil {
		e.t.Fatalf("inventory the source: %v", err)
	}
	tgt, err := plans.ReadTarget(e.ctx, e.dst)
	if err != nil {
		e.t.Fatalf("read the target: %v", err)
	}
	p, err := plans.Build(inv, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"})
	if err != nil {
		e.t.Fatalf("build the plan: %v", err)
	}
	if len(p.Blocked) > 0 {
		e.t.Logf("blocked: %+v", p.Blocked)
	}
	return p
}

// options are quick migrate options for the simulator.
func (e *env) options() migrate.Options {
	return migrate.Options{JournalPath: migrate.JournalPath(e.planFile), Poll: 20 * time.Millisecond,
		Timeout: time.Minute, Data: e.copier(), Buckets: e.buckets}
}

// openBuckets is a bucket copier between the two clouds, with EC2
// credentials made for the test and revoked when it ends.
func openBuckets(t testing.TB, ctx context.Context, src, dst *cloud.Session) *transfer.BucketCopier {
	t.Helper()
	from, err := s3.Open(ctx, src, s3.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { from.Close(context.Background()) })
	to, err := s3.Open(ctx, dst, s3.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { to.Close(context.Background()) })
	return &transfer.BucketCopier{Source: from, Target: to}
}

func (e *env) copier() *transfer.Copier {
	return &transfer.Copier{Source: e.src, Target: e.dst, Poll: 20 * time.Millisecond}
}

func (e *env) journal(readOnly bool) *migrate.Journal {
	e.t.Helper()
	j, err := migrate.OpenJournal(migrate.JournalPath(e.planFile), e.plan, readOnly)
	if err != nil {
		e.t.Fatalf("open journal: %v", err)
	}
	return j
}

// targetCounts counts the tenant's resources on the target, by kind.
func (e *env) targetCounts() map[string]int {
	e.t.Helper()
	doc := e.inventory(e.dst)
	out := map[string]int{}
	for _, k := range inventory.Kinds {
		switch k {
		case inventory.KindFlavors, inventory.KindQuotas, inventory.KindVolumeTypes, inventory.KindImages:
			continue // provider's, or public
		}
		out[k] = doc.Count(k)
	}
	for _, img := range doc.Images {
		if img.OwnedByTenant {
			out["ownImages"]++
		}
	}
	for _, g := range doc.SecurityGroups {
		if g.Name == "default" {
			for _, r := range g.Rules {
				out["defaultRules/"+ruleText(r)]++
			}
		}
	}
	return out
}

func ruleText(r inventory.SecurityGroupRule) string {
	var b strings.Builder
	b.WriteString(r.Direction + " " + r.EtherType + " " + r.Protocol + " " + r.RemoteIPPrefix)
	if r.RemoteGroupID != "" {
		b.WriteString(" group")
	}
	return b.String()
}

func (e *env) inventory(s *cloud.Session) *inventory.Document {
	e.t.Helper()
	doc, err := inventory.Collect(e.ctx, s, inventory.Options{})
	if err != nil {
		e.t.Fatalf("inventory: %v", err)
	}
	return doc
}

// temporaries lists temporary copies left on either cloud.
func (e *env) temporaries() []string {
	e.t.Helper()
	var out []string
	for _, s := range []*cloud.Session{e.src, e.dst} {
		doc := e.inventory(s)
		for _, img := range doc.Images {
			if strings.HasPrefix(img.Name, transfer.TempPrefix) {
				out = append(out, s.Name+" image "+img.Name)
			}
		}
		for _, v := range doc.Volumes {
			if strings.HasPrefix(v.Name, transfer.TempPrefix) {
				out = append(out, s.Name+" volume "+v.Name)
			}
		}
		for _, sn := range doc.VolumeSnapshots {
			if strings.HasPrefix(sn.Name, transfer.TempPrefix) {
				out = append(out, s.Name+" snapshot "+sn.Name)
			}
		}
	}
	return out
}

func diffCounts(a, b map[string]int) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok && v != 0 {
			out = append(out, k)
		}
	}
	return out
}
