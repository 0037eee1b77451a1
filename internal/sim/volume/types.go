package volume

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) listTypes(w http.ResponseWriter, r *http.Request, q request) {
	s.c.Lock()
	defer s.c.Unlock()
	out := make([]any, 0, len(s.types))
	for _, t := range s.types {
		out = append(out, typeView(t))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"volume_types": out})
}

func (s *Room) defaultType(w http.ResponseWriter, r *http.Request, q request) {
	s.c.Lock()
	defer s.c.Unlock()
	core.WriteJSON(w, http.StatusOK, map[string]any{"volume_type": typeView(s.types[0])})
}

// typeLocked finds a volume type by ID (Cinder also accepts the name).
func (s *Room) typeLocked(id string) (*Type, *apiError) {
	for _, t := range s.types {
		if t.ID == id || t.Name == id {
			return t, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "Volume type %s could not be found.", id)
}

func (s *Room) getType(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*Type, *apiError) { return s.typeLocked(r.PathValue("id")) }, func(t *Type) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"volume_type": typeView(t)})
	})
}

func (s *Room) typeExtraSpecs(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*Type, *apiError) { return s.typeLocked(r.PathValue("id")) }, func(t *Type) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"extra_specs": visibleSpecs(t)})
	})
}

func (s *Room) typeExtraSpec(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*Type, *apiError) { return s.typeLocked(r.PathValue("id")) }, func(t *Type) {
		key := r.PathValue("key")
		v, ok := visibleSpecs(t)[key]
		if !ok {
			core.NovaErrors.Write(w, http.StatusNotFound, "Volume Type "+t.ID+" has no extra specs with key "+key+".")
			return
		}
		core.WriteJSON(w, http.StatusOK, map[string]string{key: v})
	})
}
