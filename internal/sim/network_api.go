package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// nErr is an error answer of Neutron: status, NeutronError type and
// message. The cross-room methods return it too, so that Nova can
// translate what Neutron said.
func nErr(status int, typ, format string, a ...any) *core.APIError {
	return &core.APIError{Status: status, Type: typ, Message: fmt.Sprintf(format, a...)}
}

// nBadRequest is webob's HTTPBadRequest as Neutron's API layer raises it.
func nBadRequest(format string, a ...any) *core.APIError {
	return nErr(http.StatusBadRequest, "HTTPBadRequest", format, a...)
}

// nInvalidInput is neutron-lib's InvalidInput.
func nInvalidInput(format string, a ...any) *core.APIError {
	return nErr(http.StatusBadRequest, "InvalidInput", "Invalid input for operation: "+format+".", a...)
}

// nBadResource is neutron-lib's BadRequest for one resource.
func nBadResource(resource, format string, a ...any) *core.APIError {
	return nErr(http.StatusBadRequest, "BadRequest", "Bad "+resource+" request: "+format+".", a...)
}

// nPolicyDenied is oslo.policy's refusal; attr names the attribute rule
// that failed ("" for the action itself).
func nPolicyDenied(action, attr string) *core.APIError {
	msg := "rule:" + action + " is disallowed by policy"
	if attr != "" {
		msg = "(rule:" + action + " and rule:" + action + ":" + attr + ") is disallowed by policy"
	}
	return nErr(http.StatusForbidden, "PolicyNotAuthorized", "%s", msg)
}

func writeNeutronError(w http.ResponseWriter, err error) {
	var ne *core.APIError
	if !errors.As(err, &ne) {
		ne = nErr(http.StatusInternalServerError, "HTTPInternalServerError",
			"Request Failed: internal server error while processing your request.")
	}
	core.NeutronErrors.WriteTyped(w, ne.Status, ne.Type, ne.Message)
}

// nreq is one Neutron API call, served under the cloud lock.
type nreq struct {
	r     *http.Request
	tok   *token
	body  []byte
	query url.Values
}

// id is the resource ID in the path, without a ".json" format suffix.
func (q *nreq) id() string { return strings.TrimSuffix(q.r.PathValue("id"), ".json") }

func (q *nreq) project() string { return q.tok.ProjectID }

// nhandler serves a call and returns the status and body to answer (a nil
// body means none), or an error.
type nhandler func(q *nreq) (int, any, error)

// handle registers h under the Neutron prefix. The handler runs with the
// cloud lock held, after the caller's project got its default security
// group; the answer is written after the lock is released.
func (s *networkService) handle(mux *http.ServeMux, method, path string, h nhandler) {
	mux.HandleFunc(method+" /network/v2.0"+path, s.c.Authed(core.NeutronErrors, func(w http.ResponseWriter, r *http.Request, tok *token) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
		if err != nil {
			writeNeutronError(w, nBadRequest("Malformed request body"))
			return
		}
		q := &nreq{r: r, tok: tok, body: body, query: r.URL.Query()}
		s.c.Lock()
		s.ensureDefaultSGLocked(tok.ProjectID)
		status, out, err := h(q)
		s.c.Unlock()
		switch {
		case err != nil:
			writeNeutronError(w, err)
		case out == nil:
			w.WriteHeader(status)
		default:
			core.WriteJSON(w, status, out)
		}
	}))
}

// nAttrs are the attributes of a resource in a request body.
type nAttrs map[string]json.RawMessage

// resource decodes a body {"<key>": {...}}. Only the listed attributes
// may appear; project_id and tenant_id are accepted on POST when they
// name the caller's project.
func (q *nreq) resource(key string, allowed ...string) (nAttrs, error) {
	var outer map[string]json.RawMessage
	if len(q.body) == 0 || json.Unmarshal(q.body, &outer) != nil {
		return nil, nBadRequest("Malformed request body")
	}
	raw, ok := outer[key]
	if !ok {
		return nil, nBadRequest("Unable to find '%s' in request body", key)
	}
	var a nAttrs
	if json.Unmarshal(raw, &a) != nil || a == nil {
		return nil, nBadRequest("Malformed request body")
	}
	return a, a.check(q, allowed)
}

func (a nAttrs) check(q *nreq, allowed []string) error {
	var unknown []string
	for k := range a {
		if slices.Contains(allowed, k) {
			continue
		}
		if k == "project_id" || k == "tenant_id" {
			if q.r.Method != http.MethodPost {
				return nBadRequest("Cannot update read-only attribute %s", k)
			}
			var p string
			if json.Unmarshal(a[k], &p) != nil || p != q.project() {
				return nBadRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges")
			}
			continue
		}
		if nReadOnlyAttrs[k] {
			if q.r.Method == http.MethodPost {
				return nBadRequest("Attribute '%s' not allowed in POST", k)
			}
			return nBadRequest("Cannot update read-only attribute %s", k)
		}
		unknown = append(unknown, k)
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nBadRequest("Unrecognized attribute(s) '%s'", strings.Join(unknown, ", "))
	}
	return nil
}

