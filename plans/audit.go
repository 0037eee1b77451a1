package plans

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// ReportKind identifies an audit report document.
const ReportKind = "AuditReport"

// Status is how a resource moves to a target.
type Status string

// The statuses, from best to worst.
const (
	StatusPortable Status = "portable" // maps as it is, or is rebuilt identically
	StatusCopy     Status = "copy"     // its bytes are copied
	StatusChange   Status = "change"   // maps with a change the tenant should know about
	StatusBlocked  Status = "blocked"  // cannot move
)

// statusWeight is each status's share of the score.
var statusWeight = map[Status]float64{StatusPortable: 1, StatusCopy: 0.8, StatusChange: 0.6, StatusBlocked: 0}

// statusRank orders statuses from best to worst.
func statusRank(s Status) int {
	return slices.Index([]Status{StatusPortable, StatusCopy, StatusChange, StatusBlocked}, s)
}

// Verdict sums a report up; the CLI turns it into the exit code.
type Verdict string

// The verdicts.
const (
	VerdictPortable    Verdict = "portable"              // nothing changes but copies
	VerdictWithChanges Verdict = "portable-with-changes" // something maps with a change
	VerdictBlocked     Verdict = "blocked"               // something cannot move, or a pre-flight check failed
)

// preflightPenalty is the score a failed quota or clash check costs.
const preflightPenalty = 10

// ScoreFormula documents the score in every report.
const ScoreFormula = "score = round(100 × Σ weight / items) − 10 × failed quota and clash checks, at least 0; " +
	"weights: portable 1, copy 0.8, change 0.6, blocked 0"

// Report is a portability audit: every resource with its status and
// reason, the standards view of the tenant, and with a target the
// pre-flight checks and quota shortfalls.
type Report struct {
	APIVersion   string    `json:"apiVersion"`
	Kind         string    `json:"kind"`
	GeneratedAt  string    `json:"generatedAt"`
	Source       Endpoint  `json:"source"`
	Target       *Endpoint `json:"target,omitempty"`
	Score        int       `json:"score"`
	ScoreFormula string    `json:"scoreFormula"`
	Verdict      Verdict   `json:"verdict"`
	Counts       Counts    `json:"counts"`
	Items        []Item    `json:"items"`
	Standards    Standards `json:"standards"`
	// Preflight are the checks against the target; QuotaShortfalls the
	// quota checks among them that failed.
	Preflight       []Check   `json:"preflight,omitempty"`
	QuotaShortfalls []Check   `json:"quotaShortfalls,omitempty"`
	Warnings        []Finding `json:"warnings"`
}

// Counts are the items per status.
type Counts struct {
	Portable int `json:"portable"`
	Copy     int `json:"copy"`
	Change   int `json:"change"`
	Blocked  int `json:"blocked"`
}

// Item is one resource of the tenant and how it moves.
type Item struct {
	Kind     string `json:"kind"`
	SourceID string `json:"sourceID,omitempty"`
	Name     string `json:"name"`
	Status   Status `json:"status"`
	// Target is what it becomes on the target (a flavor, a type, …).
	Target string `json:"target,omitempty"`
	Reason string `json:"reason"`
}

// Standards is the tenant seen through the SCS standards, without a
// target: what is standard, what has a standard equivalent, what lacks
// metadata, what needs optional services.
type Standards struct {
	StandardFlavors    []string         `json:"standardFlavors"`
	SCSFlavors         []string         `json:"scsFlavors"`
	NonStandardFlavors []FlavorStandard `json:"nonStandardFlavors"`
	StandardImages     []string         `json:"standardImages"`
	CustomImages       []ImageStandard  `json:"customImages"`
	// OptionalServices are services the tenant uses outside the
	// scs-0123 mandatory set.
	OptionalServices []string `json:"optionalServices"`
}

// FlavorStandard is a non-standard flavor and its standard equivalent.
type FlavorStandard struct {
	Name       string `json:"name"`
	Spec       string `json:"spec"`
	Equivalent string `json:"equivalent,omitempty"`
	Note       string `json:"note,omitempty"`
}

// ImageStandard is a tenant image and its scs-0102 metadata problems.
type ImageStandard struct {
	Name string `json:"name"`
	// Missing are the properties the scs-0102 test fails on.
	Missing []string `json:"missing"`
}

