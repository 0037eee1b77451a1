package plans

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeTable renders the report for a terminal.
func (r *Report) writeTable(w io.Writer) error {
	var b strings.Builder
	c := r.Counts
	fmt.Fprintf(&b, "%s\n", r.title())
	fmt.Fprintf(&b, "Score %d/100: %s (%d portable, %d copied, %d changed, %d blocked)\n",
		r.Score, verdictText(r.Verdict), c.Portable, c.Copy, c.Change, c.Blocked)
	fmt.Fprintf(&b, "(%s)\n", r.ScoreFormula)

	fmt.Fprintf(&b, "\nStandards\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, row := range r.standardsRows() {
		fmt.Fprintf(tw, "  %s\t%s\n", row.Label, listOrNone(row.Values))
	}
	tw.Flush()

	for _, g := range r.groups() {
		fmt.Fprintf(&b, "\n%s (%d)\n", g.Title, len(g.Items))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  STATUS\tNAME\tTARGET\tREASON")
		for _, it := range g.Items {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", it.Status, orDash(it.Name), orDash(it.Target), it.Reason)
		}
		tw.Flush()
	}
	writeChecksText(&b, r.Preflight)
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "\nWarnings (%d)\n", len(r.Warnings))
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, f := range r.Warnings {
			fmt.Fprintf(tw, "  !\t%s\t%s\t%s\n", f.Kind, f.Name, f.Reason)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeChecksText lists the pre-flight checks, failures first.
func writeChecksText(b *strings.Builder, checks []Check) {
	if len(checks) == 0 {
		return
	}
	fmt.Fprintf(b, "\nPre-flight (%d checks, %d failed)\n", len(checks), len(checks)-countOK(checks))
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, ok := range []bool{false, true} {
		for _, c := range checks {
			if c.OK == ok {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", okWord(c.OK), c.Name, c.Detail)
			}
		}
	}
	tw.Flush()
}

func countOK(checks []Check) int {
	n := 0
	for _, c := range checks {
		if c.OK {
			n++
		}
	}
	return n
}

func okWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "FAIL"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
