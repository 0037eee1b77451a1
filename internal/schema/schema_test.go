package schema

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "record the hash of every schema in testdata/versions.json as it is now")

const (
	root       = "../.."
	published  = "../../docs/schemas"
	versions   = "testdata/versions.json"
	regenerate = "go generate ./internal/schema"
)

func generate(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// The published schemas are what the generator makes of the Go types
// now: a type changed without regenerating fails here.
func TestPublishedSchemasUpToDate(t *testing.T) {
	files := generate(t)
	again := generate(t)
	for name, b := range files {
		if !bytes.Equal(b, again[name]) {
			t.Errorf("%s: two generations differ: the generator is not deterministic", name)
		}
		got, err := os.ReadFile(filepath.Join(published, name))
		if err != nil {
			t.Errorf("docs/schemas/%s: %v; run %s", name, err, regenerate)
			continue
		}
		if !bytes.Equal(got, b) {
			t.Errorf("docs/schemas/%s differs from what the Go types give now: run %s and commit it", name, regenerate)
		}
	}
	entries, err := os.ReadDir(published)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".json" && files[e.Name()] == nil {
			t.Errorf("docs/schemas/%s is no schema the generator writes: remove it", e.Name())
		}
	}
}

// A schema changes only with its document's apiVersion: the recorded
// hash per schema and apiVersion says when one changed without it.
// Descriptions, titles and comments are left out of the hash, so that
// rewording a doc comment needs no new version.
func TestSchemasChangeOnlyWithVersion(t *testing.T) {
	recorded := map[string]map[string]string{} // file → apiVersion → hash
	if b, err := os.ReadFile(versions); err == nil {
		if err := json.Unmarshal(b, &recorded); err != nil {
			t.Fatalf("%s: %v", versions, err)
		}
	} else if !os.IsNotExist(err) || !*update {
		t.Fatal(err)
	}
	files := generate(t)
	for _, d := range Documents {
		h, err := shapeHash(files[d.File()])
		if err != nil {
			t.Fatalf("%s: %v", d.File(), err)
		}
		if *update {
			if recorded[d.File()] == nil {
				recorded[d.File()] = map[string]string{}
			}
			recorded[d.File()][d.APIVersion] = h
			continue
		}
		was, ok := recorded[d.File()][d.APIVersion]
		switch {
		case !ok:
			t.Errorf("%s: no hash recorded for apiVersion %s (%s): a new document or a new version; record it with\n"+
				"\tgo test ./internal/schema -run TestSchemasChangeOnlyWithVersion -update\nand commit %s",
				d.File(), d.APIVersion, d.VersionConst, filepath.Join("internal/schema", versions))
		case was != h:
			t.Errorf("%s changed but %s is still %q: documents written by this and by the last release would differ under one version.\n"+
				"\tBump %s (and say what changed in docs/schemas/README.md), or, for a compatible addition (a new optional field),\n"+
				"\trecord the new hash deliberately with: go test ./internal/schema -run TestSchemasChangeOnlyWithVersion -update",
				d.File(), d.VersionConst, d.APIVersion, d.VersionConst)
		}
	}
	if *update {
		b, err := json.MarshalIndent(recorded, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(versions, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("recorded the hashes of %v in %s", slices.Sorted(maps.Keys(recorded)), versions)
	}
}

// shapeHash is the SHA-256 of a schema without its annotations, its
// keys sorted.
func shapeHash(schema []byte) (string, error) {
	var v any
	if err := json.Unmarshal(schema, &v); err != nil {
		return "", err
	}
	b, err := json.Marshal(stripAnnotations(v))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// stripAnnotations drops title, description and $comment from a schema
// and its subschemas (and not from the names of properties).
func stripAnnotations(v any) any {
	s, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range s {
		switch k {
		case "title", "description", "$comment":
		case "properties", "$defs", "patternProperties", "dependentSchemas":
			m, _ := x.(map[string]any)
			sub := map[string]any{}
			for n, y := range m {
				sub[n] = stripAnnotations(y)
			}
			out[k] = sub
		case "items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains":
			out[k] = stripAnnotations(x)
		case "allOf", "anyOf", "oneOf", "prefixItems":
			l, _ := x.([]any)
			sub := make([]any, len(l))
			for i, y := range l {
				sub[i] = stripAnnotations(y)
			}
			out[k] = sub
		default:
			out[k] = x
		}
	}
	return out
}

func TestShapeHashIgnoresAnnotations(t *testing.T) {
	a := []byte(`{"description":"one","properties":{"description":{"type":"string","description":"x"}}}`)
	b := []byte(`{"description":"two","properties":{"description":{"type":"string"}}}`)
	c := []byte(`{"properties":{"description":{"type":"integer"}}}`)
	ha, _ := shapeHash(a)
	hb, _ := shapeHash(b)
	hc, _ := shapeHash(c)
	if ha != hb || ha == hc {
		t.Errorf("hashes: a %s, b %s (want equal), c %s (want another)", ha, hb, hc)
	}
}
