package compute

import (
	"maps"
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeServerMetadata(mux *http.ServeMux) {
	s.handle(mux, "GET", "/servers/{id}/metadata", s.getMetadata)
	s.handle(mux, "PUT", "/servers/{id}/metadata", s.setMetadata(true))
	s.handle(mux, "POST", "/servers/{id}/metadata", s.setMetadata(false))
	s.handle(mux, "GET", "/servers/{id}/metadata/{key}", s.getMetadatum)
	s.handle(mux, "PUT", "/servers/{id}/metadata/{key}", s.setMetadatum)
	s.handle(mux, "DELETE", "/servers/{id}/metadata/{key}", s.deleteMetadatum)
}

// serverMetadataStates are the vm_states in which Nova changes metadata.
var serverMetadataStates = []string{"active", "paused", "suspended", "stopped"}

func (s *Room) getMetadata(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": maps.Clone(srv.Metadata)})
	})
}

// setMetadata replaces (PUT) or merges into (POST) the server metadata.
func (s *Room) setMetadata(replace bool) handler {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
		var req struct {
			Metadata map[string]string `json:"metadata"`
		}
		if !core.ReadJSON(w, r, core.NovaErrors, &req) {
			return
		}
		if req.Metadata == nil {
			badRequest("Invalid input for field/attribute metadata. 'metadata' is a required property").Write(w)
			return
		}
		s.c.Lock()
		defer s.c.Unlock()
		srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
		if !ok || !checkServerVMState(w, srv, "update metadata", serverMetadataStates...) {
			return
		}
		md := maps.Clone(req.Metadata)
		if !replace {
			md = maps.Clone(srv.Metadata)
			maps.Copy(md, req.Metadata)
		}
		if err := checkServerMetadata(md); err != nil {
			err.Write(w)
			return
		}
		srv.Metadata = md
		srv.touch(s.c.Now())
		core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": maps.Clone(md)})
	}
}

func (s *Room) getMetadatum(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		key := r.PathValue("key")
		val, ok := srv.Metadata[key]
		if !ok {
			core.NovaErrors.Write(w, http.StatusNotFound, "Metadata item was not found")
			return
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"meta": map[string]string{key: val}})
	})
}

func (s *Room) setMetadatum(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req struct {
		Meta map[string]string `json:"meta"`
	}
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	key := r.PathValue("key")
	val, inBody := req.Meta[key]
	switch {
	case len(req.Meta) > 1:
		badRequest("Request body contains too many items").Write(w)
		return
	case !inBody:
		badRequest("Request body and URI mismatch").Write(w)
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok || !checkServerVMState(w, srv, "update metadata", serverMetadataStates...) {
		return
	}
	md := maps.Clone(srv.Metadata)
	md[key] = val
	if err := checkServerMetadata(md); err != nil {
		err.Write(w)
		return
	}
	srv.Metadata = md
	srv.touch(s.c.Now())
	core.WriteJSON(w, http.StatusOK, map[string]any{"meta": map[string]string{key: val}})
}

func (s *Room) deleteMetadatum(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok || !checkServerVMState(w, srv, "delete metadata", serverMetadataStates...) {
		return
	}
	key := r.PathValue("key")
	if _, ok := srv.Metadata[key]; !ok {
		core.NovaErrors.Write(w, http.StatusNotFound, "Metadata item was not found")
		return
	}
	delete(srv.Metadata, key)
	srv.touch(s.c.Now())
	w.WriteHeader(http.StatusNoContent)
}
