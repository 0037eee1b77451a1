package plans

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// ReportFormats are the formats Report.Write knows.
var ReportFormats = []string{"table", "json", "markdown", "html"}

// Write renders the report as "table" (for a terminal), "json",
// "markdown" or "html" (one self-contained page).
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "table":
		return r.writeTable(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		return r.writeMarkdown(w)
	case "html":
		return r.writeHTML(w)
	}
	return fmt.Errorf("report format %q: want one of %s", format, strings.Join(ReportFormats, ", "))
}

// itemGroup is the items of one kind.
type itemGroup struct {
	Kind   string
	Title  string
	Items  []Item
	Counts Counts
	// Open is set when the group has something not portable: the HTML
	// page shows it unfolded.
	Open bool
}

// groups splits the (sorted) items by kind.
func (r *Report) groups() []itemGroup {
	var out []itemGroup
	for _, it := range r.Items {
		if len(out) == 0 || out[len(out)-1].Kind != it.Kind {
			out = append(out, itemGroup{Kind: it.Kind, Title: kindTitle(it.Kind)})
		}
		g := &out[len(out)-1]
		g.Items = append(g.Items, it)
		g.Counts.add(it.Status)
		g.Open = g.Open || it.Status != StatusPortable
	}
	return out
}

func (c *Counts) add(s Status) {
	switch s {
	case StatusPortable:
		c.Portable++
	case StatusCopy:
		c.Copy++
	case StatusChange:
		c.Change++
	case StatusBlocked:
		c.Blocked++
	}
}

// kindTitles are the plural headings of the item kinds.
var kindTitles = map[string]string{
	"service": "Services", "flavor": "Flavors", "image": "Images", "volume-type": "Volume types",
	"external-network": "External networks", "compute-az": "Compute zones", "volume-az": "Volume zones",
	"server": "Servers", "volume": "Volumes", "network": "Networks", "subnet": "Subnets", "router": "Routers",
	"security-group": "Security groups", "keypair": "Keypairs", "server-group": "Server groups",
	"floating-ip": "Floating IPs", "load-balancer": "Load balancers", "port": "Ports", "cluster": "Clusters",
}

func kindTitle(kind string) string {
	if t, ok := kindTitles[kind]; ok {
		return t
	}
	return kind
}

// verdictText is a verdict for people.
func verdictText(v Verdict) string {
	switch v {
	case VerdictPortable:
		return "portable"
	case VerdictWithChanges:
		return "portable with changes"
	}
	return "something is blocked"
}

// title is the report's one-line subject.
func (r *Report) title() string {
	if r.Target == nil {
		return "Portability of " + shortEndpoint(r.Source) + " by the SCS standards"
	}
	return "Portability of " + shortEndpoint(r.Source) + " to " + shortEndpoint(*r.Target)
}

func shortEndpoint(e Endpoint) string {
	name := e.ProjectName
	if name == "" {
		name = e.ProjectID
	}
	where := e.Cloud
	if where == "" {
		where = e.AuthURL
	}
	if e.Region != "" {
		where += " (" + e.Region + ")"
	}
	return "project " + name + " on " + where
}

// standardsRow is one line of the standards summary.
type standardsRow struct {
	Label  string
	Values []string
	// Inline is set for short names, which read best on one line.
	Inline bool
}

// standardsRows are the standards summary, one row per standard.
func (r *Report) standardsRows() []standardsRow {
	s := r.Standards
	var nonStd []string
	for _, f := range s.NonStandardFlavors {
		d := f.Name + " (" + f.Spec + "): "
		if f.Equivalent == "" {
			d += "no standard equivalent"
		} else {
			d += "equivalent " + f.Equivalent
			if f.Note != "" {
				d += ", " + f.Note
			}
		}
		nonStd = append(nonStd, d)
	}
	var custom []string
	for _, c := range s.CustomImages {
		if len(c.Missing) == 0 {
			custom = append(custom, c.Name+": scs-0102 metadata complete")
		} else {
			custom = append(custom, c.Name+": scs-0102 missing or invalid "+strings.Join(c.Missing, ", "))
		}
	}
	rows := []standardsRow{
		{Label: "Standard flavors (scs-0103)", Values: s.StandardFlavors},
		{Label: "Other SCS-named flavors (scs-0100)", Values: s.SCSFlavors},
		{Label: "Non-standard flavors", Values: nonStd},
		{Label: "Standard images (scs-0104)", Values: s.StandardImages},
		{Label: "Tenant images (scs-0102)", Values: custom},
		{Label: "Services outside the scs-0123 mandatory set", Values: s.OptionalServices},
	}
	for i := range rows {
		rows[i].Inline = !slices.ContainsFunc(rows[i].Values, func(v string) bool { return len(v) > 40 })
	}
	return rows
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, "; ")
}
