package plans

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/scs-migrate/scs-migrate/internal/strictjson"
)

// MappingKind identifies a mapping override file.
const MappingKind = "Mapping"

// Overrides are the user's own decisions from a mapping file
// (`--mapping FILE`); they win over every rule. Keys are source names
// (or IDs), values target names (or IDs). See examples/mapping.yaml.
type Overrides struct {
	// File is where the overrides were read from, for error messages.
	File string

	Flavors          []Override
	Images           []Override
	VolumeTypes      []Override
	ExternalNetworks []Override
	ComputeAZs       []Override
	VolumeAZs        []Override
	ClusterClasses   []Override
	StorageClasses   []Override
	Namespaces       []Override
	// Buckets renames object storage buckets: source name → the name
	// on the target (bucket names can be taken there).
	Buckets []Override
	// Waves are the servers cut over together (see WaveOverride).
	Waves []WaveOverride
}

// Override is one user decision: the source resource called Source goes
// to the target resource called Target.
type Override struct {
	Source, Target string
	// Field and Line locate the entry in the file.
	Field string
	Line  int
}

// overrideFields are the sections of a mapping file, in file order.
var overrideFields = []struct {
	name string
	get  func(*Overrides) *[]Override
}{
	{"flavors", func(o *Overrides) *[]Override { return &o.Flavors }},
	{"images", func(o *Overrides) *[]Override { return &o.Images }},
	{"volumeTypes", func(o *Overrides) *[]Override { return &o.VolumeTypes }},
	{"externalNetworks", func(o *Overrides) *[]Override { return &o.ExternalNetworks }},
	{"computeAZs", func(o *Overrides) *[]Override { return &o.ComputeAZs }},
	{"volumeAZs", func(o *Overrides) *[]Override { return &o.VolumeAZs }},
	{"clusterClasses", func(o *Overrides) *[]Override { return &o.ClusterClasses }},
	{"storageClasses", func(o *Overrides) *[]Override { return &o.StorageClasses }},
	{"namespaces", func(o *Overrides) *[]Override { return &o.Namespaces }},
	{"buckets", func(o *Overrides) *[]Override { return &o.Buckets }},
}

// LoadMapping reads a mapping override file. It is strict: unknown
// fields, duplicate keys, non-string values and a wrong apiVersion or
// kind are errors that name the file, the line, the field and the value.
func LoadMapping(path string) (*Overrides, error) {
	b, err := strictjson.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mapping file: %w", err)
	}
	return ParseMapping(path, b)
}

// ParseMapping parses the bytes of a mapping file called name.
func ParseMapping(name string, b []byte) (*Overrides, error) {
	ov := &Overrides{File: name}
	dec := yaml.NewDecoder(bytes.NewReader(strictjson.TrimBOM(b)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty mapping file: want apiVersion: %s and kind: %s", name, APIVersion, MappingKind)
		}
		return nil, fmt.Errorf("%s: not valid YAML: %w", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s:%d: more than one YAML document; a mapping file holds one", name, extra.Line)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping with apiVersion, kind, flavors, images, …", name, root.Line)
	}
	if err := ov.parseRoot(root); err != nil {
		return nil, err
	}
	return ov, nil
}

// parseRoot reads the top-level keys.
func (ov *Overrides) parseRoot(root *yaml.Node) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if line, dup := seen[k.Value]; dup {
			return ov.errorf(k.Line, "%s: duplicate key (first at line %d)", k.Value, line)
		}
		seen[k.Value] = k.Line
		if err := ov.parseTop(k, v); err != nil {
			return err
		}
	}
	for _, key := range []string{"apiVersion", "kind"} {
		if _, ok := seen[key]; !ok {
			return ov.errorf(root.Line, "%s: missing", key)
		}
	}
	return nil
}

// parseTop reads one top-level key and its value.
func (ov *Overrides) parseTop(k, v *yaml.Node) error {
	switch k.Value {
	case "apiVersion":
		return ov.expectScalar(k, v, APIVersion)
	case "kind":
		return ov.expectScalar(k, v, MappingKind)
	case "waves":
		return ov.parseWaves(v)
	}
	for _, f := range overrideFields {
		if f.name == k.Value {
			return ov.parseSection(f.name, v, f.get(ov))
		}
	}
	return ov.errorf(k.Line, "unknown field %q (want apiVersion, kind, flavors, images, volumeTypes, externalNetworks, computeAZs, volumeAZs, clusterClasses, storageClasses, namespaces, buckets, waves)", k.Value)
}

// expectScalar checks apiVersion and kind.
func (ov *Overrides) expectScalar(k, v *yaml.Node, want string) error {
	if v.Kind != yaml.ScalarNode || v.Value != want {
		return ov.errorf(v.Line, "%s: %s is not supported, want %q", k.Value, nodeKind(v), want)
	}
	return nil
}

// parseSection reads "source: target" pairs.
func (ov *Overrides) parseSection(field string, v *yaml.Node, dst *[]Override) error {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return ov.errorf(v.Line, "%s: want a mapping of source name to target name, got %s", field, nodeKind(v))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		src, tgt := v.Content[i], v.Content[i+1]
		if src.Kind != yaml.ScalarNode || src.Value == "" {
			return ov.errorf(src.Line, "%s: a source name must be a non-empty string, got %s", field, nodeKind(src))
		}
		if line, dup := seen[src.Value]; dup {
			return ov.errorf(src.Line, "%s: %q: duplicate source (first at line %d)", field, src.Value, line)
		}
		seen[src.Value] = src.Line
		if tgt.Kind != yaml.ScalarNode || tgt.Tag == "!!null" || tgt.Value == "" {
			return ov.errorf(tgt.Line, "%s: %q: the target must be a non-empty name, got %s", field, src.Value, nodeKind(tgt))
		}
		*dst = append(*dst, Override{Source: src.Value, Target: tgt.Value, Field: field, Line: src.Line})
	}
	return nil
}

func (ov *Overrides) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", ov.File, line, fmt.Sprintf(format, args...))
}

// nodeKind describes a YAML node for an error message.
func nodeKind(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "nothing"
	case n.Kind == yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

// find returns the override of a source resource, matched by name or ID.
func find(list []Override, name, id string) (Override, bool) {
	for _, o := range list {
		if o.Source == name || (id != "" && o.Source == id) {
			return o, true
		}
	}
	return Override{}, false
}

// where locates an override for an error message.
func (ov *Overrides) where(o Override) string {
	return fmt.Sprintf("%s:%d: %s", ov.File, o.Line, o.Field)
}
