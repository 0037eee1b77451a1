package inventory_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// TestLoadRejectsMalformed runs the corpus in testdata/bad: each file
// must fail with an error naming the file and saying what is wrong.
func TestLoadRejectsMalformed(t *testing.T) {
	want := map[string]string{
		"empty.json":         "the file is empty",
		"truncated.json":     "truncated: the document ends early",
		"garbage.json":       "not valid YAML or JSON: yaml: control characters are not allowed",
		"plain-text.yaml":    "not an inventory document: the top level is not a mapping",
		"wrong-kind.json":    `kind is "Plan", want "Inventory"`,
		"wrong-version.yaml": `apiVersion is "scs-migrate.io/v2", this scs-migrate reads "scs-migrate.io/v1alpha1"`,
		"no-header.yaml":     `kind is "", want "Inventory"`,
		"unknown-field.json": `unknown field "servers[0].flavour"`,
		"unknown-field.yaml": `unknown field "volumes[0].attachments[0].mountpoint"`,
		"wrong-type.json":    "field volumes.sizeGB: want int, the document has a JSON string",
		"two-documents.json": "not valid JSON at byte",
		"broken.yaml":        "not valid YAML or JSON",
	}
	files, err := filepath.Glob("testdata/bad/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("testdata/bad has %d files, the test knows %d: keep them in step", len(files), len(want))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			msg, ok := want[filepath.Base(f)]
			if !ok {
				t.Fatalf("no expected error for %s", f)
			}
			_, err := inventory.Load(f)
			if err == nil {
				t.Fatalf("Load(%s) succeeded", f)
			}
			if !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), f) {
				t.Errorf("Load(%s) = %q, want it to name the file and say %q", f, err, msg)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := inventory.Load("testdata/does-not-exist.json")
	if err == nil || !strings.Contains(err.Error(), "does-not-exist.json") {
		t.Errorf("Load(missing) = %v, want an error naming the file", err)
	}
}

// TestWriteLoadRoundTrip writes a document in both formats and reads it
// back: same document, same bytes, mode 0600, no temporary file left.
func TestWriteLoadRoundTrip(t *testing.T) {
	doc := sampleDocument()
	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "inventory."+format)
			if err := inventory.WriteFile(path, doc, format); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only the inventory", len(entries))
			}
			back, err := inventory.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := back.Validate(); err != nil {
				t.Fatal(err)
			}
			a, _ := inventory.Marshal(doc, "json")
			b, _ := inventory.Marshal(back, "json")
			if string(a) != string(b) {
				t.Errorf("round trip through %s changed the document:\n%s\nvs\n%s", format, a, b)
			}
		})
	}
}

func TestWriteFileUnknownFormat(t *testing.T) {
	err := inventory.WriteFile(filepath.Join(t.TempDir(), "x"), sampleDocument(), "xml")
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("WriteFile(xml) = %v, want an error naming the format", err)
	}
}

// TestLoadAcceptsBOM: a byte order mark before a document is dropped,
// as the plan and mapping loaders drop it, and a JSON document behind
// one is still read as JSON (a truncated one says so).
func TestLoadAcceptsBOM(t *testing.T) {
	dir := t.TempDir()
	for _, format := range []string{"json", "yaml"} {
		b, err := inventory.Marshal(sampleDocument(), format)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "bom."+format)
		if err := os.WriteFile(path, append([]byte("\ufeff"), b...), 0o600); err != nil {
			t.Fatal(err)
		}
		if doc, err := inventory.Load(path); err != nil {
			t.Errorf("%s with a BOM: %v", format, err)
		} else if again, _ := inventory.Marshal(doc, format); string(again) != string(b) {
			t.Errorf("%s with a BOM read as another document", format)
		}
		if format == "json" {
			if _, err := inventory.Parse(append([]byte("\ufeff"), b[:len(b)/2]...)); err == nil || err.Error() != "truncated: the document ends early" {
				t.Errorf("truncated JSON with a BOM: %v", err)
			}
		}
	}
}
