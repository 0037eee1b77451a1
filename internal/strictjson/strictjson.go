// Package strictjson is the one strict loader of scs-migrate's documents:
// the inventory, the plan and the mapping file are read with ReadFile and
// TrimBOM, and the JSON ones decoded with Decode, which names a field a
// document has no place for by its path, where encoding/json's
// DisallowUnknownFields names only the field.
package strictjson

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
)

// MaxBytes bounds what ReadFile reads: a plan of a very large tenant is
// tens of MiB; anything beyond this is not a document of ours.
const MaxBytes = 1 << 30

// ReadFile reads a document whole, refusing one larger than MaxBytes.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err == nil && len(b) > MaxBytes {
		err = fmt.Errorf("%s: larger than %d bytes", path, MaxBytes)
	}
	return b, err
}

// TrimBOM drops a UTF-8 byte order mark, which some Windows editors
// write: every loader accepts a document that starts with one.
func TrimBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\ufeff")) }

// Fault is what is wrong with a document. Up to Syntax, v holds nothing
// to rely on; after it, v is decoded as far as it goes.
type Fault int

const (
	Other     Fault = iota // a value its type's UnmarshalJSON refuses
	Empty                  // nothing but white space
	Truncated              // it ends inside the document
	Syntax                 // not JSON
	Type                   // a value of the wrong JSON type
	Unknown                // a field the Go type has no place for
	Trailing               // more after the document
)

// Error is Decode's answer to a document it refuses. Loaders word the
// faults their own way; Error() locates them by line.
type Error struct {
	Fault  Fault
	Offset int64 // the byte where it went wrong
	Line   int   // the line of Offset, from 1
	// Field is Unknown's path ("steps[3].colour") or Type's dotted
	// field ("steps.bytes"); Value and Want are Type's JSON value
	// ("string", "number 1e400") and the Go type it cannot go into.
	Field, Value, Want string
	Err                error // what went wrong, in encoding/json's words
}

func (e *Error) Error() string {
	switch e.Fault {
	case Syntax:
		return fmt.Sprintf("line %d: not valid JSON: %v", e.Line, e.Err)
	case Type:
		return fmt.Sprintf("line %d: %s: got a JSON %s, want %s", e.Line, e.Field, e.Value, e.Want)
	case Unknown:
		return fmt.Sprintf("unknown field %q", e.Field)
	}
	return e.Err.Error()
}

// Decode decodes the one JSON document of b into v strictly, after
// TrimBOM: a field v has no place for is an error naming its path, and
// every error is an *Error.
func Decode(b []byte, v any) error {
	b = TrimBOM(b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	e := &Error{Err: dec.Decode(v)}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch err := e.Err; {
	case len(bytes.TrimSpace(b)) == 0:
		e.Fault, e.Err = Empty, errors.New("the file is empty")
	case err == nil:
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			return nil
		}
		e.Fault, e.Offset, e.Err = Trailing, dec.InputOffset(), errors.New("unexpected data after the document")
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Fault, e.Offset, e.Err = Truncated, int64(len(b)), errors.New("truncated: the document ends early")
	case errors.As(err, &se):
		e.Fault, e.Offset = Syntax, se.Offset
	case errors.As(err, &te):
		e.Fault, e.Offset, e.Field, e.Value, e.Want = Type, te.Offset, te.Field, te.Value, te.Type.String()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e.Fault, e.Field = Unknown, cmp.Or(unknownField(b, v), name)
	}
	e.Line = bytes.Count(b[:min(max(e.Offset, 0), int64(len(b)))], []byte("\n")) + 1
	return e
}

// unknownField returns the path (e.g. "steps[3].colour") of the first
// field of the JSON document b that the type of into has no place for,
// or "" if there is none or b is not JSON. Object keys are visited in
// sorted order, so the answer is stable.
func unknownField(b []byte, into any) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	return unknownIn(v, reflect.TypeOf(into), "")
}

func unknownIn(v any, t reflect.Type, path string) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case []any:
		if t.Kind() != reflect.Slice {
			return ""
		}
		for i, e := range x {
			if p := unknownIn(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return ""
		}
		fields := fieldTypes(t)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			sub := strings.TrimPrefix(path+"."+k, ".")
			ft, ok := fields[k]
			if !ok {
				return sub
			}
			if p := unknownIn(x[k], ft, sub); p != "" {
				return p
			}
		}
	}
	return ""
}

// fieldTypes maps the JSON names of a struct's fields to their types.
func fieldTypes(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		m[cmp.Or(name, f.Name)] = f.Type
	}
	return m
}
