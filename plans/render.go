package plans

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// RenderOptions tune the human rendering of a plan.
type RenderOptions struct {
	// BandwidthMbps is the bandwidth of the duration estimate; 0 means
	// the plan's own option.
	BandwidthMbps int
	// MaxList caps the names and copies listed per group; 0 means 12.
	MaxList int
}

// Render writes the plan for a reviewer, like `terraform plan`: what is
// mapped to the target's own resources (no copy), what is copied and how
// much, what is created, what is blocked and why, warnings, the
// pre-flight checks and an estimated duration. Each line starts with a
// marker: "=" mapped as is, "~" mapped with a change, "+" created or
// copied, "-" done on the source, "x" blocked, "!" warning.
func Render(w io.Writer, p *Plan, opts RenderOptions) error {
	r := &renderer{p: p, max: cmp.Or(opts.MaxList, 12), bw: cmp.Or(opts.BandwidthMbps, p.Options.BandwidthMbps, DefaultBandwidthMbps)}
	r.header()
	r.mappings()
	r.copies()
	r.downtime()
	r.creates()
	r.findings("Blocked", "x", p.Blocked, "nothing: every resource can move")
	r.findings("Warnings", "!", p.Warnings, "none")
	r.preflight()
	r.summary()
	_, err := io.WriteString(w, r.b.String())
	return err
}

type renderer struct {
	p   *Plan
	b   strings.Builder
	max int
	bw  int
}

func (r *renderer) printf(format string, args ...any) { fmt.Fprintf(&r.b, format, args...) }

