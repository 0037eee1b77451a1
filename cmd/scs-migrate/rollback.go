package main

import (
	"context"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/migrate"
)

func rollbackCommand() *cli.Command {
	return &cli.Command{
		Name:  "rollback",
		Usage: "delete what a plan created on the target, and nothing else",
		Description: "Deletes the target resources the plan's journal records and those carrying the plan's\n" +
			"markers, in reverse dependency order; puts back the rules of the target's default security\n" +
			"group; removes temporary copies from both clouds; starts the source servers the plan\n" +
			"stopped. It can be run again until it succeeds; afterwards the plan can be migrated anew.",
		Flags: append(append(append(planFlags(), outputFlag("table", "table", "json", "yaml")), kubeFlags("target-", "target")...), s3Flags("source", "target")...),
		Action: func(c *cli.Context) error {
			var pc planContext
			if err := pc.load(c); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			tk, err := openKube(c, "target-")
			if err != nil {
				return err
			}
			return runRollback(c.Context, &pc, c.App.Writer, c.String("output-format"), &migrate.Kube{Target: tk})
		},
	}
}

func runRollback(ctx context.Context, pc *planContext, w io.Writer, format string, k *migrate.Kube) error {
	src, err := pc.open(ctx, "source", pc.source)
	if err != nil {
		return err
	}
	dst, err := pc.open(ctx, "target", pc.target)
	if err != nil {
		return err
	}
	j, err := migrate.OpenJournal(pc.journalFile, pc.plan, false)
	if err != nil {
		return err
	}
	defer j.Close()
	opts := migrate.RollbackOptions{Kube: k}
	bc, cs, err := pc.s3.bucketCopier(ctx, pc.plan, src, dst)
	if err != nil {
		return err
	}
	defer cs.close(ctx, func(err error) { fmt.Fprintln(w, "warning:", err) })
	if bc != nil {
		opts.Buckets = bc
	}
	rep, rbErr := migrate.Rollback(ctx, pc.plan, j, src, dst, opts)
	if rep != nil {
		if format != "table" {
			if err := encode(w, format, rep); err != nil {
				return err
			}
		} else {
			for _, d := range rep.Deleted {
				fmt.Fprintln(w, "deleted", d)
			}
			for _, g := range rep.Restored {
				fmt.Fprintln(w, "restored the rules of default security group", g)
			}
			for _, t := range rep.Temporaries {
				fmt.Fprintln(w, "removed temporary", t)
			}
			for _, s := range rep.Restarted {
				fmt.Fprintln(w, "restarted source server", s)
			}
		}
	}
	return rbErr
}
