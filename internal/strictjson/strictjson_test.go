package strictjson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type inner struct {
	Name string `json:"name"`
	Skip string `json:"-"`
}

type outer struct {
	Items []inner        `json:"items"`
	Ptr   *inner         `json:"ptr,omitempty"`
	Any   map[string]any `json:"any"`
	Plain string
}

func TestUnknownField(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"items":[{"name":"a"},{"nmae":"b"}]}`, "items[1].nmae"},
		{`{"ptr":{"Skip":"x"}}`, "ptr.Skip"},
		{`{"any":{"whatever":1},"Plain":"ok"}`, ""},
		{`{"zeta":1,"alpha":2}`, "alpha"},
		{`not json`, ""},
	} {
		if got := unknownField([]byte(tc.doc), outer{}); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.doc, got, tc.want)
		}
	}
}

// TestDecode checks each fault Decode tells apart, where it locates it,
// and that a UTF-8 byte order mark is no fault.
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		doc   string
		fault Fault
		line  int
		msg   string
	}{
		{"  \n", Empty, 1, "the file is empty"},
		{"{\n\"items\": [", Truncated, 2, "truncated: the document ends early"},
		{"{\n\"items\": x}", Syntax, 2, "line 2: not valid JSON: invalid character 'x' looking for beginning of value"},
		{"\ufeff{\n\"Plain\": 5}", Type, 2, "line 2: Plain: got a JSON number, want string"},
		{"{\"items\":[{\"nmae\":\"b\"}]}", Unknown, 1, `unknown field "items[0].nmae"`},
		{"{}\n{}", Trailing, 2, "unexpected data after the document"},
		{"\ufeff{\"ptr\": {\"name\": \"a\"}}", -1, 0, ""},
	} {
		var v outer
		err := Decode([]byte(tc.doc), &v)
		if tc.fault < 0 {
			if err != nil || v.Ptr == nil || v.Ptr.Name != "a" {
				t.Errorf("%q: %v, %+v", tc.doc, err, v)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Fault != tc.fault || e.Line != tc.line || e.Error() != tc.msg {
			t.Errorf("%q: got %#v (%v), want fault %d at line %d: %s", tc.doc, err, err, tc.fault, tc.line, tc.msg)
		}
	}
}

func TestReadFileAndTrimBOM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(path, []byte("\ufeff{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ReadFile(path)
	if err != nil || string(TrimBOM(b)) != "{}" {
		t.Errorf("ReadFile, TrimBOM = %q, %v", TrimBOM(b), err)
	}
	if _, err := ReadFile(path + ".missing"); err == nil || !strings.Contains(err.Error(), "doc.json.missing") {
		t.Errorf("missing file: %v, want an error naming it", err)
	}
}
