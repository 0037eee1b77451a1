package plans

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// reportHTML is the page: inline CSS and SVG, no external assets, so the
// one file can be mailed or attached to a ticket.
//
//go:embed report.html.tmpl
var reportHTML string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": func(v []string) string { return strings.Join(v, ", ") },
}).Parse(reportHTML))

// htmlPage is what the template renders.
type htmlPage struct {
	R         *Report
	Verdict   string
	Gauge     template.HTML
	Donut     template.HTML
	Bars      template.HTML
	Legend    []legendRow
	Attention []string
	Standards []standardsRow
	Groups    []itemGroup
	Checks    []Check // failures first
}

type legendRow struct {
	Color, Label string
	N            int
}

// writeHTML renders the report as one self-contained HTML page.
func (r *Report) writeHTML(w io.Writer) error {
	groups := r.groups()
	page := htmlPage{R: r, Verdict: verdictText(r.Verdict), Gauge: scoreGauge(r.Score), Donut: statusDonut(r.Counts),
		Bars: kindBars(groups), Standards: r.standardsRows(), Groups: groups, Attention: r.attention()}
	labels := map[Status]string{StatusPortable: "portable", StatusCopy: "copied", StatusChange: "changed", StatusBlocked: "blocked"}
	for _, s := range statusOrder {
		page.Legend = append(page.Legend, legendRow{Color: statusColors[s], Label: labels[s], N: r.Counts.of(s)})
	}
	for _, ok := range []bool{false, true} {
		for _, c := range r.Preflight {
			if c.OK == ok {
				page.Checks = append(page.Checks, c)
			}
		}
	}
	return reportTemplate.Execute(w, page)
}

// Title is the report's subject line (the template calls it).
func (r *Report) Title() string { return r.title() }

// attention lists what blocks or fails, for the top of the page.
func (r *Report) attention() []string {
	var out []string
	for _, it := range r.Items {
		if it.Status == StatusBlocked {
			out = append(out, fmt.Sprintf("%s %s is blocked: %s", it.Kind, quoteName(it.Name), it.Reason))
		}
	}
	for _, c := range r.Preflight {
		if !c.OK && !isServiceCheck(c) {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return out
}
