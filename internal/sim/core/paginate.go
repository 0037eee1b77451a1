package core

import (
	"net/http"
	"net/url"
	"strconv"
)

// page is one page of a marker-paginated list.
type Page[T any] struct {
	Items []T
	// Next is the marker for the next page, or "" when this is the last.
	Next string
}

// Paginate cuts items (already sorted the way the service sorts) at the
// marker and limit given in the query, the way OpenStack services do:
// items after the one whose ID is marker, at most limit of them (maxLimit
// when limit is absent or larger). A marker that names no item is
// reported with ok=false; the caller answers 400 (Nova, Cinder, Glance) or
// 404 (Neutron) as its service does.
func Paginate[T any](items []T, id func(T) string, q url.Values, maxLimit int) (p Page[T], ok bool, badLimit bool) {
	start := 0
	if m := q.Get("marker"); m != "" {
		start = -1
		for i, it := range items {
			if id(it) == m {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return p, false, false
		}
	}
	limit := maxLimit
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			return p, true, true
		}
		if n < limit {
			limit = n
		}
	}
	end := min(start+limit, len(items))
	p.Items = items[start:end]
	if end < len(items) && len(p.Items) > 0 {
		p.Next = id(p.Items[len(p.Items)-1])
	}
	return p, true, false
}

// NextLink is the URL of the request with its marker replaced by marker,
// as the services put it in their "next" links. base is the cloud's base
// URL (Cloud.URL); the request path already holds the service prefix.
func NextLink(r *http.Request, base, marker string) string {
	q := r.URL.Query()
	q.Set("marker", marker)
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return base + u.String()
}
