// Package schema generates the JSON Schemas (draft 2020-12) of the
// documents scs-migrate writes, from their Go types, and is where the
// tests live that keep the published schemas in docs/schemas/ in step
// with the types and with every document the tool writes.
//
// Regenerate the published schemas with
//
//	go generate ./internal/schema
package schema

//go:generate go run ./gen -root ../.. -output ../../docs/schemas

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/invopop/jsonschema"

	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// Module is the import path of the module whose source the generator
// reads the doc comments from.
const Module = "github.com/scs-migrate/scs-migrate"

// Document is one kind of document the tool writes and its schema.
type Document struct {
	// Name is the schema's file name without ".schema.json".
	Name string
	// Title is the schema's title (the apiVersion is added to it).
	Title string
	// APIVersion is the Go constant that versions the document: its
	// schema may change only when it does.
	APIVersion string
	// VersionConst names that constant, for messages.
	VersionConst string
	// Kind is the value of the document's kind field, if it has one.
	Kind string
	// Lines says the document is JSON Lines: each line one instance.
	Lines bool
	// Type is the Go type of the document (of one line for Lines).
	Type reflect.Type
}

// File is the schema's file name in docs/schemas/.
func (d Document) File() string { return d.Name + ".schema.json" }

// ID is the schema's $id: the apiVersion and the file name.
func (d Document) ID() string { return "https://" + d.APIVersion + "/" + d.File() }

// Documents are the documents the tool writes, in a fixed order.
var Documents = []Document{
	{Name: "inventory", Title: "scs-migrate inventory", APIVersion: inventory.APIVersion,
		VersionConst: "inventory.APIVersion", Kind: inventory.Kind, Type: reflect.TypeFor[inventory.Document]()},
	{Name: "plan", Title: "scs-migrate migration plan", APIVersion: plans.APIVersion,
		VersionConst: "plans.APIVersion", Kind: plans.Kind, Type: reflect.TypeFor[plans.Plan]()},
	{Name: "report", Title: "scs-migrate migration report (migrate and status -o json)", APIVersion: migrate.APIVersion,
		VersionConst: "migrate.APIVersion", Type: reflect.TypeFor[migrate.Report]()},
	{Name: "cutover-report", Title: "scs-migrate cutover report (migrate --report FILE.json)", APIVersion: migrate.APIVersion,
		VersionConst: "migrate.APIVersion", Type: reflect.TypeFor[migrate.CutoverReport]()},
	{Name: "verify-report", Title: "scs-migrate verify report (verify -o json)", APIVersion: migrate.APIVersion,
		VersionConst: "migrate.APIVersion", Type: reflect.TypeFor[migrate.VerifyReport]()},
	{Name: "event", Title: "scs-migrate migration event (one line of migrate --events)", APIVersion: migrate.APIVersion,
		VersionConst: "migrate.APIVersion", Lines: true, Type: reflect.TypeFor[migrate.Event]()},
}

// Lookup is the document of that name.
func Lookup(name string) (Document, bool) {
	i := slices.IndexFunc(Documents, func(d Document) bool { return d.Name == name })
	if i < 0 {
		return Document{}, false
	}
	return Documents[i], true
}

var (
	secretType   = reflect.TypeFor[s3.Secret]()
	durationType = reflect.TypeFor[time.Duration]()
	timeType     = reflect.TypeFor[time.Time]()
	stateType    = reflect.TypeFor[migrate.State]()
	stepKindType = reflect.TypeFor[plans.StepKind]()
	countsType   = reflect.TypeFor[map[migrate.State]int]()

	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// Generate returns the schema of every document, by file name. root is
// the module's source directory, where the doc comments are read: the
// titles and descriptions of the schemas.
func Generate(root string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, d := range Documents {
		b, err := d.Generate(root)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.File(), err)
		}
		out[d.File()] = b
	}
	return out, nil
}

// Generate returns the document's schema, indented, ending in a newline.
func (d Document) Generate(root string) ([]byte, error) {
	g := &generator{comments: newComments(root), names: map[string]reflect.Type{}}
	r := &jsonschema.Reflector{
		ExpandedStruct: true,
		Namer:          g.name,
		Mapper:         g.mapType,
		LookupComment:  g.comments.lookup,
	}
	s := r.ReflectFromType(d.Type)
	if err := errors.Join(append(g.errs, g.comments.err)...); err != nil {
		return nil, err
	}
	if err := nullable(s, d.Type); err != nil {
		return nil, err
	}
	s.ID = jsonschema.ID(d.ID())
	s.Title = d.Title + " (" + d.APIVersion + ")"
	if d.Lines {
		s.Description = strings.TrimSpace(s.Description + "\n\nThe document is JSON Lines: every line is one such object.")
	}
	if d.Kind != "" {
		// The versioned documents state their apiVersion and kind; the
		// plan also embeds the inventory, whose definition is pinned
		// to the inventory's.
		pin(s, d.APIVersion, d.Kind)
		if def := s.Definitions["Document"]; def != nil {
			pin(def, inventory.APIVersion, inventory.Kind)
		}
	}
	return marshal(s)
}

