package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/examples"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/kubesim"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "move the example tenant between two embedded simulated SCS clouds",
		Description: "Starts two simulated SCS-compliant providers on loopback, seeds the example tenant\n" +
			"(examples/tenant.yaml) on the source, and runs inventory → audit → plan → migrate → verify.\n" +
			"Needs no set-up, no network and no cloud account. Exits 0 only if verify passes.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "workdir", Usage: "write clouds.yaml, inventory, audit, plan, journal and events to `DIR` (default: a new temporary directory)"},
			&cli.StringFlag{Name: "tenant", Usage: "seed this tenant fixture `FILE` instead of the embedded example"},
			&cli.IntFlag{Name: "transfers", Value: 4, Usage: "concurrent image and volume streams"},
		},
		Action: func(c *cli.Context) error {
			d := &demo{out: c.App.Writer, progress: c.App.ErrWriter, transfers: c.Int("transfers")}
			if err := d.complete(c.String("workdir"), c.String("tenant")); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			return d.run(c.Context)
		},
	}
}

// demo is one run of the whole job on simulated clouds.
type demo struct {
	out, progress io.Writer
	dir           string
	tenant        *sim.Tenant
	transfers     int
	start         time.Time
	// srcKube and dstKube are the KaaS management clusters.
	srcKube, dstKube *kube.Clients
	// buckets copies the object storage, with EC2 credentials made for
	// the demo on both clouds.
	buckets *transfer.BucketCopier
}

func (d *demo) complete(dir, tenantFile string) error {
	var err error
	if tenantFile != "" {
		d.tenant, err = sim.LoadTenant(tenantFile)
	} else {
		d.tenant, err = sim.ParseTenant(examples.Tenant)
	}
	if err != nil {
		return err
	}
	if dir == "" {
		dir, err = os.MkdirTemp("", "scs-migrate-demo-")
	} else {
		err = os.MkdirAll(dir, 0o700)
	}
	d.dir = dir
	return err
}

func (d *demo) file(name string) string { return filepath.Join(d.dir, name) }

func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, "%6.1fs  ", time.Since(d.start).Seconds())
	fmt.Fprintf(d.out, format+"\n", args...)
}

func (d *demo) run(ctx context.Context) error {
	d.start = time.Now()
	pair, err := sim.NewPair(sim.PairOptions{})
	if err != nil {
		return err
	}
	defer pair.Close()
	d.say("started %s (source) and %s (target) on loopback", pair.Source.Profile().Provider, pair.Target.Profile().Provider)
	if err := sim.SeedTenant(ctx, pair.Source, d.tenant); err != nil {
		return fmt.Errorf("seed the example tenant: %w", err)
	}
	d.say("seeded tenant %q on the source: %d servers, %d volumes, %d networks, %d images, %d buckets",
		d.tenant.Name, len(d.tenant.Servers), len(d.tenant.Volumes), len(d.tenant.Networks), len(d.tenant.Images), len(d.tenant.Buckets))
	clouds := d.file("clouds.yaml")
	if err := sim.WriteCloudsYAML(clouds, pair.Entries()); err != nil {
		return err
	}
	src, err := cloud.Open(ctx, "sim-source", cloudOptions(cloud.Options{CloudsFile: clouds}))
	if err != nil {
		return err
	}
	dst, err := cloud.Open(ctx, "sim-target", cloudOptions(cloud.Options{CloudsFile: clouds}))
	if err != nil {
		return err
	}
	ex, err := kubesim.NewExample(ctx, kubesim.WorldOptions{})
	if err != nil {
		return err
	}
	defer ex.Close()
	if d.srcKube, d.dstKube, err = ex.Clients(); err != nil {
		return err
	}
	d.say("started the source and target KaaS (simulated Cluster API, Velero) with cluster %s/shop", kubesim.ExampleNamespace)
	bc, cs, err := s3Config{}.bucketCopier(ctx, nil, src, dst)
	if err != nil {
		return err
	}
	defer cs.close(ctx, func(err error) { d.say("warning: %v", err) })
	bc.Transfers, d.buckets = transfer.DefaultObjectTransfers, bc
	plan, err := d.prepare(ctx, src, dst)
	if err != nil {
		return err
	}
	return d.migrateAndVerify(ctx, plan, src, dst)
}

