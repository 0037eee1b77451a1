package sim

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// nStdAttrs are Neutron's standard attributes: every resource has an ID,
// an owner, a description, a revision number, timestamps and tags.
type nStdAttrs struct {
	ID, ProjectID, Description string
	Revision                   int
	Created, Updated           time.Time
	Tags                       []string // sorted, unique
}

func newNStdAttrs(projectID string, t time.Time) nStdAttrs {
	return nStdAttrs{ID: core.NewID(), ProjectID: projectID, Revision: 1, Created: t, Updated: t}
}

// touch records a change of the resource.
func (a *nStdAttrs) touch(t time.Time) {
	a.Revision++
	a.Updated = t
}

// fill writes the standard attributes into a document.
func (a *nStdAttrs) fill(doc map[string]any, tagged bool) map[string]any {
	doc["id"] = a.ID
	doc["project_id"] = a.ProjectID
	doc["tenant_id"] = a.ProjectID
	doc["description"] = a.Description
	doc["revision_number"] = a.Revision
	doc["created_at"] = core.ISOTime(a.Created)
	doc["updated_at"] = core.ISOTime(a.Updated)
	if tagged {
		doc["tags"] = append([]string{}, a.Tags...)
	}
	return doc
}

// checkRevision honours "If-Match: revision_number=N" on updates.
func (q *nreq) checkRevision(a *nStdAttrs) error {
	h := q.r.Header.Get("If-Match")
	if h == "" {
		return nil
	}
	for _, part := range strings.Split(h, ",") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "revision_number=")
		if !ok {
			continue
		}
		want, err := strconv.Atoi(v)
		if err != nil {
			return nBadRequest("Invalid If-Match header %s", h)
		}
		if want != a.Revision {
			return nErr(http.StatusPreconditionFailed, "RevisionNumberConstraintFailed",
				"Constrained to %d, but current revision is %d", want, a.Revision)
		}
	}
	return nil
}

// show answers a GET of one resource, honouring fields=.
func (q *nreq) show(key string, doc map[string]any) (int, any, error) {
	return http.StatusOK, map[string]any{key: q.fields(doc)}, nil
}

// fields cuts a document to the fields= the caller asked for.
func (q *nreq) fields(doc map[string]any) map[string]any {
	want := nListArgs(q.query, "fields")
	if len(want) == 0 {
		return doc
	}
	out := make(map[string]any, len(want))
	for _, f := range want {
		if v, ok := doc[f]; ok {
			out[f] = v
		}
	}
	return out
}

