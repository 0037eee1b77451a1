package plans

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
	"github.com/scs-migrate/scs-migrate/internal/strictjson"
)

// maxPlanBytes bounds what Load reads: a plan of a very large tenant is
// tens of MiB; anything beyond this is not a plan.
const maxPlanBytes = 1 << 30

// Load reads a plan file strictly: unknown fields, a wrong apiVersion or
// kind, duplicate step IDs, unknown step kinds, dependencies on steps
// that do not exist and cycles are errors naming the file, the field and
// the value.
func Load(path string) (*Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read plan: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPlanBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read plan %s: %w", path, err)
	}
	if len(b) > maxPlanBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a plan", path, maxPlanBytes)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse decodes and validates a plan.
func Parse(b []byte) (*Plan, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, explainJSON(b, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("trailing data after the plan at byte %d", dec.InputOffset())
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// explainJSON locates a decoding error by line and names the field.
func explainJSON(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: not valid JSON: %v", lineAt(b, se.Offset), err)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: %s: got a JSON %s, want %s", lineAt(b, te.Offset), te.Field, te.Value, te.Type)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("empty or truncated file: not a plan")
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if path := strictjson.UnknownField(b, Plan{}); path != "" {
			return fmt.Errorf("unknown field %q", path)
		}
		return fmt.Errorf("unknown field %s", field)
	}
	return fmt.Errorf("not a valid plan: %w", err)
}

func lineAt(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return bytes.Count(b[:off], []byte("\n")) + 1
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