// nReadOnlyAttrs are attributes Neutron shows but never takes from a
// client (or only on create, which the caller's allowed list says).
var nReadOnlyAttrs = map[string]bool{
	"id": true, "status": true, "tags": true, "created_at": true, "updated_at": true,
	"revision_number": true, "subnets": true, "network_id": true, "cidr": true,
	"ip_version": true, "mac_address": true, "security_group_rules": true,
	"floating_network_id": true, "floating_ip_address": true, "router_id": true,
	"availability_zones": true, "security_group_id": true, "direction": true,
	"ethertype": true, "protocol": true, "port_range_min": true, "port_range_max": true,
	"remote_ip_prefix": true, "remote_group_id": true, "subnetpool_id": true,
	"ipv6_ra_mode": true, "ipv6_address_mode": true, "port_details": true,
}

// has reports whether the attribute is present.
func (a nAttrs) has(key string) bool { _, ok := a[key]; return ok }

// isNull reports whether the attribute is present and null.
func (a nAttrs) isNull(key string) bool {
	v, ok := a[key]
	return ok && string(v) == "null"
}

// nAttrErr is the answer to an attribute that fails validation.
func nAttrErr(key, format string, a ...any) *core.APIError {
	return nBadRequest("Invalid input for %s. Reason: %s.", key, fmt.Sprintf(format, a...))
}

// str reads a string attribute of at most maxLen characters (0: any).
func (a nAttrs) str(key string, maxLen int, dst *string) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return true, nAttrErr(key, "'%s' is not a valid string", nRawText(v))
	}
	if maxLen > 0 && len(s) > maxLen {
		return true, nAttrErr(key, "'%s' exceeds maximum length of %d", s, maxLen)
	}
	*dst = s
	return true, nil
}

// optStr reads a string attribute that may be null ("" then).
func (a nAttrs) optStr(key string, dst *string) (bool, error) {
	if a.isNull(key) {
		*dst = ""
		return true, nil
	}
	return a.str(key, 0, dst)
}

// boolean reads a boolean attribute the way Neutron converts it.
func (a nAttrs) boolean(key string, dst *bool) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	var b bool
	if json.Unmarshal(v, &b) == nil {
		*dst = b
		return true, nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if b, ok := nParseBool(s); ok {
			*dst = b
			return true, nil
		}
	}
	return true, nInvalidInput("'%s' cannot be converted to boolean", nRawText(v))
}

// integer reads an integer attribute (numbers or numeric strings).
func (a nAttrs) integer(key string, dst *int) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	var n int
	if json.Unmarshal(v, &n) == nil {
		*dst = n
		return true, nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if n, err := strconv.Atoi(s); err == nil {
			*dst = n
			return true, nil
		}
	}
	return true, nInvalidInput("'%s' is not an integer", nRawText(v))
}

// strings reads a list of strings.
func (a nAttrs) strings(key string, dst *[]string) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	var l []string
	if json.Unmarshal(v, &l) != nil {
		return true, nAttrErr(key, "'%s' is not a list", nRawText(v))
	}
	if l == nil {
		l = []string{}
	}
	*dst = l
	return true, nil
}

// into decodes an attribute into dst.
func (a nAttrs) into(key string, dst any) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	if json.Unmarshal(v, dst) != nil {
		return true, nAttrErr(key, "'%s' is not valid", nRawText(v))
	}
	return true, nil
}

// nAttrReader reads several attributes and keeps the first error, so
// that a handler can read a body in a straight line.
type nAttrReader struct {
	a   nAttrs
	err error
}

func (a nAttrs) reader() *nAttrReader { return &nAttrReader{a: a} }

func (r *nAttrReader) step(ok bool, err error) bool {
	if r.err == nil {
		r.err = err
	}
	return ok && err == nil
}

func (r *nAttrReader) str(key string, maxLen int, dst *string) bool {
	return r.err == nil && r.step(r.a.str(key, maxLen, dst))
}

func (r *nAttrReader) optStr(key string, dst *string) bool {
	return r.err == nil && r.step(r.a.optStr(key, dst))
}

func (r *nAttrReader) boolean(key string, dst *bool) bool {
	return r.err == nil && r.step(r.a.boolean(key, dst))
}

func (r *nAttrReader) integer(key string, dst *int) bool {
	return r.err == nil && r.step(r.a.integer(key, dst))
}

func (r *nAttrReader) strings(key string, dst *[]string) bool {
	return r.err == nil && r.step(r.a.strings(key, dst))
}

func (r *nAttrReader) into(key string, dst any) bool {
	return r.err == nil && r.step(r.a.into(key, dst))
}

func nRawText(v json.RawMessage) string { return strings.Trim(string(v), `"`) }

func nParseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, true
	case "false", "0", "no", "off":
		return false, true
	}
	return false, false
}

// required reports the first missing required attribute.
func (a nAttrs) required(keys ...string) error {
	for _, k := range keys {
		if !a.has(k) || a.isNull(k) {
			return nBadRequest("Failed to parse request. Required attribute '%s' not specified", k)
		}
	}
	return nil
}
