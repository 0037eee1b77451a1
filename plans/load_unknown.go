package plans

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// unknownFieldPath finds the first field of a JSON plan that the Plan
// type has no place for, as a path such as steps[3].colour ("" if none):
// the decoder names the field but not where it is.
func unknownFieldPath(b []byte) string {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	return unknownIn(v, reflect.TypeOf(Plan{}), "")
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
		fields := jsonFieldTypes(t)
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

// jsonFieldTypes maps the JSON names of a struct's fields to their types.
func jsonFieldTypes(t reflect.Type) map[string]reflect.Type {
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
