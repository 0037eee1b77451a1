package compute

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeServerTags(mux *http.ServeMux) {
	s.handle(mux, "GET", "/servers/{id}/tags", s.tagsHandler(s.listTags))
	s.handle(mux, "PUT", "/servers/{id}/tags", s.tagsHandler(s.replaceTags))
	s.handle(mux, "DELETE", "/servers/{id}/tags", s.tagsHandler(s.deleteTags))
	s.handle(mux, "GET", "/servers/{id}/tags/{tag}", s.tagsHandler(s.checkTag))
	s.handle(mux, "PUT", "/servers/{id}/tags/{tag}", s.tagsHandler(s.addTag))
	s.handle(mux, "DELETE", "/servers/{id}/tags/{tag}", s.tagsHandler(s.deleteTag))
}

// serverTagStates are the vm_states in which Nova changes tags.
var serverTagStates = []string{"active", "paused", "suspended", "stopped", "shelved", "shelved_offloaded"}

// serverTagHandler works on one server's tags, under the lock.
type serverTagHandler func(w http.ResponseWriter, r *http.Request, srv *server)

// tagsHandler gates the tag API at 2.26 (older versions do not have it:
// 404) and finds the server.
func (s *Room) tagsHandler(h serverTagHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
		if v < 26 {
			core.NovaErrors.Write(w, http.StatusNotFound, "The resource could not be found.")
			return
		}
		core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
			h(w, r, srv)
		})
	}
}

func (s *Room) listTags(w http.ResponseWriter, r *http.Request, srv *server) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"tags": append([]string{}, srv.Tags...)})
}

func (s *Room) replaceTags(w http.ResponseWriter, r *http.Request, srv *server) {
	var req struct {
		Tags []string `json:"tags"`
	}
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	if req.Tags == nil {
		badRequest("Invalid input for field/attribute tags. 'tags' is a required property").Write(w)
		return
	}
	if err := checkServerTags(req.Tags); err != nil {
		err.Write(w)
		return
	}
	if !checkServerVMState(w, srv, "update tags", serverTagStates...) {
		return
	}
	srv.Tags = dedupeTags(req.Tags)
	srv.touch(s.c.Now())
	s.listTags(w, r, srv)
}

func dedupeTags(tags []string) []string {
	out := []string{}
	for _, t := range tags {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (s *Room) deleteTags(w http.ResponseWriter, r *http.Request, srv *server) {
	if !checkServerVMState(w, srv, "delete tags", serverTagStates...) {
		return
	}
	srv.Tags = nil
	srv.touch(s.c.Now())
	w.WriteHeader(http.StatusNoContent)
}

func (s *Room) checkTag(w http.ResponseWriter, r *http.Request, srv *server) {
	tag := r.PathValue("tag")
	if !slices.Contains(srv.Tags, tag) {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Instance %s has no tag '%s'", srv.ID, tag))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// addTag answers 201 with a Location for a new tag, 204 for a known one.
func (s *Room) addTag(w http.ResponseWriter, r *http.Request, srv *server) {
	tag := r.PathValue("tag")
	if err := checkServerTag(tag); err != nil {
		err.Write(w)
		return
	}
	if !checkServerVMState(w, srv, "update tag", serverTagStates...) {
		return
	}
	if slices.Contains(srv.Tags, tag) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if len(srv.Tags) >= maxServerTags {
		badRequest("The number of tags exceeded the per-server limit %d", maxServerTags).Write(w)
		return
	}
	srv.Tags = append(srv.Tags, tag)
	srv.touch(s.c.Now())
	w.Header().Set("Location", s.c.URL()+basePath+"/servers/"+srv.ID+"/tags/"+tag)
	w.WriteHeader(http.StatusCreated)
}

func (s *Room) deleteTag(w http.ResponseWriter, r *http.Request, srv *server) {
	tag := r.PathValue("tag")
	if !checkServerVMState(w, srv, "delete tag", serverTagStates...) {
		return
	}
	i := slices.Index(srv.Tags, tag)
	if i < 0 {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Instance %s has no tag '%s'", srv.ID, tag))
		return
	}
	srv.Tags = slices.Delete(srv.Tags, i, i+1)
	srv.touch(s.c.Now())
	w.WriteHeader(http.StatusNoContent)
}
