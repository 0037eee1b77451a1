package inventory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/scs-migrate/scs-migrate/internal/strictjson"
)

// Load reads an inventory document from a JSON or YAML file, strictly:
// an unknown field, a different apiVersion or kind, or a truncated file
// is an error that names the file. References between the parts are
// checked by Validate, which consumers such as the planner call.
func Load(path string) (*Document, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	doc, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", path, err)
	}
	return doc, nil
}

// Parse decodes a document (JSON or YAML) strictly.
func Parse(b []byte) (*Document, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("the file is empty")
	}
	js, err := toJSON(b)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(js); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		if path := strictjson.UnknownField(js, Document{}); path != "" {
			return nil, fmt.Errorf("unknown field %q", path)
		}
		return nil, explainDecode(err)
	}
	if dec.More() {
		return nil, errors.New("unexpected data after the document")
	}
	return &doc, nil
}

// toJSON gives the JSON of a JSON or YAML document.
func toJSON(b []byte) ([]byte, error) {
	if t := bytes.TrimSpace(b); t[0] == '{' {
		if !json.Valid(t) {
			var v any
			return nil, explainDecode(json.Unmarshal(t, &v))
		}
		return t, nil
	}
	js, err := yaml.YAMLToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("not valid YAML or JSON: %w", err)
	}
	if len(js) == 0 || js[0] != '{' {
		return nil, fmt.Errorf("not an inventory document: the top level is not a mapping")
	}
	return js, nil
}

// checkHeader looks at apiVersion and kind before anything else, so that
// a plan or another version is named for what it is.
func checkHeader(js []byte) error {
	var h struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(js, &h); err != nil {
		return explainDecode(err)
	}
	switch {
	case h.Kind != Kind:
		return fmt.Errorf("kind is %q, want %q", h.Kind, Kind)
	case h.APIVersion != APIVersion:
		return fmt.Errorf("apiVersion is %q, this scs-migrate reads %q", h.APIVersion, APIVersion)
	}
	return nil
}

func explainDecode(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return errors.New("truncated: the document ends early")
	case errors.As(err, &syn) && strings.Contains(syn.Error(), "unexpected end"):
		return errors.New("truncated: the document ends early")
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return fmt.Errorf("field %s: want %s, the document has a JSON %s", typ.Field, typ.Type, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return err
}
