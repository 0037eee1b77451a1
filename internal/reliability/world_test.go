package reliability

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
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

// quick makes the simulated clouds' asynchronous transitions short.
const quick = 5 * time.Millisecond

// Distinctive credentials: the secrets test looks for them in everything
// the tool writes, so they must not occur by chance.
var (
	sourceProject = sim.ProjectSpec{Name: "webshop", User: "shop-admin", Password: "src-Pw-7c1e9b42-kiwi-lantern",
		AppCredName: "migrator", AppCredSecret: "src-AC-0d5f3a88-harbour-quartz"}
	targetProject = sim.ProjectSpec{Name: "webshop-new", User: "shop-admin", Password: "tgt-Pw-91be6c07-maple-sonar",
		AppCredName: "migrator", AppCredSecret: "tgt-AC-4a2e7d19-violet-anchor"}
)

// world is a source and a target cloud with a tenant on the source, a
// work directory for what the tool writes and, apart from it, the
// clouds.yaml with the credentials.
type world struct {
	t      *testing.T
	ctx    context.Context
	pair   *sim.Pair
	work   string // plan, inventory, journal, events, reports
	home   string // HOME of the binary; holds clouds.yaml and CA files
	clouds string
	// entries are the clouds.yaml entries sim-source and sim-target.
	entries  []sim.CloudEntry
	src, dst *cloud.Session
	// sourceBefore is the source's inventory before anything migrated.
	sourceBefore *inventory.Document
	// buckets copies object storage (EC2 credentials made for the test).
	buckets *transfer.BucketCopier
}

// worldOptions shape a world; the zero value is the example tenant
// between two quick clouds, password auth on both.
type worldOptions struct {
	tls bool
	// bulk, when set, seeds a generated tenant instead of the example.
	bulk *sim.BulkSpec
	// quotas, when set, replace quotas of both projects before seeding.
	quotas *sim.TenantQuotas
	// bigTargetPool grows the target's external network beyond its /24,
	// for tenants with hundreds of floating IPs.
	bigTargetPool bool
	// appCredTarget authenticates to the target with its application
	// credential instead of the password.
	appCredTarget bool
	// tokenTTL is how long the clouds' tokens live, from the start.
	tokenTTL time.Duration
	timeout  time.Duration
}

func newWorld(t *testing.T, o worldOptions) *world {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(o.timeout, 5*time.Minute))
	t.Cleanup(cancel)
	pair, err := sim.NewPair(sim.PairOptions{
		Source: sim.Options{AsyncDelay: quick, Projects: []sim.ProjectSpec{sourceProject}, TLS: o.tls, Faults: sim.Faults{TokenTTL: o.tokenTTL}},
		Target: sim.Options{AsyncDelay: quick, Projects: []sim.ProjectSpec{targetProject, poolProject}, TLS: o.tls, Faults: sim.Faults{TokenTTL: o.tokenTTL}},
	})
	if err != nil {
		t.Fatalf("start the simulated clouds: %v", err)
	}
	t.Cleanup(func() { pair.Close() })
	w := &world{t: t, ctx: ctx, pair: pair, work: t.TempDir(), home: t.TempDir()}
	if o.bigTargetPool {
		w.growTargetPool()
	}
	if o.quotas != nil {
		w.setQuotas(*o.quotas)
	}
	w.seed(o.bulk)
	w.entries = pair.Entries()
	w.entries[1].AppCred = o.appCredTarget
	if o.tls {
		w.entries[0].CACert = w.writeCA("source-ca.pem", pair.Source)
		w.entries[1].CACert = w.writeCA("target-ca.pem", pair.Target)
	}
	w.clouds = w.writeClouds("clouds.yaml", w.entries...)
	opts := cloud.Options{CloudsFile: w.clouds}
	w.src, w.dst = w.open("sim-source", opts), w.open("sim-target", opts)
	w.buckets = w.openBuckets()
	w.sourceBefore = w.inventory(w.src)
	return w
}

// setQuotas sets quotas of the source and the target project.
func (w *world) setQuotas(q sim.TenantQuotas) {
	w.t.Helper()
	if err := w.pair.Source.UpdateQuotas(sourceProject.Name, q); err != nil {
		w.t.Fatal(err)
	}
	if err := w.pair.Target.UpdateQuotas(targetProject.Name, q); err != nil {
		w.t.Fatal(err)
	}
}

// poolProject is a second project on the target, whose floating IPs
// make the simulator grow the external network (growTargetPool).
var poolProject = sim.ProjectSpec{Name: "pool", User: "pool-user", Password: "pool-Pw-3f9d0a6e"}

