package loadbalancer

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// document is a listed object: its document and the extra attributes only
// filters see (such as loadbalancer_id of a listener).
type document struct {
	doc   map[string]any
	extra map[string]any
}

// listParams are the query parameters that are not filters.
var listParams = map[string]bool{
	"limit": true, "marker": true, "sort": true, "sort_key": true, "sort_dir": true,
	"fields": true, "page_reverse": true,
	"tags": true, "tags-any": true, "not-tags": true, "not-tags-any": true,
}

// list answers an Octavia list call: filters on known attributes (others
// are refused), tag filters, sorting (created_at and id descending by
// default), marker and limit paging with "<plural>_links", fields.
func (q *request) list(base, plural string, items []document) (int, any, error) {
	limit, err := q.limit()
	if err != nil {
		return 0, nil, err
	}
	sorts, err := q.sorts()
	if err != nil {
		return 0, nil, err
	}
	for _, it := range items {
		for k := range it.extra {
			it.doc[k] = it.extra[k]
		}
	}
	for _, sk := range sorts {
		if _, ok := items0(items)[sk.Key]; len(items) > 0 && !ok {
			return 0, nil, errorf(http.StatusBadRequest, "Supplied sort key '%s' is not valid.", sk.Key)
		}
	}
	matched, err := q.filter(items)
	if err != nil {
		return 0, nil, err
	}
	byKeys := func(a, b map[string]any) int { return core.CompareDocs(a, b, sorts) }
	slices.SortStableFunc(matched, byKeys)
	reverse := q.Query.Get("page_reverse") == "True"
	if m := q.Query.Get("marker"); m != "" {
		i := slices.IndexFunc(items, func(d document) bool { return d.doc["id"] == m })
		if i < 0 {
			return 0, nil, errorf(http.StatusBadRequest, "Supplied pagination marker '%s' is not valid.", m)
		}
		matched = core.AfterMarker(matched, items[i].doc, byKeys, reverse)
	}
	if limit > 0 && len(matched) > limit {
		if reverse {
			matched = matched[len(matched)-limit:]
		} else {
			matched = matched[:limit]
		}
	}
	out := make([]map[string]any, len(matched))
	for i, d := range matched {
		out[i] = q.fields(d, items)
	}
	return http.StatusOK, map[string]any{plural: out, plural + "_links": q.links(base, matched, limit)}, nil
}

func items0(items []document) map[string]any {
	if len(items) == 0 {
		return nil
	}
	return items[0].doc
}

// maxLimit is Octavia's default pagination_max_limit.
const maxLimit = 1000

func (q *request) limit() (int, error) {
	l := q.Query.Get("limit")
	if l == "" {
		return maxLimit, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil {
		return 0, errorf(http.StatusBadRequest, "Supplied pagination limit '%s' is not valid.", l)
	}
	if n < 1 {
		return 0, nil
	}
	return min(n, maxLimit), nil
}

func (q *request) sorts() ([]core.SortKey, error) {
	var keys, dirs []string
	if sort := q.Query.Get("sort"); sort != "" {
		for _, part := range strings.Split(sort, ",") {
			k, d, _ := strings.Cut(part, ":")
			keys, dirs = append(keys, k), append(dirs, d)
		}
	} else if sk := q.Query.Get("sort_key"); sk != "" {
		keys = strings.Split(sk, ",")
		dirs = strings.Split(q.Query.Get("sort_dir"), ",")
	}
	var out []core.SortKey
	for i, k := range keys {
		d := "desc"
		if i < len(dirs) && dirs[i] != "" {
			d = strings.ToLower(dirs[i])
		}
		if d != "asc" && d != "desc" {
			return nil, errorf(http.StatusBadRequest, "Supplied sort direction '%s' is not valid.", d)
		}
		if strings.ContainsAny(k, " ;") || k == "" {
			return nil, errorf(http.StatusBadRequest, "Supplied sort key '%s' is not valid.", k)
		}
		out = append(out, core.SortKey{Key: k, Asc: d == "asc"})
	}
	for _, k := range []string{"created_at", "id"} {
		if !slices.ContainsFunc(out, func(s core.SortKey) bool { return s.Key == k }) {
			out = append(out, core.SortKey{Key: k})
		}
	}
	return out, nil
}

// filter keeps the items that match; a filter on an unknown attribute
// is refused as Octavia refuses it.
func (q *request) filter(items []document) ([]map[string]any, error) {
	var out []map[string]any
	for key := range q.Query {
		if listParams[key] || len(items) == 0 {
			continue
		}
		if _, ok := items[0].doc[key]; !ok {
			return nil, errorf(http.StatusBadRequest, "One or more arguments are either duplicate or invalid")
		}
	}
	for _, it := range items {
		if core.MatchesTags(it.doc, q.Query) && core.MatchesFilters(it.doc, q.Query) {
			out = append(out, it.doc)
		}
	}
	return out, nil
}

// fields cuts a listed document to fields= and drops the filter-only
// attributes.
func (q *request) fields(d map[string]any, items []document) map[string]any {
	out := map[string]any{}
	want := core.ListArgs(q.Query, "fields")
	for k, v := range d {
		if len(want) == 0 || slices.Contains(want, k) {
			out[k] = v
		}
	}
	if len(items) > 0 {
		for k := range items[0].extra {
			if _, inDoc := out[k]; inDoc && !slices.Contains(want, k) {
				delete(out, k)
			}
		}
	}
	return out
}

// links are Octavia's links: "previous" when a marker was given, "next"
// when the page is full. Like Octavia they carry only limit, sort and
// marker, not the filters.
func (q *request) links(base string, items []map[string]any, limit int) []map[string]string {
	links := []map[string]string{}
	if len(items) == 0 {
		return links
	}
	params := []string{"limit=" + strconv.Itoa(limit)}
	if v := q.Query.Get("sort"); v != "" {
		params = append(params, "sort="+v)
	}
	if v := q.Query.Get("sort_key"); v != "" {
		params = append(params, "sort_key="+v)
	}
	href := func(extra ...string) string {
		return base + q.R.URL.Path + "?" + strings.Join(append(slices.Clone(params), extra...), "&")
	}
	if q.Query.Get("marker") != "" {
		links = append(links, map[string]string{"rel": "previous",
			"href": href("marker="+items[0]["id"].(string), "page_reverse=True")})
	}
	if limit > 0 && len(items) >= limit {
		links = append(links, map[string]string{"rel": "next", "href": href("marker=" + items[len(items)-1]["id"].(string))})
	}
	return links
}
