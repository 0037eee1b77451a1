package main

import (
	"context"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// Exit codes of plan and audit, for scripts (see docs/plan.md):
//
//	0  portable: everything moves as it is or is copied
//	1  an error (a cloud unreachable, a file not writable, …)
//	2  bad input: flags, an inventory or mapping file that does not parse
//	   or names what does not exist
//	3  portable with changes: something maps with a change to review
//	4  something is blocked, or a pre-flight check (quota, clash) failed
const (
	exitBadInput = 2
	exitChanges  = 3
	exitBlocked  = 4
)

func planCommand() *cli.Command {
	return &cli.Command{
		Name:  "plan",
		Usage: "map a tenant onto a target cloud by the SCS standards and write the migration plan",
		Description: "Reads the target's flavors, images, volume types, networks, zones, quotas and what its project\n" +
			"already holds; maps every resource of the source inventory onto it by the SCS standards (each\n" +
			"decision with its rule and reason; --mapping overrides win); and writes the plan: the mappings\n" +
			"and a DAG of steps that `scs-migrate migrate` executes. The plan is printed like `terraform\n" +
			"plan`; without --output nothing is written (a preview). Exit codes: 0 a plan with nothing\n" +
			"blocked, 4 something blocked or a pre-flight check failed (the plan is still written, and\n" +
			"migrate refuses it), 2 bad input, 1 other errors; with --detailed-exitcode also 3 when\n" +
			"something maps with a change to review. Give --source-kubeconfig with --source to include the\n" +
			"tenant's Kubernetes clusters.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "inventory", Aliases: []string{"i"}, Usage: "the source inventory `FILE` (from scs-migrate inventory)"},
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "snapshot the source `CLOUD` first instead of --inventory"},
			&cli.StringFlag{Name: "target", Aliases: []string{"t"}, Required: true, Usage: "the target `CLOUD` (clouds.yaml name)"},
			&cli.StringFlag{Name: "mapping", Aliases: []string{"m"}, Usage: "override `FILE` (YAML, see examples/mapping.yaml)"},
			&cli.IntFlag{Name: "bandwidth", Value: plans.DefaultBandwidthMbps, Usage: "bandwidth in `MBPS` for the duration estimate"},
			&cli.StringFlag{Name: "cutover", Value: plans.CutoverCold, Usage: "`MODE`: cold (stop source servers before the final copy) or live"},
			&cli.StringFlag{Name: "output", Usage: "write the plan to `FILE` (JSON, mode 0600); without it the plan is only shown"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 3 when the plan has changes to review (as `terraform plan -detailed-exitcode`)"},
			workloadFlag(),
		}, append(append(kubeFlags("source-", "source"), kubeFlags("target-", "target")...), s3Flags("source")...)...),
		Action: func(c *cli.Context) error {
			o := planOptions{}
			o.complete(c)
			if err := o.validate(); err != nil {
				return err
			}
			return o.run(c.Context, c)
		},
	}
}

// planOptions are the plan command's flags.
type planOptions struct {
	inventory, source, target, mapping, output, cutover string
	bandwidth                                           int
	detailed                                            bool
}

func (o *planOptions) complete(c *cli.Context) {
	o.inventory, o.source, o.target = c.String("inventory"), c.String("source"), c.String("target")
	o.mapping, o.output, o.cutover = c.String("mapping"), c.String("output"), c.String("cutover")
	o.bandwidth, o.detailed = c.Int("bandwidth"), c.Bool("detailed-exitcode")
}

func (o *planOptions) validate() error {
	if err := oneSource(o.inventory, o.source); err != nil {
		return err
	}
	if o.bandwidth <= 0 {
		return cli.Exit(fmt.Sprintf("--bandwidth %d: want a positive number of Mbit/s", o.bandwidth), exitBadInput)
	}
	if o.cutover != plans.CutoverCold && o.cutover != plans.CutoverLive {
		return cli.Exit(fmt.Sprintf("--cutover %q: want cold or live", o.cutover), exitBadInput)
	}
	return nil
}

