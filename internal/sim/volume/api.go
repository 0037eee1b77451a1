package volume

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Cinder's microversion range (Zed).
const (
	minMicroversion = 0
	maxMicroversion = 70
)

// apiError is the room's refusal.
type apiError = core.APIError

func errorf(status int, format string, args ...any) *apiError {
	return core.NovaErrors.Errorf(status, format, args...)
}

// invalid is Cinder's InvalidInput (400).
func invalid(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "Invalid input received: "+format, args...)
}

// request is what a Cinder handler knows of its call.
type request struct {
	tok *core.Token
	// mv is the minor microversion (3.mv).
	mv int
}

type handler func(w http.ResponseWriter, r *http.Request, q request)

// handle authenticates the call, checks the project in the URL and
// negotiates the microversion, as Cinder's WSGI layer does.
func (s *Room) handle(h handler) http.HandlerFunc {
	return s.c.Authed(core.NovaErrors, func(w http.ResponseWriter, r *http.Request, tok *core.Token) {
		if r.PathValue("project_id") != tok.ProjectID {
			core.NovaErrors.Write(w, http.StatusBadRequest, "Malformed request url")
			return
		}
		mv, verr := microversion(r.Header.Get("OpenStack-API-Version"))
		if verr != nil {
			verr.Write(w)
			return
		}
		w.Header().Set("OpenStack-API-Version", fmt.Sprintf("volume 3.%d", mv))
		w.Header().Add("Vary", "OpenStack-API-Version")
		h(w, r, request{tok: tok, mv: mv})
	})
}

// microversion reads "volume 3.64" (or "latest"); without a
// header Cinder serves 3.0.
func microversion(header string) (int, *apiError) {
	v := ""
	for _, part := range strings.Split(header, ",") {
		if svc, ver, ok := strings.Cut(strings.TrimSpace(part), " "); ok && svc == "volume" {
			v = strings.TrimSpace(ver)
		}
	}
	switch v {
	case "":
		return minMicroversion, nil
	case "latest":
		return maxMicroversion, nil
	}
	major, minor, ok := strings.Cut(v, ".")
	n, err := strconv.Atoi(minor)
	if !ok || major != "3" || err != nil {
		return 0, errorf(http.StatusBadRequest, "API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.", v)
	}
	if n < minMicroversion || n > maxMicroversion {
		return 0, errorf(http.StatusNotAcceptable, "Version %s is not supported by the API. Minimum is 3.%d and maximum is 3.%d.", v, minMicroversion, maxMicroversion)
	}
	return n, nil
}

func (s *Room) versionDoc() map[string]any {
	return map[string]any{
		"id": "v3.0", "status": "CURRENT", "version": fmt.Sprintf("3.%d", maxMicroversion),
		"min_version": "3.0", "updated": "2023-08-31T00:00:00Z",
		"links": []map[string]string{
			{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"},
			{"rel": "self", "href": s.c.URL() + "/volume/v3/"},
		},
		"media-types": []map[string]string{{"base": "application/json",
			"type": "application/vnd.openstack.volume+json;version=3"}},
	}
}

// versions is Cinder's root: 300 Multiple Choices.
func (s *Room) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusMultipleChoices, map[string]any{"versions": []any{s.versionDoc()}})
}

func (s *Room) version(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{s.versionDoc()}})
}

// ownVolumeLocked returns the project's volume or Cinder's 404.
func (s *Room) ownVolumeLocked(projectID, id string) (*volume, *apiError) {
	v := s.volumes[id]
	if v == nil || v.ProjectID != projectID {
		return nil, errorf(http.StatusNotFound, "Volume %s could not be found.", id)
	}
	return v, nil
}

func (s *Room) createVolume(w http.ResponseWriter, r *http.Request, q request) {
	var body struct {
		Volume *createRequest `json:"volume"`
	}
	if !readElement(w, r, &body, "volume", func() bool { return body.Volume != nil }) {
		return
	}
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.createLocked(q.tok.ProjectID, q.tok.UserID, *body.Volume) }, func(v *volume) {
		core.WriteJSON(w, http.StatusAccepted, map[string]any{"volume": s.volumeView(v, q.mv)})
	})
}

