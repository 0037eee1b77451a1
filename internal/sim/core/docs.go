package core

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Helpers for lists of JSON documents, sorted, filtered by tags and
// cut at a marker, as Neutron and Octavia answer them.

// ListArgs are the non-empty values of a repeated (or comma-separated)
// query parameter.
func ListArgs(q url.Values, key string) []string {
	var out []string
	for _, v := range q[key] {
		for _, part := range strings.Split(v, ",") {
			if part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// SortKey is one sort criterion.
type SortKey struct {
	Key string
	Asc bool
}

func AfterMarker(items []map[string]any, marker map[string]any, byKeys func(a, b map[string]any) int, reverse bool) []map[string]any {
	var out []map[string]any
	for _, d := range items {
		c := byKeys(d, marker)
		if (!reverse && c > 0) || (reverse && c < 0) {
			out = append(out, d)
		}
	}
	return out
}

func CompareDocs(a, b map[string]any, sorts []SortKey) int {
	for _, s := range sorts {
		c := compareValues(a[s.Key], b[s.Key])
		if !s.Asc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// compareValues orders attribute values; null sorts first.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	case int:
		if y, ok := b.(int); ok {
			return cmp.Compare(x, y)
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// MatchesTags implements tags, tags-any, not-tags and not-tags-any.
func MatchesTags(d map[string]any, q url.Values) bool {
	tags, _ := d["tags"].([]string)
	has := func(t string) bool { return slices.Contains(tags, t) }
	all := func(want []string) bool {
		for _, t := range want {
			if !has(t) {
				return false
			}
		}
		return true
	}
	if want := ListArgs(q, "tags"); len(want) > 0 && !all(want) {
		return false
	}
	if want := ListArgs(q, "tags-any"); len(want) > 0 && !slices.ContainsFunc(want, has) {
		return false
	}
	if want := ListArgs(q, "not-tags"); len(want) > 0 && all(want) {
		return false
	}
	if want := ListArgs(q, "not-tags-any"); len(want) > 0 && slices.ContainsFunc(want, has) {
		return false
	}
	return true
}

// listParams are the query parameters that are not filters.
var listParams = map[string]bool{
	"limit": true, "marker": true, "page_reverse": true, "sort_key": true, "sort_dir": true,
	"fields": true, "tags": true, "tags-any": true, "not-tags": true, "not-tags-any": true,
}

func MatchesFilters(d map[string]any, q url.Values) bool {
	for key, vals := range q {
		if listParams[key] {
			continue
		}
		vals = slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return v == "" })
		if len(vals) == 0 {
			continue
		}
		if key == "fixed_ips" {
			if !matchesFixedIPs(d, vals) {
				return false
			}
			continue
		}
		v, ok := d[key]
		if ok && !slices.ContainsFunc(vals, func(want string) bool { return valueMatches(v, want) }) {
			return false
		}
	}
	return true
}

// valueMatches compares an attribute with a filter value.
func valueMatches(v any, want string) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x == want
	case bool:
		b, ok := ParseBool(want)
		return ok && b == x
	case []string:
		return slices.Contains(x, want)
	}
	return fmt.Sprint(v) == want
}

// matchesFixedIPs implements the ports filter
// fixed_ips=ip_address=…&fixed_ips=subnet_id=…: one fixed IP must match
// all given constraints.
func matchesFixedIPs(d map[string]any, vals []string) bool {
	var ips, subnets, substrs []string
	for _, v := range vals {
		k, val, _ := strings.Cut(v, "=")
		switch k {
		case "ip_address":
			ips = append(ips, val)
		case "subnet_id":
			subnets = append(subnets, val)
		case "ip_address_substr":
			substrs = append(substrs, val)
		}
	}
	fips, _ := d["fixed_ips"].([]map[string]any)
	for _, f := range fips {
		ip, _ := f["ip_address"].(string)
		sub, _ := f["subnet_id"].(string)
		if (len(ips) == 0 || slices.Contains(ips, ip)) &&
			(len(subnets) == 0 || slices.Contains(subnets, sub)) &&
			(len(substrs) == 0 || slices.ContainsFunc(substrs, func(s string) bool { return strings.Contains(ip, s) })) {
			return true
		}
	}
	return false
}

func ParseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

func StrOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}
