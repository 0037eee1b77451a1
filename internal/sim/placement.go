package sim

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// routePlacement serves the Placement API's version document, which is
// all a tenant can read of it; it makes the catalog entry real.
func routePlacement(c *Cloud, mux *http.ServeMux) {
	doc := func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{map[string]any{
			"id": "v1.0", "min_version": "1.0", "max_version": "1.39", "status": "CURRENT",
			"links": []map[string]string{{"rel": "self", "href": ""}},
		}}})
	}
	mux.HandleFunc("GET /placement", doc)
	mux.HandleFunc("GET /placement/", doc)
}
