package sim

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *volumeService) listTypes(w http.ResponseWriter, r *http.Request, q volumeRequest) {
	s.c.Lock()
	defer s.c.Unlock()
	out := make([]any, 0, len(s.types))
	for _, t := range s.types {
		out = append(out, volumeTypeView(t))
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"volume_types": out})
}

func (s *volumeService) defaultType(w http.ResponseWriter, r *http.Request, q volumeRequest) {
	s.c.Lock()
	defer s.c.Unlock()
	core.WriteJSON(w, http.StatusOK, map[string]any{"volume_type": volumeTypeView(s.types[0])})
}

// typeLocked finds a volume type by ID (Cinder also accepts the name).
func (s *volumeService) typeLocked(id string) (*volumeType, *cinderError) {
	for _, t := range s.types {
		if t.ID == id || t.Name == id {
			return t, nil
		}
	}
	return nil, cinderErr(http.StatusNotFound, "Volume type %s could not be found.", id)
}

func (s *volumeService) getType(w http.ResponseWriter, r *http.Request, q volumeRequest) {
	s.c.Lock()
	defer s.c.Unlock()
	t, verr := s.typeLocked(r.PathValue("id"))
	if verr != nil {
		verr.write(w)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"volume_type": volumeTypeView(t)})
}

func (s *volumeService) typeExtraSpecs(w http.ResponseWriter, r *http.Request, q volumeRequest) {
	s.c.Lock()
	defer s.c.Unlock()
	t, verr := s.typeLocked(r.PathValue("id"))
	if verr != nil {
		verr.write(w)
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"extra_specs": volumeVisibleSpecs(t)})
}

func (s *volumeService) typeExtraSpec(w http.ResponseWriter, r *http.Request, q volumeRequest) {
	s.c.Lock()
	defer s.c.Unlock()
	t, verr := s.typeLocked(r.PathValue("id"))
	if verr != nil {
		verr.write(w)
		return
	}
	key := r.PathValue("key")
	v, ok := volumeVisibleSpecs(t)[key]
	if !ok {
		core.NovaErrors.Write(w, http.StatusNotFound, "Volume Type "+t.ID+" has no extra specs with key "+key+".")
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]string{key: v})
}
