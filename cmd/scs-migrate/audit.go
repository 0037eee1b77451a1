package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/plans"
)

func auditCommand() *cli.Command {
	return &cli.Command{
		Name:  "audit",
		Usage: "rate how portable a tenant is, by the SCS standards or against a target cloud",
		Description: "Without --target: which flavors and images are standard (scs-0103, scs-0104), which flavors\n" +
			"have a standard equivalent, which tenant images miss scs-0102 metadata, which services lie\n" +
			"outside the scs-0123 mandatory set. With --target: every resource as portable, copy, change\n" +
			"or blocked with its reason, the pre-flight checks and quota shortfalls, and a score (0-100).\n" +
			"-o html writes one self-contained page. Exit codes: 0 portable, 3 portable with changes,\n" +
			"4 something blocked or a pre-flight check failed, 2 bad input, 1 other errors.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Usage: "snapshot the source `CLOUD`"},
			&cli.StringFlag{Name: "inventory", Aliases: []string{"i"}, Usage: "or read the inventory `FILE`"},
			&cli.StringFlag{Name: "target", Aliases: []string{"t"}, Usage: "the target `CLOUD` to audit against (optional)"},
			&cli.StringFlag{Name: "output-format", Aliases: []string{"o"}, Value: "table",
				Usage: "report `FORMAT`: " + strings.Join(plans.ReportFormats, ", ")},
			&cli.StringFlag{Name: "output", Usage: "write the report to `FILE` instead of stdout"},
			workloadFlag(),
		}, append(kubeFlags("source-", "source"), s3Flags("source")...)...),
		Action: runAudit,
	}
}

func runAudit(c *cli.Context) error {
	file, source, format := c.String("inventory"), c.String("source"), c.String("output-format")
	if err := oneSource(file, source); err != nil {
		return err
	}
	if !slices.Contains(plans.ReportFormats, format) {
		return cli.Exit(fmt.Sprintf("-o %q: want one of %s", format, strings.Join(plans.ReportFormats, ", ")), exitBadInput)
	}
	inv, err := loadSource(c, file, source)
	if err != nil {
		return err
	}
	var tgt *plans.Target
	if name := c.String("target"); name != "" {
		if tgt, err = readTarget(c.Context, name); err != nil {
			return err
		}
	}
	r := plans.Audit(inv, tgt)
	if path := c.String("output"); path != "" {
		if err := writeReport(path, r, format); err != nil {
			return err
		}
		fmt.Fprintf(c.App.ErrWriter, "audit report written to %s: score %d/100, %s\n", path, r.Score, r.Verdict)
	} else if err := r.Write(c.App.Writer, format); err != nil {
		return err
	}
	return verdictExit(r.Verdict, "audit")
}
