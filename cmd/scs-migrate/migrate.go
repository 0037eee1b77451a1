package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

func migrateCommand() *cli.Command {
	return &cli.Command{
		Name:  "migrate",
		Usage: "execute a plan: rebuild the tenant on the target, resumable",
		Description: "Walks the plan's steps with bounded parallelism, recording every step in a journal beside\n" +
			"the plan (PLAN.journal). Interrupted or failed, it is simply run again: finished steps are\n" +
			"skipped, half-finished ones adopted or cleaned up; nothing is created twice.\n\n" +
			"Before it changes anything, on every start and resume, it reads both clouds again and refuses\n" +
			"(exit 4) a plan that is blocked or failed its pre-flight checks, a source whose resources in\n" +
			"the plan changed since (unless --accept-drift), and a target without room for what is left.\n\n" +
			"Each source server is stopped only when everything its twin needs but its disks exists on the\n" +
			"target (its wave's servers together), and its disks are copied after its stop: it is down for\n" +
			"its own copy, not the whole run. If its twin does not come up, it is started again on the\n" +
			"source (--no-restart-source leaves it stopped). --report writes the cutover report (downtime\n" +
			"per server, addresses and DNS names to change, what is left on the source).",
		Flags: append(append(append(planFlags(),
			&cli.IntFlag{Name: "parallel", Value: migrate.DefaultParallel, Usage: "run up to `N` steps at the same time"},
			&cli.IntFlag{Name: "transfers", Value: transfer.DefaultTransfers, Usage: "move up to `N` images and volumes at the same time"},
			&cli.BoolFlag{Name: "no-restart-source", Usage: "leave a source server stopped when its cutover fails or the run is interrupted"},
			&cli.BoolFlag{Name: "restart-source", Hidden: true, Usage: "the default now; kept so that old scripts run"},
			&cli.BoolFlag{Name: "accept-drift", Usage: "run although source resources in the plan changed since it was made (read the list first)"},
			&cli.StringFlag{Name: "report", Usage: "write the cutover report to `FILE` (Markdown; JSON for .json)"},
			&cli.StringFlag{Name: "events", Usage: "append one JSON line per step transition to `FILE`"},
			&cli.IntFlag{Name: "object-transfers", Value: transfer.DefaultObjectTransfers, Usage: "copy up to `N` objects of buckets at the same time"},
			&cli.BoolFlag{Name: "delete-objects", Usage: "remove objects from the target's buckets that were deleted on the source since an earlier run (by default they are counted and kept)"},
			outputFlag("table", "table", "json", "yaml"),
			workloadFlag(),
		), kubeFlags("source-", "source")...), append(kubeFlags("target-", "target"), s3Flags("source", "target")...)...),
		Action: func(c *cli.Context) error {
			o := &migrateOptions{}
			if err := o.complete(c); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			return o.run(c.Context, c.App.Writer, c.App.ErrWriter)
		},
	}
}

// planFlags are the flags every command that works on a plan has.
func planFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "plan", Required: true, Usage: "the plan `FILE` (JSON, from scs-migrate plan)"},
		&cli.StringFlag{Name: "source", Usage: "source cloud `NAME` in clouds.yaml (default: the one the plan names)"},
		&cli.StringFlag{Name: "target", Usage: "target cloud `NAME` in clouds.yaml (default: the one the plan names)"},
	}
}

// planContext is a loaded plan with its journal path and cloud names.
type planContext struct {
	planFile, journalFile string
	plan                  *plans.Plan
	source, target        string
	s3                    s3Config
}

func (pc *planContext) load(c *cli.Context) error {
	pc.planFile = c.String("plan")
	pc.journalFile = migrate.JournalPath(pc.planFile)
	p, err := plans.Load(pc.planFile)
	if err != nil {
		return err
	}
	pc.plan = p
	pc.source = cmp.Or(c.String("source"), p.Source.Cloud)
	pc.target = cmp.Or(c.String("target"), p.Target.Cloud)
	pc.s3 = readS3Config(c)
	return nil
}

