package compute

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// flavor is a public Nova flavor.
type flavor struct {
	ID, Name   string
	VCPUs      int
	RAMMiB     int
	DiskGB     int
	ExtraSpecs map[string]string
}

// seedFlavorsLocked creates every scs-0103 standard flavor (mandatory and
// recommended) with the exact values the SCS test checks, then the
// provider's own flavors. IDs are random, so two clouds differ.
func (s *Room) seedFlavorsLocked(p core.Profile) {
	for _, sf := range scs.StandardFlavors() {
		s.addFlavorLocked(sf.Name, sf.VCPUs, sf.RAMMiB, sf.DiskGB, sf.ExtraSpecs)
	}
	for _, f := range p.ExtraFlavors {
		s.addFlavorLocked(f.Name, f.VCPUs, f.RAMMiB, f.DiskGB, f.ExtraSpecs)
	}
}

func (s *Room) addFlavorLocked(name string, vcpus, ramMiB, diskGB int, specs map[string]string) {
	f := &flavor{ID: core.NewID(), Name: name, VCPUs: vcpus, RAMMiB: ramMiB, DiskGB: diskGB, ExtraSpecs: maps.Clone(specs)}
	if f.ExtraSpecs == nil {
		f.ExtraSpecs = map[string]string{}
	}
	s.flavors[f.ID] = f
}

func (s *Room) routeFlavors(mux *http.ServeMux) {
	s.handle(mux, "GET", "/flavors", s.listFlavors(false))
	s.handle(mux, "GET", "/flavors/detail", s.listFlavors(true))
	s.handle(mux, "GET", "/flavors/{id}", s.getFlavor)
	s.handle(mux, "GET", "/flavors/{id}/os-extra_specs", s.listExtraSpecs)
	s.handle(mux, "GET", "/flavors/{id}/os-extra_specs/{key}", s.getExtraSpec)
}

// flavorSortKeys are the sort_key values Nova accepts that the simulator
// can tell apart; the others sort as flavorid.
var flavorSortKeys = map[string]func(a, b *flavor) int{
	"flavorid":  func(a, b *flavor) int { return cmp.Compare(a.ID, b.ID) },
	"id":        func(a, b *flavor) int { return cmp.Compare(a.ID, b.ID) },
	"name":      func(a, b *flavor) int { return cmp.Compare(a.Name, b.Name) },
	"vcpus":     func(a, b *flavor) int { return cmp.Compare(a.VCPUs, b.VCPUs) },
	"memory_mb": func(a, b *flavor) int { return cmp.Compare(a.RAMMiB, b.RAMMiB) },
	"root_gb":   func(a, b *flavor) int { return cmp.Compare(a.DiskGB, b.DiskGB) },
}

var otherFlavorSortKeys = []string{"created_at", "description", "disabled", "ephemeral_gb",
	"is_public", "rxtx_factor", "swap", "updated_at", "vcpu_weight"}

// sortedFlavorsLocked lists the flavors as Nova does: by sort_key
// (default flavorid) and sort_dir (default asc), ties broken by ID. A
// non-admin always sees the public flavors, so is_public is accepted and
// ignored, as in Nova.
func (s *Room) sortedFlavorsLocked(q url.Values, minDisk, minRAM int) ([]*flavor, *apiError) {
	key, dir := cmp.Or(q.Get("sort_key"), "flavorid"), cmp.Or(q.Get("sort_dir"), "asc")
	by, ok := flavorSortKeys[key]
	if !ok && slices.Contains(otherFlavorSortKeys, key) {
		by, ok = flavorSortKeys["flavorid"], true
	}
	if !ok || (dir != "asc" && dir != "desc") {
		return nil, badRequest("Invalid input for query parameters sort_key or sort_dir. Value: %s %s.", key, dir)
	}
	var out []*flavor
	for _, f := range s.flavors {
		if f.DiskGB >= minDisk && f.RAMMiB >= minRAM {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *flavor) int {
		c := cmp.Or(by(a, b), cmp.Compare(a.ID, b.ID))
		if dir == "desc" {
			return -c
		}
		return c
	})
	return out, nil
}

func (s *Room) listFlavors(detail bool) handler {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
		minDisk, ok1 := intParam(w, r, "minDisk")
		minRAM, ok2 := intParam(w, r, "minRam")
		if !ok1 || !ok2 {
			return
		}
		s.c.Lock()
		defer s.c.Unlock()
		all, err := s.sortedFlavorsLocked(r.URL.Query(), minDisk, minRAM)
		if err != nil {
			err.Write(w)
			return
		}
		items, links, ok := pageOf(w, r, s.c.URL(), markerNotFound, all, func(f *flavor) string { return f.ID })
		if !ok {
			return
		}
		out := make([]map[string]any, 0, len(items))
		for _, f := range items {
			if detail {
				out = append(out, s.flavorBody(f, v))
			} else {
				out = append(out, s.flavorSummary(f, v))
			}
		}
		body := map[string]any{"flavors": out}
		if links != nil {
			body["flavors_links"] = links
		}
		core.WriteJSON(w, http.StatusOK, body)
	}
}

// intParam reads an optional non-negative integer query parameter.
func intParam(w http.ResponseWriter, r *http.Request, name string) (int, bool) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return 0, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		core.NovaErrors.Write(w, http.StatusBadRequest, fmt.Sprintf("Invalid %s filter [%s]", name, raw))
		return 0, false
	}
	return n, true
}

func (s *Room) flavorSummary(f *flavor, v microversion) map[string]any {
	b := map[string]any{"id": f.ID, "name": f.Name, "links": s.links("flavors", f.ID)}
	if v >= 55 {
		b["description"] = nil
	}
	return b
}

// flavorBody is a flavor as GET /flavors/{id} shows it at version v.
func (s *Room) flavorBody(f *flavor, v microversion) map[string]any {
	b := s.flavorSummary(f, v)
	b["vcpus"], b["ram"], b["disk"] = f.VCPUs, f.RAMMiB, f.DiskGB
	b["OS-FLV-DISABLED:disabled"] = false
	b["OS-FLV-EXT-DATA:ephemeral"] = 0
	b["os-flavor-access:is_public"] = true
	b["rxtx_factor"] = 1.0
	b["swap"] = ""
	if v >= 75 {
		b["swap"] = 0
	}
	if v >= 61 {
		b["extra_specs"] = maps.Clone(f.ExtraSpecs)
	}
	return b
}

// flavorLocked finds a flavor by ID, writing Nova's 404 if there is none.
func (s *Room) flavorLocked(w http.ResponseWriter, id string) (*flavor, bool) {
	f, ok := s.flavors[id]
	if !ok {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Flavor %s could not be found.", id))
	}
	return f, ok
}

func (s *Room) getFlavor(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	if f, ok := s.flavorLocked(w, r.PathValue("id")); ok {
		core.WriteJSON(w, http.StatusOK, map[string]any{"flavor": s.flavorBody(f, v)})
	}
}

func (s *Room) listExtraSpecs(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	if f, ok := s.flavorLocked(w, r.PathValue("id")); ok {
		core.WriteJSON(w, http.StatusOK, map[string]any{"extra_specs": maps.Clone(f.ExtraSpecs)})
	}
}

func (s *Room) getExtraSpec(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	f, ok := s.flavorLocked(w, r.PathValue("id"))
	if !ok {
		return
	}
	key := r.PathValue("key")
	val, ok := f.ExtraSpecs[key]
	if !ok {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Flavor %s has no extra specs with key %s.", f.ID, key))
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{key: val})
}
