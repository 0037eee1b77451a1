// Package placement is the simulator's Placement room: the API's version
// document, which is all a tenant can read of it; it makes the catalog
// entry real.
package placement

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Room serves Placement under /placement.
type Room struct{}

// New makes the Placement room.
func New(*core.Cloud) *Room { return &Room{} }

// Prefix is the room's path prefix.
func (*Room) Prefix() string { return "placement" }

// Style is Placement's error style (Nova's shape).
func (*Room) Style() core.ErrorStyle { return core.NovaErrors }

// SeedLocked has nothing to seed.
func (*Room) SeedLocked() error { return nil }

// Routes serves the version document.
func (*Room) Routes(mux *http.ServeMux) {
	doc := func(w http.ResponseWriter, r *http.Request) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{map[string]any{
			"id": "v1.0", "min_version": "1.0", "max_version": "1.39", "status": "CURRENT",
			"links": []map[string]string{{"rel": "self", "href": ""}},
		}}})
	}
	mux.HandleFunc("GET /placement", doc)
	mux.HandleFunc("GET /placement/", doc)
}
