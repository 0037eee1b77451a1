package volume

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// maxLimit is Cinder's osapi_max_limit.
const maxLimit = 1000

// item is what listing needs of a volume, snapshot or backup.
type item struct {
	id, name, status string
	size             int
	created, updated time.Time
	extra            map[string]string // further sortable attributes
}

// sortKey is one sort key with its direction.
type sortKey struct {
	key  string
	desc bool
}

// sorts reads sort=k1:dir,k2 or sort_key/sort_dir (default
// created_at desc, with id as the tie breaker).
func sorts(q url.Values, keys []string) ([]sortKey, *apiError) {
	var out []sortKey
	add := func(key, dir string) *apiError {
		if key == "display_name" {
			key = "name"
		}
		if !slices.Contains(keys, key) {
			return invalid("Invalid sort key %s", key)
		}
		if dir != "asc" && dir != "desc" {
			return invalid("Unknown sort direction, must be 'desc' or 'asc'")
		}
		out = append(out, sortKey{key, dir == "desc"})
		return nil
	}
	if v := q.Get("sort"); v != "" {
		for _, part := range strings.Split(v, ",") {
			key, dir, _ := strings.Cut(strings.TrimSpace(part), ":")
			if err := add(key, cmp.Or(dir, "desc")); err != nil {
				return nil, err
			}
		}
	} else if k := q.Get("sort_key"); k != "" {
		if err := add(k, cmp.Or(q.Get("sort_dir"), "desc")); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		out = append(out, sortKey{"created_at", true})
	}
	return append(out, sortKey{"id", true}), nil
}

func (it item) sortValue(key string) string {
	switch key {
	case "id":
		return it.id
	case "name":
		return it.name
	case "status":
		return it.status
	case "size":
		return strconv.FormatInt(int64(it.size)+1<<40, 10)
	case "created_at":
		return it.created.Format(time.RFC3339Nano)
	case "updated_at":
		return it.updated.Format(time.RFC3339Nano)
	}
	return it.extra[key]
}

// pageOf sorts items, cuts the page at marker, offset and limit, and
// returns the page and the marker for a "next" link. Like Cinder, a full
// page always links to the next one.
func pageOf(items []item, q url.Values, sortKeys []string) ([]item, string, *apiError) {
	sorts, verr := sorts(q, sortKeys)
	if verr != nil {
		return nil, "", verr
	}
	sortItems(items, sorts)
	limit, verr := limitOf(q)
	if verr != nil {
		return nil, "", verr
	}
	start, verr := start(items, q)
	if verr != nil {
		return nil, "", verr
	}
	pg := items[start:min(start+limit, len(items))]
	next := ""
	if limit > 0 && len(pg) == limit {
		next = pg[len(pg)-1].id
	}
	return pg, next, nil
}