// open authenticates to one of the plan's clouds.
func (pc *planContext) open(ctx context.Context, which, name string) (*cloud.Session, error) {
	if name == "" {
		return nil, fmt.Errorf("the plan names no %s cloud: give --%s", which, which)
	}
	s, err := cloud.Open(ctx, name, cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, fmt.Errorf("%s cloud: %w", which, err)
	}
	return s, nil
}

// migrateOptions is one invocation of migrate.
type migrateOptions struct {
	planContext
	kube                *migrate.Kube
	parallel, transfers int
	keepStopped, drift  bool
	deleteObjects       bool
	objectTransfers     int
	events, output      string
	report              string
}

func (o *migrateOptions) complete(c *cli.Context) error {
	o.parallel, o.transfers = c.Int("parallel"), c.Int("transfers")
	o.keepStopped, o.drift, o.report = c.Bool("no-restart-source"), c.Bool("accept-drift"), c.String("report")
	o.events, o.output = c.String("events"), c.String("output-format")
	o.deleteObjects, o.objectTransfers = c.Bool("delete-objects"), c.Int("object-transfers")
	if o.parallel < 1 || o.transfers < 1 || o.objectTransfers < 1 {
		return fmt.Errorf("--parallel, --transfers and --object-transfers must be at least 1")
	}
	o.kube = &migrate.Kube{}
	var err error
	if o.kube.Source, err = openKube(c, "source-"); err != nil {
		return err
	}
	if o.kube.Target, err = openKube(c, "target-"); err != nil {
		return err
	}
	if o.kube.SourceWorkloads, err = kube.OpenWorkloads(c.StringSlice("workload-kubeconfig")); err != nil {
		return err
	}
	return o.load(c)
}

func (o *migrateOptions) run(ctx context.Context, stdout, stderr io.Writer) error {
	src, err := o.open(ctx, "source", o.source)
	if err != nil {
		return err
	}
	dst, err := o.open(ctx, "target", o.target)
	if err != nil {
		return err
	}
	view := newStepView(stderr, len(o.plan.Steps))
	observers := migrate.Observers{view}
	if o.events != "" {
		f, err := os.OpenFile(o.events, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--events: %w", err)
		}
		defer f.Close()
		observers = append(observers, migrate.NewEventLog(f))
	}
	bc, cs, err := o.s3.bucketCopier(ctx, o.plan, src, dst)
	if err != nil {
		return err
	}
	defer cs.close(ctx, func(err error) { fmt.Fprintln(stderr, "warning:", err) })
	opts := migrate.Options{JournalPath: o.journalFile, Parallel: o.parallel, Transfers: o.transfers,
		KeepSourceStopped: o.keepStopped, AcceptDrift: o.drift, Observer: observers, DeleteObjects: o.deleteObjects}
	if bc != nil {
		bc.Transfers, bc.Observer = o.objectTransfers, migrate.TransferObserver(observers)
		opts.Buckets = bc
	}
	reg := migrate.DefaultRegistry()
	o.kube.Progress = func(step, msg string) { fmt.Fprintf(stderr, "  %s: %s\n", step, msg) }
	o.kube.Register(reg)
	opts.Registry = reg
	rep, runErr := migrate.Run(ctx, o.plan, src, dst, opts)
	view.Close()
	if errors.Is(runErr, migrate.ErrRefused) {
		return cli.Exit(runErr.Error(), exitBlocked)
	}
	if rep != nil {
		if err := printReport(stdout, o.output, rep); err != nil {
			return err
		}
		if o.report != "" {
			if err := writeCutoverReport(o.report, o.plan, rep); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "cutover report written to %s\n", o.report)
		}
	}
	return runErr
}

