package schema

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// validator checks documents against the published schemas.
type validator struct {
	schemas map[string]*jsonschema.Schema // by document name
}

func newValidator(t *testing.T) *validator {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat() // date-time is checked, not only annotated
	v := &validator{schemas: map[string]*jsonschema.Schema{}}
	for _, d := range Documents {
		f, err := os.Open(filepath.Join(published, d.File()))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("docs/schemas/%s: %v", d.File(), err)
		}
		if err := c.AddResource(d.ID(), doc); err != nil {
			t.Fatalf("docs/schemas/%s: %v", d.File(), err)
		}
	}
	for _, d := range Documents {
		s, err := c.Compile(d.ID())
		if err != nil {
			t.Fatalf("docs/schemas/%s does not compile: %v", d.File(), err)
		}
		v.schemas[d.Name] = s
	}
	return v
}

// file validates the document file path against the schema of the
// document named name: a JSON Lines document line by line. Each error
// names the file (and line) and the JSON pointer of the value.
func (v *validator) file(t *testing.T, name, path string) {
	t.Helper()
	d, ok := Lookup(name)
	if !ok {
		t.Fatalf("no document %q", name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Lines {
		for _, e := range v.validate(name, b) {
			t.Errorf("%s: %s", path, e)
		}
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	n := 0
	for line := 1; sc.Scan(); line++ {
		n++
		for _, e := range v.validate(name, sc.Bytes()) {
			t.Errorf("%s:%d: %s", path, line, e)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if n == 0 {
		t.Errorf("%s: no line to validate", path)
	}
}

// validate returns one message per failing value: "#/json/pointer: why".
func (v *validator) validate(name string, b []byte) []string {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	err = v.schemas[name].Validate(inst)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	var out []string
	leaves(ve, func(e *jsonschema.ValidationError) {
		out = append(out, fmt.Sprintf("%s: %s (schema %s)", pointer(e.InstanceLocation),
			e.ErrorKind.LocalizedString(english), e.SchemaURL))
	})
	return out
}

var english = message.NewPrinter(language.English)

// leaves calls f with the errors that have no causes: the values that
// are wrong, not the objects and lists around them.
func leaves(e *jsonschema.ValidationError, f func(*jsonschema.ValidationError)) {
	if len(e.Causes) == 0 {
		f(e)
	}
	for _, c := range e.Causes {
		leaves(c, f)
	}
}

// pointer is the JSON pointer (RFC 6901) of a location, as a URI
// fragment: "#/servers/0/name".
func pointer(loc []string) string {
	var b strings.Builder
	b.WriteString("#")
	esc := strings.NewReplacer("~", "~0", "/", "~1")
	for _, t := range loc {
		b.WriteString("/" + esc.Replace(t))
	}
	return b.String()
}

// The documents kept as golden files validate: the inventory and the
// plans other tests compare the tool's output with.
func TestGoldenDocumentsValidate(t *testing.T) {
	v := newValidator(t)
	for name, pattern := range map[string]string{
		"inventory": "../../inventory/testdata/*.json",
		"plan":      "../../plans/testdata/plan*.json",
	} {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("%s: no golden file (%v)", pattern, err)
		}
		for _, f := range files {
			v.file(t, name, f)
		}
	}
}

// The validator finds what is wrong and says where.
func TestValidatorNamesThePointer(t *testing.T) {
	v := newValidator(t)
	b, err := os.ReadFile("../../inventory/testdata/webshop.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(b, []byte(`"servers": [`), []byte(`"extra": 1, "servers": [`), 1)
	bad = bytes.Replace(bad, []byte(`"kind": "Inventory"`), []byte(`"kind": "Plan"`), 1)
	got := strings.Join(v.validate("inventory", bad), "\n")
	for _, want := range []string{"#/kind: ", "extra"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors do not mention %q:\n%s", want, got)
		}
	}
}
