package network

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// stdAttrs are Neutron's standard attributes: every resource has an ID,
// an owner, a description, a revision number, timestamps and tags.
type stdAttrs struct {
	ID, ProjectID, Description string
	Revision                   int
	Created, Updated           time.Time
	Tags                       []string // sorted, unique
}

func newStdAttrs(projectID string, t time.Time) stdAttrs {
	return stdAttrs{ID: core.NewID(), ProjectID: projectID, Revision: 1, Created: t, Updated: t}
}

// touch records a change of the resource.
func (a *stdAttrs) touch(t time.Time) {
	a.Revision++
	a.Updated = t
}

// fill writes the standard attributes into a document.
func (a *stdAttrs) fill(doc map[string]any, tagged bool) map[string]any {
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
func (q *request) checkRevision(a *stdAttrs) error {
	h := q.R.Header.Get("If-Match")
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
			return badRequest("Invalid If-Match header %s", h)
		}
		if want != a.Revision {
			return errorf(http.StatusPreconditionFailed, "RevisionNumberConstraintFailed",
				"Constrained to %d, but current revision is %d", want, a.Revision)
		}
	}
	return nil
}

// show answers a GET of one resource, honouring fields=.
// getter answers GET of one resource the caller can see: found by find
// and shown as doc under key.
func getter[T any](key string, find func(projectID, id string) (T, error), doc func(T) map[string]any) handler {
	return func(q *request) (int, any, error) {
		x, err := find(q.Project(), q.id())
		if err != nil {
			return 0, nil, err
		}
		return q.show(key, doc(x))
	}
}

func (q *request) show(key string, doc map[string]any) (int, any, error) {
	return http.StatusOK, map[string]any{key: q.fields(doc)}, nil
}

// fields cuts a document to the fields= the caller asked for.
func (q *request) fields(doc map[string]any) map[string]any {
	want := core.ListArgs(q.Query, "fields")
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

// list answers a list call over the documents visible to the caller the
// way Neutron does: filters on any attribute, tag filters, sort_key and
// sort_dir (id is always the last key), marker and limit with
// "<plural>_links", and fields. notFound answers an unknown marker.
func (q *request) list(base, plural string, docs []map[string]any, notFound func(string) error) (int, any, error) {
	limit, err := q.limit()
	if err != nil {
		return 0, nil, err
	}
	sorts, err := q.sorts(docs)
	if err != nil {
		return 0, nil, err
	}
	byKeys := func(a, b map[string]any) int { return core.CompareDocs(a, b, sorts) }
	items := filterDocs(docs, q.Query)
	slices.SortStableFunc(items, byKeys)
	reverse := strings.EqualFold(q.Query.Get("page_reverse"), "true")
	if m := q.Query.Get("marker"); m != "" && limit > 0 {
		i := slices.IndexFunc(docs, func(d map[string]any) bool { return d["id"] == m })
		if i < 0 {
			return 0, nil, notFound(m)
		}
		items = core.AfterMarker(items, docs[i], byKeys, reverse)
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

func (q *request) limit() (int, error) {
	l := q.Query.Get("limit")
	if l == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, "BadRequest",
			"Bad limit request: Limit must be an integer 0 or greater and not '%s'", l)
	}
	return n, nil
}

func (q *request) sorts(docs []map[string]any) ([]core.SortKey, error) {
	keys, dirs := core.ListArgs(q.Query, "sort_key"), core.ListArgs(q.Query, "sort_dir")
	if len(keys) != len(dirs) {
		return nil, badRequest("The number of sort_keys and sort_dirs must be same")
	}
	var out []core.SortKey
	for i, k := range keys {
		if len(docs) > 0 {
			if _, ok := docs[0][k]; !ok {
				return nil, badRequest("['%s'] is invalid attribute for sort_keys", k)
			}
		}
		if dirs[i] != "asc" && dirs[i] != "desc" {
			return nil, badRequest("['%s'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'", dirs[i])
		}
		out = append(out, core.SortKey{Key: k, Asc: dirs[i] == "asc"})
	}
	if !slices.ContainsFunc(out, func(s core.SortKey) bool { return s.Key == "id" }) {
		out = append(out, core.SortKey{Key: "id", Asc: true})
	}
	return out, nil
}

// pageLinks are Neutron's pagination links: "next" whenever the page is
// full, "previous" whenever the caller did not page backwards to the
// start.
func (q *request) pageLinks(base string, items []map[string]any, limit int, reverse bool) []map[string]string {
	link := func(rel string, marker any, rev bool) map[string]string {
		v := url.Values{}
		for k, vals := range q.Query {
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
		return map[string]string{"rel": rel, "href": base + q.R.URL.Path + "?" + v.Encode()}
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

// filterDocs keeps the documents that match every filter of the query.
func filterDocs(docs []map[string]any, q url.Values) []map[string]any {
	var out []map[string]any
	for _, d := range docs {
		if core.MatchesTags(d, q) && core.MatchesFilters(d, q) {
			out = append(out, d)
		}
	}
	return out
}