// table writes rows aligned in columns.
func (r *renderer) table(rows [][]string) {
	tw := tabwriter.NewWriter(&r.b, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
}

func (r *renderer) header() {
	p := r.p
	r.printf("Plan %s, made %s, %s cutover\n", p.ID, p.CreatedAt, p.Options.Cutover)
	r.printf("  from  %s\n  to    %s\n", describeEndpoint(p.Source), describeEndpoint(p.Target))
	if p.Options.MappingFile != "" {
		r.printf("  overrides from %s\n", p.Options.MappingFile)
	}
	r.printf("\nLegend: = mapped as is  ~ mapped with a change  + created or copied  - on the source  x blocked  ! warning\n")
}

func describeEndpoint(e Endpoint) string {
	s := fmt.Sprintf("project %s on %s (region %s", cmp.Or(e.ProjectName, e.ProjectID), cmp.Or(e.Cloud, e.AuthURL), cmp.Or(e.Region, "-"))
	if e.Cloud != "" && e.AuthURL != "" {
		s += ", " + e.AuthURL
	}
	return s + ")"
}

// mappings lists every decision with its rule and reason.
func (r *renderer) mappings() {
	m := r.p.Mappings
	all := concat(m.Flavors, m.Images, m.VolumeTypes, m.ExternalNetworks, m.AvailabilityZones, m.ClusterClasses)
	r.printf("\nMappings (%d):\n", len(all))
	var rows [][]string
	for _, x := range all {
		target := "→ " + cmp.Or(x.TargetName, x.TargetID, "(the cloud's default)")
		switch x.Action {
		case "copy":
			target = "→ copied"
		case "blocked":
			target = "→ nothing"
		}
		rows = append(rows, []string{"  " + mappingMarker(x), x.Kind, x.SourceName, target, x.Rule + ": " + mappingReason(x)})
	}
	r.table(rows)
}

func mappingMarker(m Mapping) string {
	switch {
	case m.Action == "blocked":
		return "x"
	case m.Action == "copy":
		return "+"
	case len(m.Changes) > 0:
		return "~"
	}
	return "="
}

func mappingReason(m Mapping) string {
	if len(m.Changes) == 0 {
		return m.Reason
	}
	return m.Reason + " [" + strings.Join(m.Changes, ", ") + "]"
}

// copies lists what moves bytes, per kind, with sizes.
func (r *renderer) copies() {
	t := Summarize(r.p)
	r.printf("\nCopied: %s", formatBytes(t.Bytes))
	if t.Bytes == 0 {
		r.printf(" (nothing)\n")
		return
	}
	basis := "image sizes"
	if t.UpperBound {
		basis = "image sizes where known, else provisioned sizes: an upper bound"
	}
	buckets := ""
	if t.BucketBytes > 0 || t.Objects > 0 {
		buckets = fmt.Sprintf(", buckets %s in %s", formatBytes(t.BucketBytes), plural(int(t.Objects), "object"))
	}
	r.printf(" (images %s, server disks %s, volumes %s%s; estimated from %s; provisioned %s)\n",
		formatBytes(t.ImageBytes), formatBytes(t.SnapshotBytes), formatBytes(t.VolumeBytes), buckets, basis, formatBytes(t.ProvisionedBytes))
	var rows [][]string
	for _, kind := range []StepKind{StepCopyImage, StepSnapshotServer, StepCopyVolume, StepCopyBucket} {
		steps := r.stepsOf(kind)
		slices.SortStableFunc(steps, func(a, b Step) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
		for i, s := range steps {
			if i == r.max {
				rows = append(rows, []string{"  +", string(kind), fmt.Sprintf("… %d more", len(steps)-r.max), "", "", ""})
				break
			}
			n, basis := stepData(s)
			rows = append(rows, []string{"  +", string(kind), s.Name, formatBytes(n), basis, copyNote(s)})
		}
	}
	r.table(rows)
}

// downtime lists, per server the plan stops, the data that moves while
// it is down and the expected downtime at the rendering's bandwidth.
func (r *renderer) downtime() {
	ds := r.p.Downtime
	if len(ds) == 0 {
		return
	}
	r.printf("\nDowntime per server at %d Mbit/s (each stops once its target is ready; a wave stops together):\n", r.bw)
	rows := [][]string{{"  ", "SERVER", "WAVE", "DATA MOVED WHILE STOPPED", "ESTIMATED FROM", "EXPECTED DOWNTIME"}}
	for i, d := range ds {
		if i == r.max {
			rows = append(rows, []string{"  -", fmt.Sprintf("… %d more", len(ds)-r.max), "", "", "", ""})
			break
		}
		rows = append(rows, []string{"  -", d.Name, cmp.Or(d.Wave, "-"),
			formatBytes(d.DataBytes), d.DataBasis,
			fmt.Sprintf("%s (%d steps)", formatDuration(EstimateDowntime(d, r.bw)), d.Steps)})
	}
	r.table(rows)
}

// copyNote says where a copy lands.
func copyNote(s Step) string {
	var parts []string
	if s.Target.VolumeType != "" {
		parts = append(parts, "type "+s.Target.VolumeType)
	}
	if s.Target.AvailabilityZone != "" {
		parts = append(parts, "zone "+s.Target.AvailabilityZone)
	}
	if s.Kind == StepSnapshotServer {
		parts = append(parts, "root disk, as an image")
	}
	if s.Kind == StepCopyBucket && s.Target.Bucket != "" && s.Target.Bucket != s.Name {
		parts = append(parts, "as "+s.Target.Bucket)
	}
	return strings.Join(parts, ", ")
}

// creates counts the steps per kind with some names.
func (r *renderer) creates() {
	r.printf("\nSteps (%d):\n", len(r.p.Steps))
	var rows [][]string
	for _, kind := range stepKinds {
		steps := r.stepsOf(kind)
		if len(steps) == 0 {
			continue
		}
		marker := "+"
		if kind == StepStopServer {
			marker = "-"
		}
		rows = append(rows, []string{"  " + marker, fmt.Sprintf("%d", len(steps)), string(kind), r.nameList(steps)})
	}
	r.table(rows)
}

// nameList lists step names, at most max, deduplicated.
func (r *renderer) nameList(steps []Step) string {
	var names []string
	for _, s := range steps {
		n := cmp.Or(s.Name, s.SourceID)
		if s.Target.Existing {
			n += " (exists)"
		}
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	names = slices.Compact(names)
	if len(names) > r.max {
		return strings.Join(names[:r.max], ", ") + fmt.Sprintf(", … %d more", len(names)-r.max)
	}
	return strings.Join(names, ", ")
}

func (r *renderer) stepsOf(kind StepKind) []Step {
	var out []Step
	for _, s := range r.p.Steps {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// findings lists blockers or warnings.
func (r *renderer) findings(title, marker string, fs []Finding, none string) {
	r.printf("\n%s (%d):", title, len(fs))
	if len(fs) == 0 {
		r.printf(" %s\n", none)
		return
	}
	r.printf("\n")
	var rows [][]string
	for _, f := range fs {
		rows = append(rows, []string{"  " + marker, f.Kind, f.Name, f.Reason})
	}
	r.table(rows)
}

func (r *renderer) preflight() {
	failed := 0
	for _, c := range r.p.Preflight {
		if !c.OK {
			failed++
		}
	}
	r.printf("\nPre-flight (%d checks, %d failed):\n", len(r.p.Preflight), failed)
	var rows [][]string
	for _, c := range r.p.Preflight {
		status := "ok"
		if !c.OK {
			status = "FAIL"
		}
		rows = append(rows, []string{"  " + status, c.Name, c.Detail})
	}
	r.table(rows)
}

func (r *renderer) summary() {
	t := Summarize(r.p)
	d := EstimateDuration(t, r.bw)
	r.printf("\nEstimated duration at %d Mbit/s: %s (%s of data, plus %s per step on the longest chain of %d)\n",
		r.bw, formatDuration(d), formatBytes(t.Bytes), StepOverhead, t.CriticalPath)
	if t.UpperBound {
		r.printf("  (data sizes are partly provisioned sizes, an upper bound: volumes not made from an image)\n")
	}
	verdict := "ready to migrate"
	switch {
	case len(r.p.Blocked) > 0:
		verdict = "something is blocked: it stays behind"
	case !preflightOK(r.p):
		verdict = "a pre-flight check failed: fix it before migrating"
	}
	r.printf("\nPlan: %d steps, %s to copy, %d blocked, %d warnings: %s.\n",
		t.Steps, formatBytes(t.Bytes), len(r.p.Blocked), len(r.p.Warnings), verdict)
}

// preflightOK reports whether every pre-flight check passed.
func preflightOK(p *Plan) bool {
	for _, c := range p.Preflight {
		if !c.OK {
			return false
		}
	}
	return true
}

func concat[T any](lists ...[]T) []T {
	var out []T
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
