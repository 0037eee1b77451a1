package loadbalancer

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// errorf is an Octavia error answer.
func errorf(status int, format string, a ...any) *core.APIError {
	return core.OctaviaErrors.Errorf(status, format, a...)
}

// notFound is Octavia's NotFound, e.g. "Load Balancer 123 not found.".
func notFound(resource, id string) error {
	return errorf(http.StatusNotFound, "%s %s not found.", resource, id)
}

// validation is Octavia's ValidationException.
func validation(format string, a ...any) error {
	return errorf(http.StatusBadRequest, "Validation failure: "+format, a...)
}

// immutable is the answer to a change while the load balancer is busy.
func immutable(lbID string) error {
	return errorf(http.StatusConflict, "Load Balancer %s is immutable and cannot be updated.", lbID)
}

func forbiddenError() error {
	return errorf(http.StatusForbidden, "Policy does not allow this request to be performed.")
}

// invalidField is WSME's answer to a bad attribute value.
func invalidField(field string, value any, reason string) error {
	return errorf(http.StatusBadRequest, "Invalid input for field/attribute %s. Value: '%v'. %s", field, value, reason)
}

// errs is how Octavia answers errors.
var errs = core.Errors{Style: core.OctaviaErrors, BadBody: errorf(http.StatusBadRequest, "Malformed request body"),
	Internal: errorf(http.StatusInternalServerError, "Internal Server Error")}

func writeError(w http.ResponseWriter, err error) { errs.Write(w, err) }

// request is one Octavia API call, served under the cloud lock.
type request struct{ *core.Call }

func (q *request) id(name string) string { return q.R.PathValue(name) }

type handler func(q *request) (int, any, error)

// handle registers h under both /load-balancer/v2.0/lbaas and
// /load-balancer/v2/lbaas.
func (s *Room) handle(mux *http.ServeMux, method, path string, h handler) {
	serve := s.c.Authed(core.OctaviaErrors, s.c.Serve(errs, 1<<20, func(q *core.Call) (int, any, error) { return h(&request{q}) }))
	for _, v := range []string{"v2.0", "v2"} {
		mux.HandleFunc(method+" /load-balancer/"+v+"/lbaas"+path, serve)
		// Octavia serves quotas at the version root as well (gophercloud
		// and the CLI use /v2.0/quotas).
		if strings.HasPrefix(path, "/quotas") {
			mux.HandleFunc(method+" /load-balancer/"+v+path, serve)
		}
	}
}

// decode reads {"<key>": {...}} into dst, refusing attributes dst does
// not know, as WSME does.
func (q *request) decode(key string, dst any) error {
	var outer map[string]json.RawMessage
	if json.Unmarshal(q.Body, &outer) != nil {
		return errorf(http.StatusBadRequest, "Malformed request body")
	}
	raw, ok := outer[key]
	if !ok || string(raw) == "null" {
		return errorf(http.StatusBadRequest, "Missing argument: \"%s\"", key)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(key, err)
	}
	return nil
}

func decodeError(key string, err error) error {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return errorf(http.StatusBadRequest, "Invalid input for field/attribute %s. Value: '%s'. Unknown attribute for argument %s: %s",
			key, strings.Trim(f, `"`), key, strings.Trim(f, `"`))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return invalidField(te.Field, te.Value, "Wrong type. Expected '"+te.Type.String()+"', got '"+te.Value+"'")
	}
	return errorf(http.StatusBadRequest, "Malformed request body")
}

// checkProject refuses a project_id other than the caller's.
func (q *request) checkProject(projectID *string) error {
	if projectID != nil && *projectID != "" && *projectID != q.Project() {
		return forbiddenError()
	}
	return nil
}
