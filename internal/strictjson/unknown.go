// Package strictjson locates what encoding/json's DisallowUnknownFields
// only names: the path of the first field a document has no place for.
package strictjson

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// UnknownField returns the path (e.g. "steps[3].colour") of the first
// field of the JSON document b that the type of into has no place for,
// or "" if there is none or b is not JSON. Object keys are visited in
// sorted order, so the answer is stable.
func UnknownField(b []byte, into any) string {
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