func (s *Room) getVolume(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id")) }, func(v *volume) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"volume": s.volumeView(v, q.mv)})
	})
}

func (s *Room) updateVolume(w http.ResponseWriter, r *http.Request, q request) {
	var body struct {
		Volume *struct {
			Name        *string            `json:"name"`
			Description *string            `json:"description"`
			Metadata    *map[string]string `json:"metadata"`
		} `json:"volume"`
	}
	if !readElement(w, r, &body, "volume", func() bool { return body.Volume != nil }) {
		return
	}
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id")) }, func(v *volume) {
		u := body.Volume
		if u.Name != nil {
			v.Name = u.Name
		}
		if u.Description != nil {
			v.Description = u.Description
		}
		if u.Metadata != nil {
			v.Metadata = meta(*u.Metadata)
		}
		v.touch(s.c.Now())
		core.WriteJSON(w, http.StatusOK, map[string]any{"volume": s.volumeView(v, q.mv)})
	})
}

// volumeDeletable are the statuses a volume may be deleted in.
var volumeDeletable = []string{volAvailable, volError, "error_restoring", "error_extending", "error_managing"}

func (s *Room) deleteVolume(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id")) }, func(v *volume) {
		cascade := r.URL.Query().Get("cascade") == "true"
		snaps := s.snapshotsOfLocked(v.ID)
		if !slices.Contains(volumeDeletable, v.Status) || len(v.Attachments) > 0 || (len(snaps) > 0 && !cascade) {
			core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer.")
			return
		}
		for _, sn := range snaps {
			s.startSnapshotDeleteLocked(sn)
		}
		s.startDeleteLocked(v)
		w.WriteHeader(http.StatusAccepted)
	})
}

func (s *Room) getVolumeMetadata(w http.ResponseWriter, r *http.Request, q request) {
	s.editVolumeMetadata(w, r, q, nil)
}

func (s *Room) mergeVolumeMetadata(w http.ResponseWriter, r *http.Request, q request) {
	s.editVolumeMetadata(w, r, q, func(v *volume, m map[string]string) {
		for k, val := range m {
			v.Metadata[k] = val
		}
	})
}

func (s *Room) replaceVolumeMetadata(w http.ResponseWriter, r *http.Request, q request) {
	s.editVolumeMetadata(w, r, q, func(v *volume, m map[string]string) { v.Metadata = meta(m) })
}

// editVolumeMetadata reads (edit nil) or changes a volume's metadata and
// answers with all of it.
func (s *Room) editVolumeMetadata(w http.ResponseWriter, r *http.Request, q request, edit func(*volume, map[string]string)) {
	var body struct {
		Metadata map[string]string `json:"metadata"`
	}
	if edit != nil {
		if !core.ReadJSON(w, r, core.NovaErrors, &body) {
			return
		}
		if body.Metadata == nil {
			core.NovaErrors.Write(w, http.StatusBadRequest, "Malformed request body")
			return
		}
	}
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id")) }, func(v *volume) {
		if edit != nil {
			edit(v, body.Metadata)
			v.touch(s.c.Now())
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": meta(v.Metadata)})
	})
}

func (s *Room) deleteVolumeMetadataKey(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id")) }, func(v *volume) {
		key := r.PathValue("key")
		if _, ok := v.Metadata[key]; !ok {
			core.NovaErrors.Write(w, http.StatusNotFound, "Metadata item was not found")
			return
		}
		delete(v.Metadata, key)
		v.touch(s.c.Now())
		w.WriteHeader(http.StatusOK)
	})
}

func meta(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// readElement decodes the body into dst and answers Cinder's 400 when
// the element key is missing (given reports whether it is there).
func readElement(w http.ResponseWriter, r *http.Request, dst any, key string, given func() bool) bool {
	if !core.ReadJSON(w, r, core.NovaErrors, dst) {
		return false
	}
	if !given() {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Missing required element '"+key+"' in request body.")
		return false
	}
	return true
}
