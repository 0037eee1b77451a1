package main

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show where the migration of a plan stands",
		Description: "Reads the plan's journal (PLAN.journal) and prints each step's state, the counts and\n" +
			"the errors. It needs no cloud access. While a migrate runs, the journal is locked: follow\n" +
			"migrate --events instead.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "plan", Required: true, Usage: "the plan `FILE`"},
			outputFlag("table", "table", "json", "yaml"),
		},
		Action: func(c *cli.Context) error {
			var pc planContext
			if err := pc.load(c); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			return runStatus(&pc, c.App.Writer, c.String("output-format"))
		},
	}
}

func runStatus(pc *planContext, w io.Writer, format string) error {
	j, err := migrate.OpenJournal(pc.journalFile, pc.plan, true)
	if errors.Is(err, migrate.ErrNoJournal) {
		return printStatus(w, format, migrate.Status(pc.plan, nil))
	}
	if err != nil {
		return err
	}
	defer j.Close()
	return printStatus(w, format, migrate.Status(pc.plan, j))
}

func printStatus(w io.Writer, format string, rep *migrate.Report) error {
	if format != "table" {
		return encode(w, format, rep)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tKIND\tNAME\tTARGET ID\tNOTE")
	for _, s := range rep.Steps {
		note := s.Error
		if note == "" && len(s.Notes) > 0 {
			note = s.Notes[0]
		}
		if s.Kind == plans.StepCopyBucket && s.Error == "" && s.Values["objects"] != "" {
			// A bucket is synced on every migrate: say what the last sync found.
			note = fmt.Sprintf("last sync: %s objects, %s copied, %s only on the target", s.Values["objects"], s.Values["copied"], s.Values["onlyOnTarget"])
		}
		if s.Adopted && note == "" {
			note = "adopted"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.State, s.Kind, s.Name, s.TargetID, note)
	}
	tw.Flush()
	if rep.Journal == "" {
		fmt.Fprintln(w, "no journal yet: the plan has not been migrated")
	}
	return printReport(w, "table", rep)
}
