package plans

import (
	"fmt"
	"io"
	"strings"
)

// writeMarkdown renders the report as GitHub-flavoured Markdown, e.g.
// for a merge request or a wiki page.
func (r *Report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	c := r.Counts
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(r.title()))
	fmt.Fprintf(&b, "**Score %d/100: %s**, generated %s\n\n", r.Score, verdictText(r.Verdict), r.GeneratedAt)
	fmt.Fprintf(&b, "| Portable | Copied | Changed | Blocked |\n|---:|---:|---:|---:|\n| %d | %d | %d | %d |\n\n",
		c.Portable, c.Copy, c.Change, c.Blocked)
	fmt.Fprintf(&b, "_%s_\n\n## Standards\n\n| | |\n|---|---|\n", mdEscape(r.ScoreFormula))
	for _, row := range r.standardsRows() {
		fmt.Fprintf(&b, "| %s | %s |\n", row.Label, mdEscape(listOrNone(row.Values)))
	}
	for _, g := range r.groups() {
		fmt.Fprintf(&b, "\n## %s (%d)\n\n| Status | Name | Target | Reason |\n|---|---|---|---|\n", g.Title, len(g.Items))
		for _, it := range g.Items {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", statusMark(it.Status), mdEscape(orDash(it.Name)), mdEscape(orDash(it.Target)), mdEscape(it.Reason))
		}
	}
	if len(r.Preflight) > 0 {
		fmt.Fprintf(&b, "\n## Pre-flight (%d checks, %d failed)\n\n| | Check | Detail |\n|---|---|---|\n", len(r.Preflight), len(r.Preflight)-countOK(r.Preflight))
		for _, ok := range []bool{false, true} {
			for _, ch := range r.Preflight {
				if ch.OK == ok {
					fmt.Fprintf(&b, "| %s | %s | %s |\n", okWord(ch.OK), mdEscape(ch.Name), mdEscape(ch.Detail))
				}
			}
		}
	}
	if len(r.Warnings) > 0 {
		fmt.Fprintf(&b, "\n## Warnings (%d)\n\n", len(r.Warnings))
		for _, f := range r.Warnings {
			fmt.Fprintf(&b, "- **%s %s**: %s\n", mdEscape(f.Kind), mdEscape(f.Name), mdEscape(f.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// statusMark makes a status stand out in a table.
func statusMark(s Status) string {
	if s == StatusBlocked {
		return "**blocked**"
	}
	return string(s)
}

// mdEscape keeps table cells intact.
var mdReplacer = strings.NewReplacer("|", `\|`, "\n", " ", "*", `\*`, "_", `\_`, "<", "&lt;", ">", "&gt;")

func mdEscape(s string) string { return mdReplacer.Replace(s) }
