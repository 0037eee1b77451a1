package plans

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
	"github.com/scs-migrate/scs-migrate/internal/strictjson"
)

// Load reads a plan file strictly: unknown fields, a wrong apiVersion or
// kind, duplicate step IDs, unknown step kinds, dependencies on steps
// that do not exist and cycles are errors naming the file, the field and
// the value.
func Load(path string) (*Plan, error) {
	b, err := strictjson.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse decodes and validates a plan. Decode's own words locate a fault
// by line and name the field; these say that the file is not a plan.
func Parse(b []byte) (*Plan, error) {
	var p Plan
	err := strictjson.Decode(b, &p)
	if e := (*strictjson.Error)(nil); errors.As(err, &e) {
		switch e.Fault {
		case strictjson.Empty, strictjson.Truncated:
			return nil, errors.New("empty or truncated file: not a plan")
		case strictjson.Trailing:
			return nil, fmt.Errorf("trailing data after the plan at byte %d", e.Offset)
		case strictjson.Other:
			return nil, fmt.Errorf("not a valid plan: %w", e.Err)
		}
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks what the JSON decoder cannot: identity, required
// fields, step kinds and the DAG.
func (p *Plan) Validate() error {
	switch {
	case p.APIVersion != APIVersion:
		return fmt.Errorf("apiVersion: %q is not supported, want %q", p.APIVersion, APIVersion)
	case p.Kind != Kind:
		return fmt.Errorf("kind: %q, want %q", p.Kind, Kind)
	case p.ID == "":
		return errors.New("id: missing")
	case p.Inventory == nil:
		return errors.New("inventory: missing: a plan carries the source snapshot it was made from")
	case p.Options.Cutover != CutoverCold && p.Options.Cutover != CutoverLive:
		return fmt.Errorf("options.cutover: %q, want %q or %q", p.Options.Cutover, CutoverCold, CutoverLive)
	}
	for i, s := range p.Steps {
		if err := validateStep(i, s); err != nil {
			return err
		}
	}
	g, err := NewGraph(p.Steps)
	if err != nil {
		return err
	}
	_, err = g.Order()
	return err
}

// validateStep checks one step's identity.
func validateStep(i int, s Step) error {
	switch {
	case s.ID == "":
		return fmt.Errorf("steps[%d].id: missing", i)
	case kindRank(s.Kind) < 0:
		return fmt.Errorf("steps[%d].kind: %q is not a step kind", i, s.Kind)
	case s.SourceID == "" && s.Kind != StepCluster && s.Kind != StepVeleroBackup && s.Kind != StepVeleroRestore:
		return fmt.Errorf("steps[%d].sourceID: missing for step %q", i, s.ID)
	case s.Bytes < 0:
		return fmt.Errorf("steps[%d].bytes: %d is negative", i, s.Bytes)
	case s.DataBytes < 0:
		return fmt.Errorf("steps[%d].dataBytes: %d is negative", i, s.DataBytes)
	case s.DataBasis != "" && s.DataBasis != DataImageSize && s.DataBasis != DataProvisioned && s.DataBasis != DataObjects:
		return fmt.Errorf("steps[%d].dataBasis: %q, want %q, %q or %q", i, s.DataBasis, DataImageSize, DataProvisioned, DataObjects)
	}
	return nil
}

// Marshal encodes a plan as indented JSON.
func Marshal(p *Plan) ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteFile writes the plan atomically with mode 0600 (a plan reveals
// the tenant's layout): to a temporary file beside path, synced, then
// renamed into place.
func WriteFile(path string, p *Plan) error {
	b, err := Marshal(p)
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return fmt.Errorf("write plan %s: %w", path, err)
	}
	return nil
}
