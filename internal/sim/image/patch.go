package image

import (
	"encoding/json"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// imagePatchTypes are the media types of Glance's JSON-patch dialects.
var imagePatchTypes = []string{
	"application/openstack-images-v2.1-json-patch",
	"application/openstack-images-v2.0-json-patch",
}

// patchOp is one operation of a PATCH request.
type patchOp struct {
	Op    string           `json:"op"`
	Path  *string          `json:"path"`
	Value *json.RawMessage `json:"value"`
}

func (s *Room) update(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if !slices.Contains(imagePatchTypes, ct) {
		w.Header().Set("Accept-Patch", strings.Join(imagePatchTypes, ", "))
		core.GlanceErrors.Write(w, http.StatusUnsupportedMediaType, "The request has an unsupported Content-Type; expected one of "+strings.Join(imagePatchTypes, ", ")+".")
		return
	}
	var ops []patchOp
	if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
		core.GlanceErrors.Write(w, http.StatusBadRequest, "Request body must be a JSON array of operation objects.")
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	im, ierr := s.ownedLocked(tok.ProjectID, r.PathValue("id"), "modify_image")
	if ierr != nil {
		ierr.Write(w)
		return
	}
	// Apply to a copy so that a failing operation changes nothing.
	next := *im
	next.Properties = maps.Clone(im.Properties)
	next.Tags = slices.Clone(im.Tags)
	for _, op := range ops {
		if ierr := applyPatch(&next, op, tok.ProjectID); ierr != nil {
			ierr.Write(w)
			return
		}
	}
	if len(ops) > 0 {
		next.touch(s.c.Now())
	}
	*im = next
	s.writeImage(w, http.StatusOK, im)
}

// applyPatch applies one add, replace or remove operation.
func applyPatch(im *image, op patchOp, projectID string) *apiError {
	if op.Op != "add" && op.Op != "replace" && op.Op != "remove" {
		return errorf(http.StatusBadRequest, "Invalid operation: `%s`", op.Op)
	}
	if op.Path == nil {
		return errorf(http.StatusBadRequest, "Unable to find 'path' in JSON Schema change")
	}
	key, ierr := patchKey(*op.Path)
	if ierr != nil {
		return ierr
	}
	if err := checkWritable(key); err != nil {
		return err
	}
	base := slices.Contains(imageBaseAttrs, key)
	_, isProp := im.Properties[key]
	if op.Op == "remove" {
		if base {
			return errorf(http.StatusForbidden, "Property %s may not be removed.", key)
		}
		if !isProp {
			return errorf(http.StatusConflict, "Property %s does not exist.", key)
		}
		delete(im.Properties, key)
		return nil
	}
	if op.Value == nil {
		return errorf(http.StatusBadRequest, "Operation \"%s\" requires a member named \"value\".", op.Op)
	}
	if op.Op == "replace" && !base && !isProp {
		return errorf(http.StatusConflict, "Property %s does not exist.", key)
	}
	var val any
	if err := json.Unmarshal(*op.Value, &val); err != nil {
		return errorf(http.StatusBadRequest, "Malformed JSON in request body.")
	}
	return setAttr(im, key, val, projectID)
}

// patchKey decodes a one-level JSON pointer such as "/os_distro".
func patchKey(pointer string) (string, *apiError) {
	if !strings.HasPrefix(pointer, "/") {
		return "", errorf(http.StatusBadRequest, "Pointer `%s` does not start with \"/\".", pointer)
	}
	p := pointer[1:]
	if p == "" || strings.Contains(p, "/") {
		return "", errorf(http.StatusBadRequest, "Invalid JSON pointer for this resource: '%s'", pointer)
	}
	if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(p, "~0", ""), "~1", ""), "~") {
		return "", errorf(http.StatusBadRequest, "Pointer `%s` contains \"~\" not part of a recognized escape sequence.", pointer)
	}
	return strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~"), nil
}
