package plans

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"
)

// statusColors are the report's colours per status.
var statusColors = map[Status]string{
	StatusPortable: "#2e9e5b", StatusCopy: "#3b7dd8", StatusChange: "#e0a020", StatusBlocked: "#d64545",
}

// statusOrder is the order of statuses in charts and legends.
var statusOrder = []Status{StatusPortable, StatusCopy, StatusChange, StatusBlocked}

func (c Counts) of(s Status) int {
	switch s {
	case StatusPortable:
		return c.Portable
	case StatusCopy:
		return c.Copy
	case StatusChange:
		return c.Change
	}
	return c.Blocked
}

func (c Counts) total() int { return c.Portable + c.Copy + c.Change + c.Blocked }

// scoreColor grades the score: green, amber or red.
func scoreColor(score int) string {
	switch {
	case score >= 85:
		return statusColors[StatusPortable]
	case score >= 60:
		return statusColors[StatusChange]
	}
	return statusColors[StatusBlocked]
}

// scoreGauge draws the score as a ring filled to the score.
func scoreGauge(score int) template.HTML {
	const r, w = 54.0, 14.0
	circ := 2 * math.Pi * r
	filled := circ * float64(score) / 100
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="gauge" viewBox="0 0 140 140" width="140" height="140" role="img" aria-label="score %d of 100">`, score)
	fmt.Fprintf(&b, `<circle cx="70" cy="70" r="%.0f" fill="none" stroke="#e6e8ec" stroke-width="%.0f"/>`, r, w)
	fmt.Fprintf(&b, `<circle cx="70" cy="70" r="%.0f" fill="none" stroke="%s" stroke-width="%.0f" stroke-linecap="round" `+
		`stroke-dasharray="%.2f %.2f" transform="rotate(-90 70 70)"/>`, r, scoreColor(score), w, filled, circ)
	fmt.Fprintf(&b, `<text x="70" y="78" text-anchor="middle" class="gauge-num">%d</text>`, score)
	b.WriteString(`<text x="70" y="98" text-anchor="middle" class="gauge-of">of 100</text></svg>`)
	return template.HTML(b.String())
}

// statusDonut draws the share of each status as a donut.
func statusDonut(c Counts) template.HTML {
	const r, w = 60.0, 26.0
	circ := 2 * math.Pi * r
	total := c.total()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="donut" viewBox="0 0 160 160" width="160" height="160" role="img" aria-label="%d resources by status">`, total)
	fmt.Fprintf(&b, `<circle cx="80" cy="80" r="%.0f" fill="none" stroke="#e6e8ec" stroke-width="%.0f"/>`, r, w)
	offset := 0.0
	for _, s := range statusOrder {
		n := c.of(s)
		if n == 0 || total == 0 {
			continue
		}
		seg := circ * float64(n) / float64(total)
		fmt.Fprintf(&b, `<circle cx="80" cy="80" r="%.0f" fill="none" stroke="%s" stroke-width="%.0f" `+
			`stroke-dasharray="%.2f %.2f" stroke-dashoffset="%.2f" transform="rotate(-90 80 80)"><title>%s: %d</title></circle>`,
			r, statusColors[s], w, seg, circ-seg, -offset, s, n)
		offset += seg
	}
	fmt.Fprintf(&b, `<text x="80" y="86" text-anchor="middle" class="donut-num">%d</text>`, total)
	b.WriteString(`<text x="80" y="104" text-anchor="middle" class="donut-of">resources</text></svg>`)
	return template.HTML(b.String())
}

// kindBars draws one stacked bar per kind, each status a segment.
func kindBars(groups []itemGroup) template.HTML {
	const labelW, barW, rowH, countW = 150.0, 560.0, 26.0, 60.0
	height := rowH*float64(len(groups)) + 8
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="resources per kind by status">`,
		labelW+barW+countW, height)
	for i, g := range groups {
		y := 4 + rowH*float64(i)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" class="bar-label">%s</text>`, labelW-10, y+15, html.EscapeString(g.Title))
		total := g.Counts.total()
		x := labelW
		for _, s := range statusOrder {
			n := g.Counts.of(s)
			if n == 0 {
				continue
			}
			seg := barW * float64(n) / float64(total)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="18" fill="%s"><title>%s %s: %d</title></rect>`,
				x, y+2, seg, statusColors[s], html.EscapeString(g.Title), s, n)
			if seg >= 22 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" class="bar-num">%d</text>`, x+seg/2, y+15, n)
			}
			x += seg
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" class="bar-total">%d</text>`, labelW+barW+8, y+15, total)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
