package image

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"sort"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// notFound is Glance's 404 for an image the caller cannot see.
func notFound(id string) *apiError {
	return errorf(http.StatusNotFound, "No image found with ID %s", id)
}

// ownedLocked returns the image for a change by the project: 404 when
// the project cannot see it, 403 when it can but does not own it.
func (s *Room) ownedLocked(projectID, id, action string) (*image, *apiError) {
	im := s.visibleLocked(projectID, id)
	if im == nil {
		return nil, notFound(id)
	}
	if im.Owner != projectID {
		return nil, errorf(http.StatusForbidden, "You are not authorized to complete %s action.", action)
	}
	return im, nil
}

func (s *Room) create(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body == nil {
		core.GlanceErrors.Write(w, http.StatusBadRequest, "Body expected in request.")
		return
	}
	core.Locked(s.c, w, func() (*image, *apiError) { return s.newFromBodyLocked(body, tok.ProjectID) }, func(im *image) {
		s.images[im.ID] = im
		s.writeImage(w, http.StatusCreated, im)
	})
}

// newFromBodyLocked builds a queued image from a create request.
func (s *Room) newFromBodyLocked(body map[string]any, projectID string) (*image, *apiError) {
	t := s.c.Now()
	im := &image{ID: core.NewID(), Status: statusQueued, Visibility: "shared", Owner: projectID,
		Tags: []string{}, Properties: map[string]string{}, CreatedAt: t, UpdatedAt: t}
	if raw, ok := body["id"]; ok {
		id, ok := raw.(string)
		if !ok || !uuidPattern.MatchString(id) {
			return nil, schemaErr("%s does not match '%s'", reprJSON(raw), uuidPattern)
		}
		if s.images[id] != nil {
			return nil, errorf(http.StatusConflict, "Image with identifier %s already exists!", id)
		}
		im.ID = id
	}
	if owner, ok := body["owner"]; ok && owner != projectID {
		return nil, errorf(http.StatusForbidden, "You are not permitted to create images owned by '%v'.", owner)
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		if k != "id" && k != "owner" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := setAttr(im, k, body[k], projectID); err != nil {
			return nil, err
		}
	}
	return im, nil
}

func (s *Room) get(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	s.c.Lock()
	defer s.c.Unlock()
	im := s.visibleLocked(tok.ProjectID, r.PathValue("id"))
	if im == nil {
		notFound(r.PathValue("id")).Write(w)
		return
	}
	s.writeImage(w, http.StatusOK, im)
}

func (s *Room) delete(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	core.Locked(s.c, w, func() (*image, *apiError) { return s.ownedLocked(tok.ProjectID, r.PathValue("id"), "delete_image") }, func(im *image) {
		if im.Protected {
			core.GlanceErrors.Write(w, http.StatusForbidden, "Image "+im.ID+" is protected and cannot be deleted.")
			return
		}
		delete(s.images, im.ID)
		if im.Path != "" && im.Status != statusSaving {
			// A file still being written is removed by its writer.
			os.Remove(im.Path)
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Room) addTag(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	core.Locked(s.c, w, func() (*image, *apiError) { return s.ownedLocked(tok.ProjectID, r.PathValue("id"), "modify_image") }, func(im *image) {
		tag := r.PathValue("tag")
		if len(tag) > 255 {
			core.GlanceErrors.Write(w, http.StatusBadRequest, "Provided object does not match schema 'image': '"+tag+"' is too long")
			return
		}
		if !slices.Contains(im.Tags, tag) {
			im.Tags = append(im.Tags, tag)
			im.touch(s.c.Now())
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Room) deleteTag(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	core.Locked(s.c, w, func() (*image, *apiError) { return s.ownedLocked(tok.ProjectID, r.PathValue("id"), "modify_image") }, func(im *image) {
		i := slices.Index(im.Tags, r.PathValue("tag"))
		if i < 0 {
			core.GlanceErrors.Write(w, http.StatusNotFound, "Tag "+r.PathValue("tag")+" not found.")
			return
		}
		im.Tags = slices.Delete(im.Tags, i, i+1)
		im.touch(s.c.Now())
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Room) deactivate(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	s.setActivation(w, r, tok, statusActive, statusDeactivated, "deactivate")
}

func (s *Room) reactivate(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	s.setActivation(w, r, tok, statusDeactivated, statusActive, "reactivate")
}

// setActivation moves an image between active and deactivated; doing it
// again is a no-op, as in Glance.
func (s *Room) setActivation(w http.ResponseWriter, r *http.Request, tok *core.Token, from, to, action string) {
	core.Locked(s.c, w, func() (*image, *apiError) { return s.ownedLocked(tok.ProjectID, r.PathValue("id"), action) }, func(im *image) {
		if im.Status != from && im.Status != to {
			core.GlanceErrors.Write(w, http.StatusForbidden, "Not allowed to "+action+" image in status '"+im.Status+"'")
			return
		}
		if im.Status != to {
			im.Status = to
			im.touch(s.c.Now())
		}
		w.WriteHeader(http.StatusNoContent)
	})
}