// nullable lets the lists and maps that encoding/json writes as null
// when they are nil be null: those of fields without omitempty or
// omitzero (with either, a nil one is left out). The writers of the
// inventory make every list empty, but a plan embeds the inventory it
// was given as it is, and the loaders take null for an empty list.
// t's schema is s when t is the root, else its definition in root.
func nullable(root *jsonschema.Schema, rootType reflect.Type) error {
	seen := map[reflect.Type]bool{}
	var errs []error
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t == timeType {
			return
		}
		seen[t] = true
		def := root
		if t != rootType {
			def = root.Definitions[t.Name()]
		}
		if def == nil {
			errs = append(errs, fmt.Errorf("no definition of %s", t))
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" && opts == "" {
				continue
			}
			walk(f.Type)
			if name == "" {
				name = f.Name
			}
			omit := slices.ContainsFunc(strings.Split(opts, ","), func(o string) bool { return o == "omitempty" || o == "omitzero" })
			if k := f.Type.Kind(); omit || k != reflect.Slice && k != reflect.Map {
				continue
			}
			p, ok := def.Properties.Get(name)
			if !ok || p.Type == "" {
				errs = append(errs, fmt.Errorf("%s.%s: no property %q with a type", t, f.Name, name))
				continue
			}
			if p.Extras == nil {
				p.Extras = map[string]any{}
			}
			p.Extras["type"] = []string{p.Type, "null"}
			p.Type = ""
		}
	}
	walk(rootType)
	return errors.Join(errs...)
}

// pin makes apiVersion and kind constants.
func pin(s *jsonschema.Schema, apiVersion, kind string) {
	if p, ok := s.Properties.Get("apiVersion"); ok {
		p.Const = apiVersion
	}
	if p, ok := s.Properties.Get("kind"); ok {
		p.Const = kind
	}
}

// marshal writes the schema indented, with <, > and & as themselves
// (encoding/json escapes them for HTML), and a final newline. Key order
// is deterministic: properties in field order, everything else sorted.
func marshal(s *jsonschema.Schema) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(raw, []byte(`\\u00`)) {
		raw = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(raw)))
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// generator holds what one reflection found wrong.
type generator struct {
	comments *comments
	names    map[string]reflect.Type
	errs     []error
}

// name is a type's name in $defs; two types of the same name in
// different packages would share one definition, so that is an error.
func (g *generator) name(t reflect.Type) string {
	n := t.Name()
	if n == "" {
		return ""
	}
	if prev, ok := g.names[n]; ok && prev != t {
		g.errs = append(g.errs, fmt.Errorf("two types named %s (%s and %s): name one of them apart in generator.name", n, prev, t))
	}
	g.names[n] = t
	return n
}

// mapType gives the schema of the types that do not marshal as their
// reflection says, and of the string types that are enumerations. A
// type with its own JSON or text marshaler that is not handled here
// fails the generation, so that no schema lies about one.
func (g *generator) mapType(t reflect.Type) *jsonschema.Schema {
	switch t {
	case timeType:
		return nil // invopop knows: a string of format date-time
	case secretType:
		return &jsonschema.Schema{Type: "string", Const: "[redacted]",
			Comments: "s3.Secret marshals as this text, never as the secret"}
	case durationType:
		return &jsonschema.Schema{Type: "integer", Comments: "a Go time.Duration: nanoseconds"}
	case stateType:
		return &jsonschema.Schema{Type: "string", Enum: enum(migrate.States)}
	case stepKindType:
		return &jsonschema.Schema{Type: "string", Enum: enum(plans.StepKinds())}
	case countsType:
		return &jsonschema.Schema{Type: "object",
			PropertyNames:        &jsonschema.Schema{Type: "string", Enum: enum(migrate.States)},
			AdditionalProperties: &jsonschema.Schema{Type: "integer", Minimum: "0"}}
	}
	if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
		g.errs = append(g.errs, fmt.Errorf("%s has its own JSON or text marshaler: give its schema in generator.mapType", t))
	}
	return nil
}

func enum[T ~string](values []T) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