// growTargetPool makes room for thousands of floating IPs on the
// target: its external network is a /24 (about 250 addresses), and the
// simulator adds a /16 to it when a generated tenant needs more. One
// more address than is free, taken by another project, is enough.
func (w *world) growTargetPool() {
	w.t.Helper()
	if _, err := w.pair.Target.SeedBulk(poolProject.Name, sim.BulkSpec{FloatingIPs: 254}); err != nil {
		w.t.Fatalf("grow the target's external network: %v", err)
	}
}

// seed puts the example tenant, or a generated one, on the source.
func (w *world) seed(bulk *sim.BulkSpec) {
	w.t.Helper()
	if bulk != nil {
		if _, err := w.pair.Source.SeedBulk(sourceProject.Name, *bulk); err != nil {
			w.t.Fatalf("seed the generated tenant: %v", err)
		}
		return
	}
	tenant, err := sim.LoadTenant("../../examples/tenant.yaml")
	if err != nil {
		w.t.Fatal(err)
	}
	if err := sim.SeedTenant(w.ctx, w.pair.Source, tenant); err != nil {
		w.t.Fatalf("seed the example tenant: %v", err)
	}
}

func (w *world) writeCA(name string, c *sim.Cloud) string {
	w.t.Helper()
	path := filepath.Join(w.home, name)
	if err := os.WriteFile(path, c.CACertPEM(), 0o600); err != nil {
		w.t.Fatal(err)
	}
	return path
}

// writeClouds writes a clouds.yaml beside the world's, in HOME.
func (w *world) writeClouds(name string, entries ...sim.CloudEntry) string {
	w.t.Helper()
	path := filepath.Join(w.home, name)
	if err := sim.WriteCloudsYAML(path, entries); err != nil {
		w.t.Fatal(err)
	}
	return path
}

func (w *world) open(name string, opts cloud.Options) *cloud.Session {
	w.t.Helper()
	s, err := cloud.Open(w.ctx, name, opts)
	if err != nil {
		w.t.Fatalf("open %s: %v", name, err)
	}
	return s
}

func (w *world) inventory(s *cloud.Session) *inventory.Document {
	w.t.Helper()
	o := inventory.Options{}
	if s == w.src {
		o.S3 = w.buckets.Source
	}
	doc, err := inventory.Collect(w.ctx, s, o)
	if err != nil {
		w.t.Fatalf("inventory of %s: %v", s.Name, err)
	}
	return doc
}

// file is a path in the work directory.
func (w *world) file(name string) string { return filepath.Join(w.work, name) }

// buildPlan maps the source onto the target in-process and writes the
// plan to the work directory.
func (w *world) buildPlan(name string) (*plans.Plan, string) {
	w.t.Helper()
	tgt, err := plans.ReadTarget(w.ctx, w.dst)
	if err != nil {
		w.t.Fatalf("read the target: %v", err)
	}
	p, err := plans.Build(w.sourceBefore, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"})
	if err != nil {
		w.t.Fatalf("build the plan: %v", err)
	}
	path := w.file(name)
	if err := plans.WriteFile(path, p); err != nil {
		w.t.Fatal(err)
	}
	return p, path
}

// migrateOptions are in-process migrate options for quick clouds.
func (w *world) migrateOptions(planFile string) migrate.Options {
	return migrate.Options{JournalPath: migrate.JournalPath(planFile), Poll: 20 * time.Millisecond, Timeout: 2 * time.Minute,
		Data: &transfer.Copier{Source: w.src, Target: w.dst, Poll: 20 * time.Millisecond}, Buckets: w.buckets}
}

// openBuckets is a bucket copier between the two clouds, with EC2
// credentials made for the test and revoked when it ends.
func (w *world) openBuckets() *transfer.BucketCopier {
	w.t.Helper()
	var clients [2]*s3.Client
	for i, s := range []*cloud.Session{w.src, w.dst} {
		c, err := s3.Open(w.ctx, s, s3.Options{})
		if err != nil {
			w.t.Fatal(err)
		}
		w.t.Cleanup(func() { c.Close(context.Background()) })
		clients[i] = c
	}
	return &transfer.BucketCopier{Source: clients[0], Target: clients[1]}
}

// cli runs the binary with the world's clouds.yaml.
func (w *world) cli(args ...string) cliResult {
	w.t.Helper()
	return runCLI(w.ctx, w.t, cliEnv(w.home, w.clouds), nil, args...)
}

// mustCLI runs the binary and fails the test unless it exits 0.
func (w *world) mustCLI(args ...string) cliResult {
	w.t.Helper()
	r := w.cli(args...)
	if r.code != 0 || r.panicked() {
		w.t.Fatalf("%s", r)
	}
	return r
}