func sortItems(items []item, sorts []sortKey) {
	slices.SortFunc(items, func(a, b item) int {
		for _, s := range sorts {
			c := cmp.Compare(a.sortValue(s.key), b.sortValue(s.key))
			if s.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

func limitOf(q url.Values) (int, *apiError) {
	l := q.Get("limit")
	if l == "" {
		return maxLimit, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil {
		return 0, invalid("limit param must be an integer")
	}
	if n < 0 {
		return 0, invalid("limit param must be positive")
	}
	return min(n, maxLimit), nil
}

// start is the index of the first item after the marker, moved
// on by the offset.
func start(items []item, q url.Values) (int, *apiError) {
	start := 0
	if m := q.Get("marker"); m != "" {
		i := slices.IndexFunc(items, func(it item) bool { return it.id == m })
		if i < 0 {
			return 0, errorf(http.StatusNotFound, "Marker %s could not be found.", m)
		}
		start = i + 1
	}
	if o := q.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			return 0, invalid("offset param must be an integer")
		}
		start += n
	}
	return min(start, len(items)), nil
}

// linksFor is the "<collection>_links" value for a next marker.
func (s *Room) linksFor(r *http.Request, next string) []map[string]string {
	if next == "" {
		return nil
	}
	return []map[string]string{{"rel": "next", "href": core.NextLink(r, s.c.URL(), next)}}
}

// filterMatches applies the name, status and metadata filters a
// project may use. metadata is given as a Python dict literal, e.g.
// {'k':'v'}.
func filterMatches(q url.Values, name, status string, metadata map[string]string) bool {
	if v, ok := q["name"]; ok && v[0] != name {
		return false
	}
	if v, ok := q["status"]; ok && !strings.EqualFold(v[0], status) {
		return false
	}
	if v := q.Get("metadata"); v != "" {
		for k, want := range pyDict(v) {
			if metadata[k] != want {
				return false
			}
		}
	}
	return true
}

// pyDict reads the {'k': 'v', 'k2': 'v2'} form clients send for
// metadata filters.
func pyDict(s string) map[string]string {
	out := map[string]string{}
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, ":")
		if !ok {
			continue
		}
		unq := func(x string) string { return strings.Trim(strings.TrimSpace(x), `'"`) }
		out[unq(k)] = unq(v)
	}
	return out
}

var volumeSortKeys = []string{"id", "name", "status", "size", "created_at", "updated_at", "availability_zone", "bootable", "volume_type"}

// writeVolumes answers GET /volumes[/detail] with the project's volumes
// that pass the filters, one page of them.
func (s *Room) writeVolumes(w http.ResponseWriter, r *http.Request, q request, detail bool) {
	query := r.URL.Query()
	s.c.Lock()
	defer s.c.Unlock()
	var items []item
	for _, v := range s.volumes {
		if v.ProjectID != q.tok.ProjectID || !s.volumeMatches(v, query) {
			continue
		}
		items = append(items, item{id: v.ID, name: core.Deref(v.Name), status: v.Status, size: v.SizeGB,
			created: v.CreatedAt, updated: v.UpdatedAt, extra: map[string]string{
				"availability_zone": v.AZ, "bootable": strconv.FormatBool(v.Bootable), "volume_type": s.typeName(v.TypeID)}})
	}
	s.writeList(w, r, q, "volumes", items, volumeSortKeys, true, func(id string) any {
		if detail {
			return s.volumeView(s.volumes[id], q.mv)
		}
		return s.volumeSummary(s.volumes[id])
	})
}

func (s *Room) volumeMatches(v *volume, q url.Values) bool {
	if !filterMatches(q, core.Deref(v.Name), v.Status, v.Metadata) {
		return false
	}
	if b := q.Get("bootable"); b != "" && !strings.EqualFold(b, strconv.FormatBool(v.Bootable)) {
		return false
	}
	if az := q.Get("availability_zone"); az != "" && az != v.AZ {
		return false
	}
	if sz := q.Get("size"); sz != "" && sz != strconv.Itoa(v.SizeGB) {
		return false
	}
	return true
}

// writeList answers a list call: one page of the items, each shown by
// view, with "<plural>_links" and, when counted and asked for (3.45 on),
// the number of all items.
func (s *Room) writeList(w http.ResponseWriter, r *http.Request, q request, plural string, items []item, sortKeys []string, counted bool, view func(id string) any) {
	query := r.URL.Query()
	pg, next, verr := pageOf(items, query, sortKeys)
	if verr != nil {
		verr.Write(w)
		return
	}
	out := make([]any, len(pg))
	for i, it := range pg {
		out[i] = view(it.id)
	}
	body := map[string]any{plural: out}
	if links := s.linksFor(r, next); links != nil {
		body[plural+"_links"] = links
	}
	if counted && q.mv >= 45 && query.Get("with_count") == "true" {
		body["count"] = len(items)
	}
	core.WriteJSON(w, http.StatusOK, body)
}

// detailed is a list handler, of summaries or of details (GET …/detail).
func detailed(list func(w http.ResponseWriter, r *http.Request, q request, detail bool), detail bool) handler {
	return func(w http.ResponseWriter, r *http.Request, q request) { list(w, r, q, detail) }
}
