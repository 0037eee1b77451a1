package migrate

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// VerifyReport is the comparison of the target with the source.
type VerifyReport struct {
	PlanID string `json:"planID"`
	// Checked counts the resources compared, by kind.
	Checked map[string]int `json:"checked"`
	// Differences are what does not match; empty means verify passed.
	Differences []Difference `json:"differences"`
	// Notes are accepted differences the journal explains (a MAC the
	// target refused, a new floating IP address).
	Notes []string `json:"notes,omitempty"`
}

// Difference is one mismatch between a source resource and its copy.
type Difference struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	SourceID string `json:"sourceID,omitempty"`
	TargetID string `json:"targetID,omitempty"`
	Field    string `json:"field"`
	Source   string `json:"source"`
	Target   string `json:"target"`
}

// OK reports whether the target matches.
func (r *VerifyReport) OK() bool { return len(r.Differences) == 0 }

// WriteDiff prints the differences as a diff: "-" the source, "+" the target.
func (r *VerifyReport) WriteDiff(w io.Writer) error {
	var b strings.Builder
	for _, d := range r.Differences {
		fmt.Fprintf(&b, "%s %q %s:\n", d.Kind, d.Name, d.Field)
		fmt.Fprintf(&b, "  - %s\n  + %s\n", orNone(d.Source), orNone(d.Target))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// VerifyOptions say what else Verify may reach.
type VerifyOptions struct {
	// Buckets compares the buckets the plan copied, object by object; a
	// plan with copy-bucket steps cannot be verified without it.
	Buckets BucketMover
}

// Verify inventories the target and compares it with the plan's source
// inventory through the plan's mappings and the journal's ID map, and
// every copied bucket's objects with the source's.
func Verify(ctx context.Context, p *plans.Plan, j *Journal, dst *cloud.Session, opts VerifyOptions) (*VerifyReport, error) {
	if err := j.checkTarget(dst.ProjectID); err != nil {
		return nil, err
	}
	doc, err := inventory.Collect(ctx, dst, inventory.Options{})
	if err != nil {
		return nil, fmt.Errorf("inventory the target: %w", err)
	}
	rep := Compare(p, j, doc)
	if err := verifyBuckets(ctx, p, j, opts.Buckets, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// Compare checks the target document against the plan's source
// inventory. Every planned resource must exist with equal attributes
// (references compared through the ID map), and no resource of the plan
// may exist twice.
func Compare(p *plans.Plan, j *Journal, target *inventory.Document) *VerifyReport {
	v := &verifier{plan: p, src: inventory.NewIndex(p.Inventory), dst: inventory.NewIndex(target), ids: j.IDs(), steps: j.Steps(),
		created: j.CreatedResources(), rep: &VerifyReport{PlanID: p.ID, Checked: map[string]int{}, Differences: []Difference{}}}
	for _, s := range p.Steps {
		if check, ok := verifiers[s.Kind]; ok {
			v.rep.Checked[string(s.Kind)]++
			check(v, s)
		}
	}
	v.duplicates(target)
	sort.SliceStable(v.rep.Differences, func(a, b int) bool {
		x, y := v.rep.Differences[a], v.rep.Differences[b]
		return x.Kind+x.Name < y.Kind+y.Name
	})
	return v.rep
}

// verifiers compare one step kind each; kinds without an entry (stop
// server, router routes, attachments) are checked with their parents.
var verifiers = map[plans.StepKind]func(*verifier, plans.Step){
	plans.StepNetwork:            (*verifier).network,
	plans.StepSubnet:             (*verifier).subnet,
	plans.StepRouter:             (*verifier).router,
	plans.StepSecurityGroup:      (*verifier).securityGroup,
	plans.StepKeypair:            (*verifier).keypair,
	plans.StepServerGroup:        (*verifier).serverGroup,
	plans.StepCopyImage:          (*verifier).image,
	plans.StepSnapshotServer:     (*verifier).snapshot,
	plans.StepCopyVolume:         (*verifier).volume,
	plans.StepPort:               (*verifier).port,
	plans.StepServer:             (*verifier).server,
	plans.StepFloatingIP:         (*verifier).floatingIP,
	plans.StepLoadBalancer:       (*verifier).loadBalancer,
	plans.StepSecurityGroupRules: (*verifier).securityGroupRules,
}

// verifier holds one comparison.
type verifier struct {
	plan  *plans.Plan
	src   *inventory.Index
	dst   *inventory.Index
	ids   map[string]string
	steps map[string]StepRecord
	// created are the resources the journal lists as made by the plan.
	created []Created
	rep     *VerifyReport
}

func (v *verifier) diff(kind, name, srcID, dstID, field string, src, dst any) {
	v.rep.Differences = append(v.rep.Differences, Difference{Kind: kind, Name: name, SourceID: srcID, TargetID: dstID,
		Field: field, Source: fmt.Sprint(src), Target: fmt.Sprint(dst)})
}

// same records a difference when the values differ.
func (v *verifier) same(kind, name, srcID, dstID, field string, src, dst any) {
	if fmt.Sprint(src) != fmt.Sprint(dst) {
		v.diff(kind, name, srcID, dstID, field, src, dst)
	}
}

// mapped is the target ID of a source resource ("" if none).
func (v *verifier) mapped(kind, sourceID string) string { return v.ids[idKey(kind, sourceID)] }

// target finds the target resource of a source one in the target
// document; a missing one is a difference.
func target[T any](v *verifier, m map[string]*T, kind, name, sourceID string) (*T, string) {
	id := v.mapped(kind, sourceID)
	if id == "" {
		v.diff(kind, name, sourceID, "", "presence", "present", "not migrated (no target ID in the journal)")
		return nil, ""
	}
	x, ok := m[id]
	if !ok {
		v.diff(kind, name, sourceID, id, "presence", "present", "missing on the target")
		return nil, id
	}
	return x, id
}

// note records an accepted difference the journal explains.
func (v *verifier) noted(stepID, substr string) bool {
	for _, n := range v.steps[stepID].Notes {
		if strings.Contains(n, substr) {
			return true
		}
	}
	return false
}

// duplicates reports resources that carry the plan's marker but are not
// the ones the journal maps: a copy made twice.
func (v *verifier) duplicates(d *inventory.Document) {
	tag := PlanTag(v.plan.ID)
	known := map[string]bool{}
	for _, id := range v.ids {
		known[id] = true
	}
	for _, c := range v.created {
		known[c.ID] = true
	}
	check := func(kind, name, id string, tags []string) {
		if slices.Contains(tags, tag) && !known[id] {
			v.diff(kind, name, "", id, "duplicate", "one copy", "an extra resource carrying the plan's marker")
		}
	}
	for _, x := range d.Networks {
		check("network", x.Name, x.ID, x.Tags)
	}
	for _, x := range d.Subnets {
		check("subnet", x.Name, x.ID, x.Tags)
	}
	for _, x := range d.Routers {
		check("router", x.Name, x.ID, x.Tags)
	}
	for _, x := range d.SecurityGroups {
		check("security-group", x.Name, x.ID, x.Tags)
	}
	for _, x := range d.Ports {
		check("port", x.Name, x.ID, x.Tags)
	}
	for _, x := range d.Servers {
		check("server", x.Name, x.ID, x.Tags)
	}
	for _, x := range d.LoadBalancers {
		check("load-balancer", x.Name, x.ID, x.Tags)
	}
	key := planKey(v.plan.ID)
	for _, x := range d.Volumes {
		if x.Metadata[MarkerPlanKey] == key && !known[x.ID] {
			v.diff("volume", x.Name, "", x.ID, "duplicate", "one copy", "an extra volume carrying the plan's marker")
		}
	}
	for _, x := range d.Images {
		if x.Properties[MarkerPlanKey] == key && !known[x.ID] {
			v.diff("image", x.Name, "", x.ID, "duplicate", "one copy", "an extra image carrying the plan's marker")
		}
	}
}

// sortedCopy returns a sorted copy, for comparing sets.
func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}
