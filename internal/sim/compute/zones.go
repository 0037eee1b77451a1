package compute

import (
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeZones(mux *http.ServeMux) {
	s.handle(mux, "GET", "/os-availability-zone", s.listZones)
	s.handle(mux, "GET", "/os-availability-zone/detail", func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
		core.NovaErrors.Write(w, http.StatusForbidden, "Policy doesn't allow os_compute_api:os-availability-zone:detail to be performed.")
	})
}

// listZones is what a project sees of the compute availability zones:
// their names and that they are available, without hosts.
func (s *Room) listZones(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	out := make([]map[string]any, 0, len(s.azs))
	for _, az := range s.azs {
		out = append(out, map[string]any{"zoneName": az, "zoneState": map[string]bool{"available": true}, "hosts": nil})
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"availabilityZoneInfo": out})
}

// zoneExistsLocked reports whether az is one of the compute zones.
func (s *Room) zoneExistsLocked(az string) bool { return slices.Contains(s.azs, az) }
