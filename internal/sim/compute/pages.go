package compute

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// maxLimit is Nova's [api] max_limit.
const maxLimit = 1000

// markerNotFound is the message for an unknown marker of servers and
// flavors.
const markerNotFound = "marker [%s] not found"

// pageOf cuts items (sorted as Nova sorts them) at the request's marker
// and limit. Like Nova it offers a "next" link whenever the page is as
// long as the effective limit, even if nothing follows. On a bad limit or
// an unknown marker it writes Nova's 400 (markerFmt formats the marker
// into the message) and returns ok=false.
func pageOf[T any](w http.ResponseWriter, r *http.Request, base, markerFmt string, items []T, id func(T) string) (out []T, links []map[string]string, ok bool) {
	q := r.URL.Query()
	limit := maxLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			core.NovaErrors.Write(w, http.StatusBadRequest, "limit param must be an integer")
			return nil, nil, false
		}
		if n < 0 {
			core.NovaErrors.Write(w, http.StatusBadRequest, "limit param must be positive")
			return nil, nil, false
		}
		limit = min(n, maxLimit)
	}
	p, found, _ := core.Paginate(items, id, q, limit)
	if !found {
		core.NovaErrors.Write(w, http.StatusBadRequest, fmt.Sprintf(markerFmt, q.Get("marker")))
		return nil, nil, false
	}
	out = p.Items
	if n := len(out); n > 0 && n == limit {
		links = []map[string]string{{"href": core.NextLink(r, base, id(out[n-1])), "rel": "next"}}
	}
	return out, links, true
}
