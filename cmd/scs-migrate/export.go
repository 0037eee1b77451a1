package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/export"
	"github.com/scs-migrate/scs-migrate/migrate"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:  "export",
		Usage: "write what a migration made on the target as OpenTofu code",
		Description: "Reads the plan's journal for the resources the migration created on the target and a\n" +
			"fresh inventory of the target for their attributes, and writes OpenTofu (or Terraform)\n" +
			"code for terraform-provider-openstack into DIR: a resource block for each, referring to\n" +
			"each other, and an import block with its target ID, so that after `tofu init` the first\n" +
			"`tofu apply` only imports and `tofu plan` shows no changes. DIR must be empty or absent\n" +
			"unless --force replaces it; it is written whole or not at all.",
		Flags: append(planFlags(),
			&cli.StringFlag{Name: "format", Value: "opentofu", Usage: "the code to write: opentofu (also read by Terraform)"},
			&cli.StringFlag{Name: "output", Required: true, Usage: "the `DIR` to write the code into"},
			&cli.BoolFlag{Name: "force", Usage: "replace a DIR that has files"},
		),
		Action: func(c *cli.Context) error {
			if f := c.String("format"); f != "opentofu" && f != "terraform" {
				return cli.Exit(fmt.Sprintf("--format %q: only opentofu is written", f), 2)
			}
			var pc planContext
			if err := pc.load(c); err != nil {
				return cli.Exit(err.Error(), 2)
			}
			// Refuse before any cloud call; WriteDir checks again.
			if entries, err := os.ReadDir(c.String("output")); err == nil && len(entries) > 0 && !c.Bool("force") {
				return cli.Exit(fmt.Sprintf("%s: %v", c.String("output"), export.ErrNotEmpty), 2)
			}
			return runExport(c, &pc, c.String("output"), c.Bool("force"), c.App.Writer)
		},
	}
}

func runExport(c *cli.Context, pc *planContext, dir string, force bool, w io.Writer) error {
	dst, err := pc.open(c.Context, "target", pc.target)
	if err != nil {
		return err
	}
	res, err := export.Plan(c.Context, pc.planFile, pc.plan, dst, export.Options{Cloud: pc.target})
	if errors.Is(err, migrate.ErrNoJournal) {
		return fmt.Errorf("the plan has not been migrated (no journal %s): nothing to export", pc.journalFile)
	}
	if err != nil {
		return err
	}
	if err := export.WriteDir(dir, res.Files, force); err != nil {
		return err
	}
	total := 0
	for _, typ := range slices.Sorted(maps.Keys(res.Counts)) {
		fmt.Fprintf(w, "%4d %s\n", res.Counts[typ], typ)
		total += res.Counts[typ]
	}
	for _, s := range res.Skipped {
		fmt.Fprintln(w, "not written:", s)
	}
	fmt.Fprintf(w, "wrote %d resources with their import blocks to %s: run tofu init, tofu apply (imports only), then tofu plan\n", total, dir)
	return nil
}
