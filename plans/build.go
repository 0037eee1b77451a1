package plans

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// Cutover modes.
const (
	CutoverCold = "cold" // stop source servers before their final copy (default)
	CutoverLive = "live" // copy running servers: crash-consistent
)

// DefaultBandwidthMbps is the bandwidth a plan's duration estimate
// assumes when none is given.
const DefaultBandwidthMbps = 1000

// BuildOptions are the choices made when planning.
type BuildOptions struct {
	// Overrides are the user's mapping file, or nil.
	Overrides *Overrides
	// Cutover is CutoverCold (default) or CutoverLive.
	Cutover string
	// BandwidthMbps is recorded for the duration estimate; 0 means
	// DefaultBandwidthMbps.
	BandwidthMbps int
	// SourceCloud and TargetCloud are the clouds.yaml names, recorded in
	// the plan's endpoints.
	SourceCloud, TargetCloud string
	// ID and Now fix the plan ID and creation time (tests); by default
	// the ID is random and Now is the current time.
	ID  string
	Now time.Time
}

// Build maps the inventory onto the target and writes the plan: the
// resolved mappings, the DAG of steps with their dependencies and byte
// estimates, what is blocked (with everything downstream of it removed),
// warnings and the pre-flight checks. It fails only on bad input: a nil
// inventory or target, or overrides naming unknown resources.
func Build(inv *inventory.Document, tgt *Target, opts BuildOptions) (*Plan, error) {
	if inv == nil || tgt == nil {
		return nil, errors.New("build plan: need an inventory and a target")
	}
	if err := opts.Overrides.Check(inv, tgt); err != nil {
		return nil, err
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	b := newBuilder(inv, tgt, opts)
	b.addAll()
	steps, err := b.finish()
	if err != nil {
		return nil, fmt.Errorf("build plan: %w", err)
	}
	p := &Plan{
		APIVersion: APIVersion, Kind: Kind, ID: opts.ID,
		CreatedAt: opts.Now.UTC().Format(time.RFC3339),
		Source:    sourceEndpoint(inv, opts.SourceCloud),
		Target:    targetEndpoint(tgt, opts.TargetCloud),
		Options:   Options{Cutover: opts.Cutover, BandwidthMbps: opts.BandwidthMbps},
		Mappings:  b.d.list, Steps: steps,
		Blocked: nonNil(b.blocked), Warnings: nonNil(b.warnings),
		Inventory: inv,
	}
	if opts.Overrides != nil {
		p.Options.MappingFile = opts.Overrides.File
	}
	p.Waves = b.keptWaves(steps)
	if p.Downtime, err = downtimes(steps, opts.BandwidthMbps); err != nil {
		return nil, fmt.Errorf("build plan: %w", err)
	}
	p.Preflight = preflight(p, inv, tgt, b.d)
	return p, nil
}

// withDefaults fills in and checks the options.
func (o BuildOptions) withDefaults() (BuildOptions, error) {
	o.Cutover = cmp.Or(o.Cutover, CutoverCold)
	if o.Cutover != CutoverCold && o.Cutover != CutoverLive {
		return o, fmt.Errorf("cutover %q: want %q or %q", o.Cutover, CutoverCold, CutoverLive)
	}
	if o.BandwidthMbps < 0 {
		return o, fmt.Errorf("bandwidth %d Mbit/s: must be positive", o.BandwidthMbps)
	}
	o.BandwidthMbps = cmp.Or(o.BandwidthMbps, DefaultBandwidthMbps)
	if o.ID == "" {
		o.ID = NewPlanID()
	}
	if o.Now.IsZero() {
		o.Now = clock.Real().Now()
	}
	return o, nil
}

// NewPlanID returns a random plan ID such as "plan-3f9a1c2b7d4e5f60".
func NewPlanID() string {
	var b [8]byte
	rand.Read(b[:])
	return "plan-" + hex.EncodeToString(b[:])
}

func sourceEndpoint(inv *inventory.Document, cloud string) Endpoint {
	c := inv.Cloud
	return Endpoint{Cloud: cmp.Or(cloud, c.Name), AuthURL: c.AuthURL, Region: c.Region, ProjectID: c.ProjectID, ProjectName: c.ProjectName}
}

func targetEndpoint(tgt *Target, cloud string) Endpoint {
	e := tgt.Endpoint
	e.Cloud = cmp.Or(cloud, e.Cloud)
	return e
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