// nListArgs are the non-empty values of a repeated (or comma-separated)
// query parameter.
func nListArgs(q url.Values, key string) []string {
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

// nListParams are the query parameters that are not filters.
var nListParams = map[string]bool{
	"limit": true, "marker": true, "page_reverse": true, "sort_key": true, "sort_dir": true,
	"fields": true, "tags": true, "tags-any": true, "not-tags": true, "not-tags-any": true,
}

// nSortKey is one sort criterion.
type nSortKey struct {
	key string
	asc bool
}

// list answers a list call over the documents visible to the caller the
// way Neutron does: filters on any attribute, tag filters, sort_key and
// sort_dir (id is always the last key), marker and limit with
// "<plural>_links", and fields. notFound answers an unknown marker.
func (q *nreq) list(base, plural string, docs []map[string]any, notFound func(string) error) (int, any, error) {
	limit, err := q.limit()
	if err != nil {
		return 0, nil, err
	}
	sorts, err := q.sorts(docs)
	if err != nil {
		return 0, nil, err
	}
	byKeys := func(a, b map[string]any) int { return nCompareDocs(a, b, sorts) }
	items := nFilterDocs(docs, q.query)
	slices.SortStableFunc(items, byKeys)
	reverse := strings.EqualFold(q.query.Get("page_reverse"), "true")
	if m := q.query.Get("marker"); m != "" && limit > 0 {
		i := slices.IndexFunc(docs, func(d map[string]any) bool { return d["id"] == m })
		if i < 0 {
			return 0, nil, notFound(m)
		}
		items = nAfterMarker(items, docs[i], byKeys, reverse)
	}
	if limit > 0 && len(items) > limit {
		if reverse {
			items = items[len(items)-limit:]
		} else {
			items = items[:limit]
		}
	}
	out := make([]map[string]any, len(items))
	for i, d := range items {
		out[i] = q.fields(d)
	}
	body := map[string]any{plural: out}
	if limit > 0 {
		body[plural+"_links"] = q.pageLinks(base, items, limit, reverse)
	}
	return http.StatusOK, body, nil
}

func (q *nreq) limit() (int, error) {
	l := q.query.Get("limit")
	if l == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 0 {
		return 0, nErr(http.StatusBadRequest, "BadRequest",
			"Bad limit request: Limit must be an integer 0 or greater and not '%s'", l)
	}
	return n, nil
}

func (q *nreq) sorts(docs []map[string]any) ([]nSortKey, error) {
	keys, dirs := nListArgs(q.query, "sort_key"), nListArgs(q.query, "sort_dir")
	if len(keys) != len(dirs) {
		return nil, nBadRequest("The number of sort_keys and sort_dirs must be same")
	}
	var out []nSortKey
	for i, k := range keys {
		if len(docs) > 0 {
			if _, ok := docs[0][k]; !ok {
				return nil, nBadRequest("['%s'] is invalid attribute for sort_keys", k)
			}
		}
		if dirs[i] != "asc" && dirs[i] != "desc" {
			return nil, nBadRequest("['%s'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'", dirs[i])
		}
		out = append(out, nSortKey{k, dirs[i] == "asc"})
	}
	if !slices.ContainsFunc(out, func(s nSortKey) bool { return s.key == "id" }) {
		out = append(out, nSortKey{"id", true})
	}
	return out, nil
}

func nAfterMarker(items []map[string]any, marker map[string]any, byKeys func(a, b map[string]any) int, reverse bool) []map[string]any {
	var out []map[string]any
	for _, d := range items {
		c := byKeys(d, marker)
		if (!reverse && c > 0) || (reverse && c < 0) {
			out = append(out, d)
		}
	}
	return out
}

// pageLinks are Neutron's pagination links: "next" whenever the page is
// full, "previous" whenever the caller did not page backwards to the
// start.
func (q *nreq) pageLinks(base string, items []map[string]any, limit int, reverse bool) []map[string]string {
	link := func(rel string, marker any, rev bool) map[string]string {
		v := url.Values{}
		for k, vals := range q.query {
			if k != "marker" && k != "page_reverse" {
				v[k] = vals
			}
		}
		if marker != nil {
			v.Set("marker", fmt.Sprint(marker))
		}
		if rev {
			v.Set("page_reverse", "True")
		}
		return map[string]string{"rel": rel, "href": base + q.r.URL.Path + "?" + v.Encode()}
	}
	var links []map[string]string
	if !(len(items) < limit && !reverse) {
		var m any
		if len(items) > 0 {
			m = items[len(items)-1]["id"]
		}
		links = append(links, link("next", m, false))
	}
	if !(len(items) < limit && reverse) {
		var m any
		if len(items) > 0 {
			m = items[0]["id"]
		}
		links = append(links, link("previous", m, true))
	}
	return links
}

func nCompareDocs(a, b map[string]any, sorts []nSortKey) int {
	for _, s := range sorts {
		c := nCompareValues(a[s.key], b[s.key])
		if !s.asc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// nCompareValues orders attribute values; null sorts first.
func nCompareValues(a, b any) int {
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

// nFilterDocs keeps the documents that match every filter of the query.
func nFilterDocs(docs []map[string]any, q url.Values) []map[string]any {
	var out []map[string]any
	for _, d := range docs {
		if nMatchesTags(d, q) && nMatchesFilters(d, q) {
			out = append(out, d)
		}
	}
	return out
}

func nMatchesFilters(d map[string]any, q url.Values) bool {
	for key, vals := range q {
		if nListParams[key] {
			continue
		}
		vals = slices.DeleteFunc(slices.Clone(vals), func(v string) bool { return v == "" })
		if len(vals) == 0 {
			continue
		}
		if key == "fixed_ips" {
			if !nMatchesFixedIPs(d, vals) {
				return false
			}
			continue
		}
		v, ok := d[key]
		if ok && !slices.ContainsFunc(vals, func(want string) bool { return nValueMatches(v, want) }) {
			return false
		}
	}
	return true
}

// nValueMatches compares an attribute with a filter value.
func nValueMatches(v any, want string) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x == want
	case bool:
		b, ok := nParseBool(want)
		return ok && b == x
	case []string:
		return slices.Contains(x, want)
	}
	return fmt.Sprint(v) == want
}

// nMatchesFixedIPs implements the ports filter
// fixed_ips=ip_address=…&fixed_ips=subnet_id=…: one fixed IP must match
// all given constraints.
func nMatchesFixedIPs(d map[string]any, vals []string) bool {
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

// nMatchesTags implements tags, tags-any, not-tags and not-tags-any.
func nMatchesTags(d map[string]any, q url.Values) bool {
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
	if want := nListArgs(q, "tags"); len(want) > 0 && !all(want) {
		return false
	}
	if want := nListArgs(q, "tags-any"); len(want) > 0 && !slices.ContainsFunc(want, has) {
		return false
	}
	if want := nListArgs(q, "not-tags"); len(want) > 0 && all(want) {
		return false
	}
	if want := nListArgs(q, "not-tags-any"); len(want) > 0 && slices.ContainsFunc(want, has) {
		return false
	}
	return true
}
