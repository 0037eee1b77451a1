package image

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

// Glance's paging defaults (limit_param_default, api_limit_max).
const (
	defaultLimit = 25
	maxLimit     = 1000
)

// imageListParams are the query parameters that are not filters on
// additional properties.
var imageListParams = []string{"limit", "marker", "sort", "sort_key", "sort_dir", "member_status",
	"visibility", "os_hidden", "name", "status", "owner", "tag", "id", "checksum", "os_hash_value",
	"container_format", "disk_format", "size_min", "size_max", "protected", "created_at", "updated_at"}

var imageSortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id",
	"created_at", "updated_at", "visibility", "owner", "min_disk", "min_ram", "virtual_size", "os_hidden"}

// sortKey is one sort key with its direction.
type sortKey struct {
	key  string
	desc bool
}

func (s *Room) list(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	q := r.URL.Query()
	limit, ierr := limitOf(q)
	if ierr != nil {
		ierr.Write(w)
		return
	}
	sorts, ierr := sorts(q)
	if ierr == nil {
		ierr = checkImageListValues(q)
	}
	if ierr != nil {
		ierr.Write(w)
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	var items []*image
	for _, im := range s.images {
		if s.listedLocked(im, tok.ProjectID, q) {
			items = append(items, im)
		}
	}
	slices.SortFunc(items, func(a, b *image) int { return compareImages(a, b, sorts) })
	start := 0
	if m := q.Get("marker"); m != "" {
		i := slices.IndexFunc(items, func(im *image) bool { return im.ID == m })
		if i < 0 {
			core.GlanceErrors.Write(w, http.StatusBadRequest, "No image found with ID "+m)
			return
		}
		start = i + 1
	}
	pg := items[start:min(start+limit, len(items))]
	out := make([]any, len(pg))
	for i, im := range pg {
		out[i] = view(im)
	}
	body := map[string]any{"images": out, "schema": "/v2/schemas/images", "first": firstLink(q)}
	if len(pg) > 0 && len(pg) == limit {
		q.Set("marker", pg[len(pg)-1].ID)
		body["next"] = "/v2/images?" + q.Encode()
	}
	core.WriteJSON(w, http.StatusOK, body)
}

// checkImageListValues rejects unknown visibility and member_status
// filters, as Glance does.
func checkImageListValues(q url.Values) *apiError {
	if v := q.Get("visibility"); v != "" && v != "all" && !slices.Contains(core.ImageVisibilities, v) {
		return errorf(http.StatusBadRequest, "Invalid visibility value: %s", v)
	}
	if m := q.Get("member_status"); m != "" && !slices.Contains([]string{"accepted", "pending", "rejected", "all"}, m) {
		return errorf(http.StatusBadRequest, "Invalid status value: %s", m)
	}
	return nil
}

func firstLink(q url.Values) string {
	first := url.Values{}
	for k, v := range q {
		if k != "marker" {
			first[k] = v
		}
	}
	if len(first) == 0 {
		return "/v2/images"
	}
	return "/v2/images?" + first.Encode()
}

func limitOf(q url.Values) (int, *apiError) {
	l := q.Get("limit")
	if l == "" {
		return defaultLimit, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil {
		return 0, errorf(http.StatusBadRequest, "limit param must be an integer")
	}
	if n < 0 {
		return 0, errorf(http.StatusBadRequest, "limit param must be positive")
	}
	return min(n, maxLimit), nil
}

// sorts reads sort=k1:dir,k2 or sort_key/sort_dir; created_at and
// id always break ties.
func sorts(q url.Values) ([]sortKey, *apiError) {
	var sorts []sortKey
	if v := q.Get("sort"); v != "" {
		if q.Has("sort_key") || q.Has("sort_dir") {
			return nil, errorf(http.StatusBadRequest, "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.")
		}
		for _, part := range strings.Split(v, ",") {
			key, dir, _ := strings.Cut(strings.TrimSpace(part), ":")
			srt, ierr := newSortKey(key, cmp.Or(dir, "desc"))
			if ierr != nil {
				return nil, ierr
			}
			sorts = append(sorts, srt)
		}
	} else {
		dirs := q["sort_dir"]
		for i, key := range q["sort_key"] {
			dir := "desc"
			if i < len(dirs) {
				dir = dirs[i]
			} else if len(dirs) > 0 {
				dir = dirs[len(dirs)-1]
			}
			srt, ierr := newSortKey(key, dir)
			if ierr != nil {
				return nil, ierr
			}
			sorts = append(sorts, srt)
		}
	}
	return append(sorts, sortKey{"created_at", true}, sortKey{"id", true}), nil
}

func newSortKey(key, dir string) (sortKey, *apiError) {
	if !slices.Contains(imageSortKeys, key) {
		return sortKey{}, errorf(http.StatusBadRequest, "Invalid sort key: %s. It must be one of the following: %s.", key, strings.Join(imageSortKeys, ", "))
	}
	if dir != "asc" && dir != "desc" {
		return sortKey{}, errorf(http.StatusBadRequest, "Invalid sort direction: %s", dir)
	}
	return sortKey{key: key, desc: dir == "desc"}, nil
}

func compareImages(a, b *image, sorts []sortKey) int {
	for _, s := range sorts {
		c := cmp.Compare(sortValue(a, s.key), sortValue(b, s.key))
		if s.desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// sortValue is a sortable text for an attribute (numbers padded).
func sortValue(im *image, key string) string {
	num := func(n int64) string { return strconv.FormatInt(n+1<<62, 10) }
	switch key {
	case "name":
		return core.Deref(im.Name)
	case "status":
		return im.Status
	case "container_format":
		return core.Deref(im.ContainerFormat)
	case "disk_format":
		return core.Deref(im.DiskFormat)
	case "size":
		return num(core.Deref(im.Size))
	case "virtual_size":
		return num(core.Deref(im.VirtualSize))
	case "min_disk":
		return num(int64(im.MinDisk))
	case "min_ram":
		return num(int64(im.MinRAM))
	case "created_at":
		return im.CreatedAt.Format(time.RFC3339Nano)
	case "updated_at":
		return im.UpdatedAt.Format(time.RFC3339Nano)
	case "visibility":
		return im.Visibility
	case "owner":
		return im.Owner
	case "os_hidden":
		return strconv.FormatBool(im.Hidden)
	}
	return im.ID
}

// listedLocked decides whether an image is in the project's list for
// the query: Glance's visibility rules first, then the filters.
func (s *Room) listedLocked(im *image, projectID string, q url.Values) bool {
	if !inScope(im, projectID, q) {
		return false
	}
	hidden := q.Get("os_hidden") == "true"
	if im.Hidden != hidden {
		return false
	}
	return matches(im, q)
}

// inScope applies the visibility filter: without one a project
// lists its own images, public ones and shared ones it accepted, but not
// other projects' community images.
func inScope(im *image, projectID string, q url.Values) bool {
	if !im.visibleTo(projectID) {
		return false
	}
	member := func() bool {
		m := im.Members[projectID]
		if m == nil {
			return false
		}
		want := q.Get("member_status")
		return want == "all" || m.Status == cmp.Or(want, "accepted")
	}
	mine := im.Owner == projectID
	switch v := q.Get("visibility"); v {
	case "":
		return mine || im.Visibility == "public" || (im.Visibility == "shared" && member())
	case "all":
		return mine || im.Visibility == "public" || im.Visibility == "community" || (im.Visibility == "shared" && member())
	case "shared":
		return im.Visibility == "shared" && (mine || member())
	default:
		return im.Visibility == v
	}
}

// matches applies the attribute and property filters.
func matches(im *image, q url.Values) bool {
	checks := map[string]string{
		"name": core.Deref(im.Name), "status": im.Status, "owner": im.Owner, "id": im.ID,
		"checksum": im.Checksum, "os_hash_value": im.HashValue,
		"container_format": core.Deref(im.ContainerFormat), "disk_format": core.Deref(im.DiskFormat),
		"protected": strconv.FormatBool(im.Protected),
	}
	for key, have := range checks {
		if want, ok := q[key]; ok && !valueMatches(have, want[0]) {
			return false
		}
	}
	for _, tag := range q["tag"] {
		if !slices.Contains(im.Tags, tag) {
			return false
		}
	}
	if !sizeMatches(im, q) || !timeMatches(im.CreatedAt, q.Get("created_at")) ||
		!timeMatches(im.UpdatedAt, q.Get("updated_at")) {
		return false
	}
	for key, want := range q {
		if !slices.Contains(imageListParams, key) {
			if have, ok := im.Properties[key]; !ok || !valueMatches(have, want[0]) {
				return false
			}
		}
	}
	return true
}

// valueMatches compares exactly, or against a list with "in:a,b".
func valueMatches(have, want string) bool {
	if list, ok := strings.CutPrefix(want, "in:"); ok {
		return slices.Contains(strings.Split(list, ","), have)
	}
	return have == want
}

func sizeMatches(im *image, q url.Values) bool {
	size := core.Deref(im.Size)
	if v := q.Get("size_min"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		if im.Size == nil || size < n {
			return false
		}
	}
	if v := q.Get("size_max"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		if im.Size == nil || size > n {
			return false
		}
	}
	return true
}

// timeMatches applies a time filter such as "gte:2026-01-01T00:00:00Z".
func timeMatches(t time.Time, filter string) bool {
	if filter == "" {
		return true
	}
	op, val, ok := strings.Cut(filter, ":")
	if !ok || !slices.Contains([]string{"gt", "gte", "lt", "lte", "eq", "neq"}, op) {
		op, val = "eq", filter
	}
	ref, err := time.Parse(time.RFC3339, val)
	if err != nil {
		return false
	}
	c := t.Compare(ref)
	switch op {
	case "gt":
		return c > 0
	case "gte":
		return c >= 0
	case "lt":
		return c < 0
	case "lte":
		return c <= 0
	case "neq":
		return c != 0
	}
	return c == 0
}
