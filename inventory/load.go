package inventory

import (
	"bytes"
	"errors"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/scs-migrate/scs-migrate/internal/strictjson"
)

// Load reads an inventory document from a JSON or YAML file, strictly:
// an unknown field, a different apiVersion or kind, or a truncated file
// is an error that names the file. References between the parts are
// checked by Validate, which consumers such as the planner call.
func Load(path string) (*Document, error) {
	b, err := strictjson.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory: %w", err)
	}
	doc, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("inventory %s: %w", path, err)
	}
	return doc, nil
}

// Parse decodes a document (JSON or YAML) strictly. A plan or another
// version is named for what it is, not for the fields it has and an
// inventory has not.
func Parse(b []byte) (*Document, error) {
	js, err := toJSON(strictjson.TrimBOM(b))
	if err != nil {
		return nil, err
	}
	var doc Document
	var e *strictjson.Error
	switch err := strictjson.Decode(js, &doc); {
	case errors.As(err, &e) && e.Fault <= strictjson.Syntax: // nothing decoded to check
	case doc.Kind != Kind:
		return nil, fmt.Errorf("kind is %q, want %q", doc.Kind, Kind)
	case doc.APIVersion != APIVersion:
		return nil, fmt.Errorf("apiVersion is %q, this scs-migrate reads %q", doc.APIVersion, APIVersion)
	case e == nil:
		return &doc, nil
	}
	switch e.Fault {
	case strictjson.Syntax, strictjson.Trailing:
		return nil, fmt.Errorf("not valid JSON at byte %d: %v", e.Offset, e.Err)
	case strictjson.Type:
		return nil, fmt.Errorf("field %s: want %s, the document has a JSON %s", e.Field, e.Want, e.Value)
	}
	return nil, e
}

// toJSON gives the JSON of a JSON or YAML document.
func toJSON(b []byte) ([]byte, error) {
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] == '{' {
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