// writeCutoverReport writes the cutover report, JSON for a .json file
// and Markdown otherwise, atomically.
func writeCutoverReport(path string, p *plans.Plan, rep *migrate.Report) error {
	format := "markdown"
	if strings.EqualFold(filepath.Ext(path), ".json") {
		format = "json"
	}
	var b bytes.Buffer
	if err := migrate.WriteCutoverReport(&b, migrate.NewCutoverReport(p, rep), format); err != nil {
		return err
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write the cutover report %s: %w", path, err)
	}
	return nil
}

// printReport prints a migration report as a summary or as data.
func printReport(w io.Writer, format string, rep *migrate.Report) error {
	if format != "table" {
		return encode(w, format, rep)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "plan\t%s\njournal\t%s\n", rep.PlanID, rep.Journal)
	var counts []string
	for _, s := range migrate.States {
		if n := rep.Counts[s]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, s))
		}
	}
	fmt.Fprintf(tw, "steps\t%d: %s\n", len(rep.Steps), strings.Join(counts, ", "))
	if !rep.StartedAt.IsZero() {
		fmt.Fprintf(tw, "time\t%s\n", rep.FinishedAt.Sub(rep.StartedAt).Round(time.Millisecond))
		fmt.Fprintf(tw, "API calls\tsource %d, target %d\n", rep.SourceCalls, rep.TargetCalls)
	}
	fmt.Fprintf(tw, "data\t%s\n", humanBytes(rep.Bytes))
	for _, a := range rep.AddressChanges {
		fmt.Fprintf(tw, "address\t%s → %s\t%s\n", a.Old, a.New, strings.TrimSpace(a.Server+" "+a.DNSName))
	}
	for _, c := range rep.Servers {
		switch {
		case c.Restarted:
			fmt.Fprintf(tw, "cutover\t%s\tfailed: running on the source again\n", c.Name)
		case c.Downtime > 0:
			fmt.Fprintf(tw, "cutover\t%s\tdown %s (estimated %s)\n", c.Name, c.Downtime.Round(100*time.Millisecond), c.Estimate)
		}
	}
	for _, s := range rep.Restarted {
		fmt.Fprintf(tw, "restarted\t%s\n", s)
	}
	tw.Flush()
	for _, s := range rep.Steps {
		if s.State == migrate.StateFailed {
			fmt.Fprintf(w, "✗ %s: %s\n", s.ID, s.Error)
		}
	}
	return nil
}

// stepView shows step progress: a line per finished step on plain
// output; on a terminal, the transfer bars plus a line counting steps.
type stepView struct {
	transfers progressView
	w         io.Writer
	tty       bool
	total     int

	mu                    sync.Mutex
	done, failed, running int
}

func newStepView(w io.Writer, total int) *stepView {
	return &stepView{transfers: newProgress(w), w: w, tty: isTerminal(w), total: total}
}

func (v *stepView) StepChanged(e migrate.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch e.To {
	case migrate.StateRunning:
		v.running++
	case migrate.StateSucceeded:
		v.running--
		v.done++
	case migrate.StateFailed:
		v.running--
		v.failed++
	}
	if v.tty {
		v.transfers.Stage("steps", fmt.Sprintf("%d of %d done, %d running, %d failed", v.done, v.total, v.running, v.failed))
		return
	}
	switch e.To {
	case migrate.StateSucceeded:
		fmt.Fprintf(v.w, "step: ✓ %s %s\n", e.Kind, e.Name)
	case migrate.StateFailed, migrate.StateSkipped:
		fmt.Fprintf(v.w, "step: ✗ %s %s: %s\n", e.Kind, e.Name, e.Error)
	}
}

func (v *stepView) TransferStarted(id, name string, total int64) {
	v.transfers.Started(id, name, total)
}
func (v *stepView) TransferProgress(id string, delta int64) { v.transfers.Progress(id, delta) }
func (v *stepView) TransferFinished(id string, err error)   { v.transfers.Finished(id, err) }
func (v *stepView) Close()                                  { v.transfers.Close() }
func (v *stepView) Objects(id string, done, total int64)    { v.transfers.Objects(id, done, total) }

var _ migrate.Observer = (*stepView)(nil)