// AuditOptions tune an audit.
type AuditOptions struct {
	// Now is the time image recency is judged at; zero means now.
	Now time.Time
}

// Audit rates how portable the tenant is: by the standards alone when
// tgt is nil, and against the target otherwise.
func Audit(inv *inventory.Document, tgt *Target) *Report {
	return AuditWith(inv, tgt, AuditOptions{})
}

// AuditWith is Audit with options.
func AuditWith(inv *inventory.Document, tgt *Target, opts AuditOptions) *Report {
	now := opts.Now
	if now.IsZero() {
		now = clock.Real().Now()
	}
	r := &Report{APIVersion: APIVersion, Kind: ReportKind, GeneratedAt: now.UTC().Format(time.RFC3339),
		Source: sourceEndpoint(inv, ""), ScoreFormula: ScoreFormula, Standards: standardsOf(inv, now)}
	if tgt == nil {
		r.Items = standardItems(inv, r.Standards)
		r.Warnings = []Finding{}
	} else {
		p, err := Build(inv, tgt, BuildOptions{ID: "audit", Now: now})
		if err != nil {
			r.Warnings = []Finding{{Kind: "audit", Name: "plan", Reason: err.Error()}}
		} else {
			r.fromPlan(p)
		}
		e := targetEndpoint(tgt, "")
		r.Target = &e
	}
	r.finish()
	return r
}

// ReportFromPlan rates a plan as an audit with a target does; the plan
// command uses it for its exit code.
func ReportFromPlan(p *Plan, now time.Time) *Report {
	r := &Report{APIVersion: APIVersion, Kind: ReportKind, GeneratedAt: now.UTC().Format(time.RFC3339),
		Source: p.Source, Target: &p.Target, ScoreFormula: ScoreFormula, Standards: standardsOf(p.Inventory, now)}
	r.fromPlan(p)
	r.finish()
	return r
}

// finish sorts the items and computes counts, score and verdict.
func (r *Report) finish() {
	slices.SortStableFunc(r.Items, func(a, b Item) int {
		return cmp.Or(cmp.Compare(itemKindRank(a.Kind), itemKindRank(b.Kind)), cmp.Compare(statusRank(b.Status), statusRank(a.Status)),
			cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Name, b.Name), cmp.Compare(a.SourceID, b.SourceID))
	})
	r.Items = nonNil(r.Items)
	sum := 0.0
	for _, it := range r.Items {
		sum += statusWeight[it.Status]
		switch it.Status {
		case StatusPortable:
			r.Counts.Portable++
		case StatusCopy:
			r.Counts.Copy++
		case StatusChange:
			r.Counts.Change++
		case StatusBlocked:
			r.Counts.Blocked++
		}
	}
	score := 100.0
	if len(r.Items) > 0 {
		score = 100 * sum / float64(len(r.Items))
	}
	failed := failedChecks(r.Preflight)
	r.Score = max(0, int(math.Round(score))-preflightPenalty*failed)
	switch {
	case r.Counts.Blocked > 0 || failed > 0:
		r.Verdict = VerdictBlocked
	case r.Counts.Change > 0:
		r.Verdict = VerdictWithChanges
	default:
		r.Verdict = VerdictPortable
	}
}

// failedChecks counts failed quota and clash checks (a missing service
// already blocks the items that need it).
func failedChecks(checks []Check) int {
	n := 0
	for _, c := range checks {
		if !c.OK && !isServiceCheck(c) {
			n++
		}
	}
	return n
}

func isServiceCheck(c Check) bool { return strings.HasPrefix(c.Name, "service ") }

// itemKinds orders the report's tables.
var itemKinds = []string{"service", "flavor", "image", "volume-type", "external-network", "compute-az", "volume-az",
	"server", "volume", "network", "subnet", "router", "security-group", "keypair", "server-group",
	"floating-ip", "load-balancer", "port", "cluster"}

func itemKindRank(kind string) int {
	if i := slices.Index(itemKinds, kind); i >= 0 {
		return i
	}
	return len(itemKinds)
}

// worse returns the worse of two statuses.
func worse(a, b Status) Status {
	if statusRank(b) > statusRank(a) {
		return b
	}
	return a
}
