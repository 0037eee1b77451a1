package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// lbError is an Octavia error answer.
type lbError struct {
	Status  int
	Message string
}

func (e *lbError) Error() string { return e.Message }

func lbErr(status int, format string, a ...any) *lbError {
	return &lbError{Status: status, Message: fmt.Sprintf(format, a...)}
}

// lbNotFound is Octavia's NotFound, e.g. "Load Balancer 123 not found.".
func lbNotFound(resource, id string) error {
	return lbErr(http.StatusNotFound, "%s %s not found.", resource, id)
}

// lbValidation is Octavia's ValidationException.
func lbValidation(format string, a ...any) error {
	return lbErr(http.StatusBadRequest, "Validation failure: "+format, a...)
}

// lbImmutable is the answer to a change while the load balancer is busy.
func lbImmutable(lbID string) error {
	return lbErr(http.StatusConflict, "Load Balancer %s is immutable and cannot be updated.", lbID)
}

func lbForbidden() error {
	return lbErr(http.StatusForbidden, "Policy does not allow this request to be performed.")
}

// lbInvalidField is WSME's answer to a bad attribute value.
func lbInvalidField(field string, value any, reason string) error {
	return lbErr(http.StatusBadRequest, "Invalid input for field/attribute %s. Value: '%v'. %s", field, value, reason)
}

func writeLBError(w http.ResponseWriter, err error) {
	var le *lbError
	if !errors.As(err, &le) {
		le = lbErr(http.StatusInternalServerError, "Internal Server Error")
	}
	core.OctaviaErrors.Write(w, le.Status, le.Message)
}

// lbReq is one Octavia API call, served under the cloud lock.
type lbReq struct {
	r     *http.Request
	tok   *token
	body  []byte
	query url.Values
}

func (q *lbReq) project() string { return q.tok.ProjectID }

func (q *lbReq) id(name string) string { return q.r.PathValue(name) }

type lbHandler func(q *lbReq) (int, any, error)

// handle registers h under both /load-balancer/v2.0/lbaas and
// /load-balancer/v2/lbaas.
func (s *loadBalancerService) handle(mux *http.ServeMux, method, path string, h lbHandler) {
	serve := s.c.Authed(core.OctaviaErrors, func(w http.ResponseWriter, r *http.Request, tok *token) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeLBError(w, lbErr(http.StatusBadRequest, "Malformed request body"))
			return
		}
		q := &lbReq{r: r, tok: tok, body: body, query: r.URL.Query()}
		s.c.Lock()
		status, out, err := h(q)
		s.c.Unlock()
		switch {
		case err != nil:
			writeLBError(w, err)
		case out == nil:
			w.WriteHeader(status)
		default:
			core.WriteJSON(w, status, out)
		}
	})
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
func (q *lbReq) decode(key string, dst any) error {
	var outer map[string]json.RawMessage
	if json.Unmarshal(q.body, &outer) != nil {
		return lbErr(http.StatusBadRequest, "Malformed request body")
	}
	raw, ok := outer[key]
	if !ok || string(raw) == "null" {
		return lbErr(http.StatusBadRequest, "Missing argument: \"%s\"", key)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return lbDecodeError(key, err)
	}
	return nil
}

func lbDecodeError(key string, err error) error {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return lbErr(http.StatusBadRequest, "Invalid input for field/attribute %s. Value: '%s'. Unknown attribute for argument %s: %s",
			key, strings.Trim(f, `"`), key, strings.Trim(f, `"`))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return lbInvalidField(te.Field, te.Value, "Wrong type. Expected '"+te.Type.String()+"', got '"+te.Value+"'")
	}
	return lbErr(http.StatusBadRequest, "Malformed request body")
}

// checkProject refuses a project_id other than the caller's.
func (q *lbReq) checkProject(projectID *string) error {
	if projectID != nil && *projectID != "" && *projectID != q.project() {
		return lbForbidden()
	}
	return nil
}
