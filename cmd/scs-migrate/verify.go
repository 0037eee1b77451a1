package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:  "verify",
		Usage: "compare the target with the source inventory of a migrated plan",
		Description: "Inventories the target and compares every migrated resource with the source inventory\n" +
			"the plan carries, through the plan's mappings and the journal's ID map: presence and\n" +
			"counts, CIDRs, pools, DNS and routes, fixed IPs, security group rule sets, volume sizes\n" +
			"and types, image checksums, flavors, attachments in device order, keypair fingerprints,\n" +
			"load balancer listeners, pools and members, and every object of the copied buckets (size\n" +
			"and checksum). Prints a diff; exits 1 on any difference.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "plan", Required: true, Usage: "the plan `FILE`"},
			&cli.StringFlag{Name: "source", Usage: "source cloud `NAME` in clouds.yaml, to compare the buckets' objects (default: the one the plan names)"},
			&cli.StringFlag{Name: "target", Usage: "target cloud `NAME` in clouds.yaml (default: the one the plan names)"},
			outputFlag("table", "table", "json", "yaml"),
		}, s3Flags("source", "target")...),
		Action: func(c *cli.Context) error {
			var pc planContext
			if err := pc.load(c); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			return runVerify(c.Context, &pc, c.App.Writer, c.String("output-format"))
		},
	}
}

func runVerify(ctx context.Context, pc *planContext, w io.Writer, format string) error {
	j, err := migrate.OpenJournal(pc.journalFile, pc.plan, true)
	if err != nil {
		return err
	}
	defer j.Close()
	dst, err := pc.open(ctx, "target", pc.target)
	if err != nil {
		return err
	}
	var opts migrate.VerifyOptions
	if slices.ContainsFunc(pc.plan.Steps, func(s plans.Step) bool { return s.Kind == plans.StepCopyBucket }) {
		src, err := pc.open(ctx, "source", pc.source)
		if err != nil {
			return err
		}
		bc, cs, err := pc.s3.bucketCopier(ctx, pc.plan, src, dst)
		if err != nil {
			return err
		}
		defer cs.close(ctx, func(err error) { fmt.Fprintln(os.Stderr, "warning:", err) })
		opts.Buckets = bc
	}
	rep, err := migrate.Verify(ctx, pc.plan, j, dst, opts)
	if err != nil {
		return err
	}
	if format != "table" {
		if err := encode(w, format, rep); err != nil {
			return err
		}
	} else if err := printVerify(w, rep); err != nil {
		return err
	}
	if !rep.OK() {
		return cli.Exit(fmt.Sprintf("verify: %d differences between the source and the target", len(rep.Differences)), 1)
	}
	return nil
}

func printVerify(w io.Writer, rep *migrate.VerifyReport) error {
	if err := rep.WriteDiff(w); err != nil {
		return err
	}
	n := 0
	for _, c := range rep.Checked {
		n += c
	}
	for _, note := range rep.Notes {
		fmt.Fprintln(w, "note:", note)
	}
	if rep.OK() {
		fmt.Fprintf(w, "verify: OK, %d resources of plan %s match the source\n", n, rep.PlanID)
	}
	return nil
}