func (o *planOptions) run(ctx context.Context, c *cli.Context) error {
	var ov *plans.Overrides
	if o.mapping != "" {
		var err error
		if ov, err = plans.LoadMapping(o.mapping); err != nil {
			return cli.Exit(err.Error(), exitBadInput)
		}
	}
	inv, err := loadSource(c, o.inventory, o.source)
	if err != nil {
		return err
	}
	tgt, err := readTarget(ctx, o.target)
	if err != nil {
		return err
	}
	tk, err := openKube(c, "target-")
	if err != nil {
		return err
	}
	if tk != nil {
		plans.ReadTargetClusterClasses(ctx, tgt, tk, tk.Namespace)
	}
	p, err := plans.Build(inv, tgt, plans.BuildOptions{Overrides: ov, Cutover: o.cutover, BandwidthMbps: o.bandwidth,
		SourceCloud: o.source, TargetCloud: o.target})
	if err != nil {
		return cli.Exit(err.Error(), exitBadInput)
	}
	if o.output != "" {
		if err := plans.WriteFile(o.output, p); err != nil {
			return err
		}
	}
	if err := plans.Render(c.App.Writer, p, plans.RenderOptions{BandwidthMbps: o.bandwidth}); err != nil {
		return err
	}
	what := "plan " + o.output
	if o.output == "" {
		what = "plan"
		fmt.Fprintln(c.App.ErrWriter, "a preview: nothing written (give --output FILE to write the plan)")
	} else {
		fmt.Fprintf(c.App.ErrWriter, "plan %s written to %s\n", p.ID, o.output)
	}
	v := plans.ReportFromPlan(p, clock.Real().Now()).Verdict
	if v == plans.VerdictWithChanges && !o.detailed {
		return nil
	}
	return verdictExit(v, what)
}

// oneSource checks that exactly one of --inventory and --source is set.
func oneSource(inventoryFile, source string) error {
	switch {
	case inventoryFile == "" && source == "":
		return cli.Exit("give the source as --inventory FILE or --source CLOUD", exitBadInput)
	case inventoryFile != "" && source != "":
		return cli.Exit("give either --inventory or --source, not both", exitBadInput)
	}
	return nil
}

// loadSource reads the inventory file, or snapshots the source cloud
// with its Kubernetes clusters when --source-kubeconfig names their
// management cluster. A file that does not parse or does not hang
// together is bad input.
func loadSource(c *cli.Context, file, source string) (*inventory.Document, error) {
	if file != "" {
		if c.IsSet("source-kubeconfig") {
			return nil, cli.Exit("--source-kubeconfig goes with --source; an inventory file holds its clusters already", exitBadInput)
		}
		doc, err := inventory.Load(file)
		if err != nil {
			return nil, cli.Exit(err.Error(), exitBadInput)
		}
		if err := doc.Validate(); err != nil {
			return nil, cli.Exit(fmt.Sprintf("inventory %s: %v", file, err), exitBadInput)
		}
		return doc, nil
	}
	s, err := cloud.Open(c.Context, source, cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, err
	}
	opts := inventory.Options{}
	s3c, closeS3, err := inventoryS3(c, s)
	if err != nil {
		return nil, err
	}
	defer closeS3()
	opts.S3 = s3c
	mgmt, err := openKube(c, "source-")
	if err != nil {
		return nil, err
	}
	if mgmt != nil {
		workloads, err := kube.OpenWorkloads(c.StringSlice("workload-kubeconfig"))
		if err != nil {
			return nil, err
		}
		opts.Clusters = &inventory.KubeClusters{Management: mgmt, Workloads: workloads}
	}
	fmt.Fprintf(c.App.ErrWriter, "taking the inventory of %s …\n", source)
	if mgmt == nil {
		fmt.Fprintln(c.App.ErrWriter, "note: Kubernetes clusters are left out: give --source-kubeconfig (the source KaaS management cluster) to include them")
	}
	return inventory.Collect(c.Context, s, opts)
}

// readTarget opens the target and reads what it offers.
func readTarget(ctx context.Context, name string) (*plans.Target, error) {
	s, err := cloud.Open(ctx, name, cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "reading what %s offers …\n", name)
	tgt, err := plans.ReadTarget(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, w := range tgt.Warnings {
		fmt.Fprintf(os.Stderr, "warning: target %s: %s\n", w.Kind, w.Message)
	}
	return tgt, nil
}

// verdictExit turns a verdict into the documented exit code.
func verdictExit(v plans.Verdict, what string) error {
	switch v {
	case plans.VerdictBlocked:
		return cli.Exit(what+": something is blocked or a pre-flight check failed", exitBlocked)
	case plans.VerdictWithChanges:
		return cli.Exit("", exitChanges)
	}
	return nil
}