// prepare takes the inventory, audits the tenant against the target and
// writes the plan.
func (d *demo) prepare(ctx context.Context, src, dst *cloud.Session) (*plans.Plan, error) {
	inv, err := inventory.Collect(ctx, src, inventory.Options{Clusters: &inventory.KubeClusters{Management: d.srcKube}, S3: d.buckets.Source})
	if err != nil {
		return nil, fmt.Errorf("inventory: %w", err)
	}
	if err := inventory.WriteFile(d.file("inventory.json"), inv, "json"); err != nil {
		return nil, err
	}
	sum := inventory.Summarize(inv)
	total := 0
	for _, kc := range sum.Counts {
		total += kc.Count
	}
	d.say("inventory: %d resources, %s provisioned for tenant images and volumes → inventory.json", total, humanBytes(sum.ImageBytes+sum.VolumeBytes))
	tgt, err := plans.ReadTarget(ctx, dst)
	if err != nil {
		return nil, fmt.Errorf("read the target: %w", err)
	}
	plans.ReadTargetClusterClasses(ctx, tgt, d.dstKube, d.dstKube.Namespace)
	report := plans.Audit(inv, tgt)
	if err := writeReport(d.file("audit.html"), report, "html"); err != nil {
		return nil, err
	}
	d.say("audit: portability score %d/100 (%s) → audit.html", report.Score, report.Verdict)
	plan, err := plans.Build(inv, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"})
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	if err := plans.WriteFile(d.file("plan.json"), plan); err != nil {
		return nil, err
	}
	t := plans.Summarize(plan)
	estimate := "about"
	if t.UpperBound {
		estimate = "at most"
	}
	d.say("plan: %d steps, %d mapped to the target's standard resources, %s %s of data to copy, %d blocked → plan.json",
		t.Steps, countMapped(plan), estimate, humanBytes(t.Bytes), len(plan.Blocked))
	for _, m := range highlights(plan) {
		d.say("        %s", m)
	}
	return plan, nil
}

func (d *demo) migrateAndVerify(ctx context.Context, plan *plans.Plan, src, dst *cloud.Session) error {
	events, err := os.OpenFile(d.file("events.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer events.Close()
	view := newStepView(d.progress, len(plan.Steps))
	journal := migrate.JournalPath(d.file("plan.json"))
	reg := migrate.DefaultRegistry()
	(&migrate.Kube{Source: d.srcKube, Target: d.dstKube}).Register(reg)
	observers := migrate.Observers{view, migrate.NewEventLog(events)}
	d.buckets.Observer = migrate.TransferObserver(observers)
	rep, runErr := migrate.Run(ctx, plan, src, dst, migrate.Options{
		JournalPath: journal, Transfers: d.transfers, Registry: reg, Observer: observers, Buckets: d.buckets,
	})
	view.Close()
	if runErr != nil {
		return fmt.Errorf("migrate: %w", runErr)
	}
	run := rep.FinishedAt.Sub(rep.StartedAt)
	d.say("migrate: %d steps done in %.1fs, %s sent over the wire, %d + %d API calls (source + target)",
		rep.Counts[migrate.StateSucceeded], run.Seconds(), humanBytes(rep.Bytes), rep.SourceCalls, rep.TargetCalls)
	if longest, ok := rep.LongestDowntime(); ok {
		d.say("        downtime per server: longest %.1fs (%s), %.0f%% of the run; every server was down only for its own copy",
			longest.Downtime.Seconds(), longest.Name, 100*longest.Downtime.Seconds()/run.Seconds())
	}
	if s := bucketSummary(rep); s != "" {
		d.say("        %s", s)
	}
	for _, a := range rep.AddressChanges {
		d.say("        %s %s → %s (update DNS)", a.Server, a.Old, a.New)
	}
	if err := writeCutoverReport(d.file("cutover.md"), plan, rep); err != nil {
		return err
	}
	j, err := migrate.OpenJournal(journal, plan, true)
	if err != nil {
		return err
	}
	defer j.Close()
	vr, err := migrate.Verify(ctx, plan, j, dst, migrate.VerifyOptions{Buckets: d.buckets})
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if !vr.OK() {
		vr.WriteDiff(d.out)
		return cli.Exit(fmt.Sprintf("verify found %d differences", len(vr.Differences)), 1)
	}
	d.say("verify: OK — %s compared, all present and equal", checkedSummary(vr.Checked))
	d.say("done in %.1fs; files in %s (clouds.yaml, inventory.json, audit.html, plan.json, plan.json.journal, events.jsonl, cutover.md)",
		time.Since(d.start).Seconds(), d.dir)
	return nil
}

func countMapped(p *plans.Plan) int {
	n := 0
	for _, ms := range [][]plans.Mapping{p.Mappings.Flavors, p.Mappings.Images, p.Mappings.VolumeTypes} {
		for _, m := range ms {
			if m.Action == "map" {
				n++
			}
		}
	}
	return n
}

// highlights are the mapping decisions worth showing in the demo: one
// line per flavor, image and volume type.
func highlights(p *plans.Plan) []string {
	var out []string
	for _, ms := range [][]plans.Mapping{p.Mappings.Flavors, p.Mappings.Images, p.Mappings.VolumeTypes} {
		for _, m := range ms {
			target := m.TargetName
			if m.Action == "copy" {
				target = "copied"
			}
			out = append(out, fmt.Sprintf("%-13s %-22s → %-16s (%s)", m.Kind, m.SourceName, target, m.Rule))
		}
	}
	return out
}

func checkedSummary(checked map[string]int) string {
	total := 0
	kinds := make([]string, 0, len(checked))
	for k, n := range checked {
		total += n
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d resources of %d kinds", total, len(kinds))
}

// bucketSummary sums up the bucket copies of a run: objects and bytes
// copied, verified on the way.
func bucketSummary(rep *migrate.Report) string {
	var buckets, objects, copied int64
	for _, s := range rep.Steps {
		if s.Kind != plans.StepCopyBucket || s.State != migrate.StateSucceeded {
			continue
		}
		buckets++
		objects += atoi(s.Values["objects"])
		copied += atoi(s.Values["copied"])
	}
	if buckets == 0 {
		return ""
	}
	return fmt.Sprintf("buckets: %d copied with %d objects (%d written now, each verified by MD5)", buckets, objects, copied)
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
