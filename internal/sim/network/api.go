package network

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// errorf is an error answer of Neutron: status, NeutronError type and
// message. The cross-room methods return it too, so that Nova can
// translate what Neutron said.
func errorf(status int, typ, format string, a ...any) *core.APIError {
	return &core.APIError{Status: status, Type: typ, Message: fmt.Sprintf(format, a...), Style: core.NeutronErrors}
}

// badRequest is webob's HTTPBadRequest as Neutron's API layer raises it.
func badRequest(format string, a ...any) *core.APIError {
	return errorf(http.StatusBadRequest, "HTTPBadRequest", format, a...)
}

// invalidInput is neutron-lib's InvalidInput.
func invalidInput(format string, a ...any) *core.APIError {
	return errorf(http.StatusBadRequest, "InvalidInput", "Invalid input for operation: "+format+".", a...)
}

// badResource is neutron-lib's BadRequest for one resource.
func badResource(resource, format string, a ...any) *core.APIError {
	return errorf(http.StatusBadRequest, "BadRequest", "Bad "+resource+" request: "+format+".", a...)
}

// policyDenied is oslo.policy's refusal; attr names the attribute rule
// that failed ("" for the action itself).
func policyDenied(action, attr string) *core.APIError {
	msg := "rule:" + action + " is disallowed by policy"
	if attr != "" {
		msg = "(rule:" + action + " and rule:" + action + ":" + attr + ") is disallowed by policy"
	}
	return errorf(http.StatusForbidden, "PolicyNotAuthorized", "%s", msg)
}

// errs is how Neutron answers errors.
var errs = core.Errors{Style: core.NeutronErrors, BadBody: badRequest("Malformed request body"),
	Internal: errorf(http.StatusInternalServerError, "HTTPInternalServerError",
		"Request Failed: internal server error while processing your request.")}

func writeError(w http.ResponseWriter, err error) { errs.Write(w, err) }

// request is one Neutron API call, served under the cloud lock.
type request struct{ *core.Call }

// id is the resource ID in the path, without a ".json" format suffix.
func (q *request) id() string { return strings.TrimSuffix(q.R.PathValue("id"), ".json") }

// handler serves a call and returns the status and body to answer (a nil
// body means none), or an error.
type handler func(q *request) (int, any, error)

// handle registers h under the Neutron prefix. The handler runs with the
// cloud lock held, after the caller's project got its default security
// group; the answer is written after the lock is released.
func (s *Room) handle(mux *http.ServeMux, method, path string, h handler) {
	mux.HandleFunc(method+" /network/v2.0"+path, s.c.Authed(core.NeutronErrors, s.c.Serve(errs, 4<<20, func(q *core.Call) (int, any, error) {
		s.ensureDefaultSGLocked(q.Project())
		return h(&request{q})
	})))
}

// attrs are the attributes of a resource in a request body.
type attrs map[string]json.RawMessage

// resource decodes a body {"<key>": {...}}. Only the listed attributes
// may appear; project_id and tenant_id are accepted on POST when they
// name the caller's project.
func (q *request) resource(key string, allowed ...string) (attrs, error) {
	var outer map[string]json.RawMessage
	if len(q.Body) == 0 || json.Unmarshal(q.Body, &outer) != nil {
		return nil, badRequest("Malformed request body")
	}
	raw, ok := outer[key]
	if !ok {
		return nil, badRequest("Unable to find '%s' in request body", key)
	}
	var a attrs
	if json.Unmarshal(raw, &a) != nil || a == nil {
		return nil, badRequest("Malformed request body")
	}
	return a, a.check(q, allowed)
}

func (a attrs) check(q *request, allowed []string) error {
	var unknown []string
	for k := range a {
		if slices.Contains(allowed, k) {
			continue
		}
		if k == "project_id" || k == "tenant_id" {
			if q.R.Method != http.MethodPost {
				return badRequest("Cannot update read-only attribute %s", k)
			}
			var p string
			if json.Unmarshal(a[k], &p) != nil || p != q.Project() {
				return badRequest("Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges")
			}
			continue
		}
		if readOnlyAttrs[k] {
			if q.R.Method == http.MethodPost {
				return badRequest("Attribute '%s' not allowed in POST", k)
			}
			return badRequest("Cannot update read-only attribute %s", k)
		}
		unknown = append(unknown, k)
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return badRequest("Unrecognized attribute(s) '%s'", strings.Join(unknown, ", "))
	}
	return nil
}

// readOnlyAttrs are attributes Neutron shows but never takes from a
// client (or only on create, which the caller's allowed list says).
var readOnlyAttrs = map[string]bool{
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
func (a attrs) has(key string) bool { _, ok := a[key]; return ok }

// isNull reports whether the attribute is present and null.
func (a attrs) isNull(key string) bool {
	v, ok := a[key]
	return ok && string(v) == "null"
}

// attrErr is the answer to an attribute that fails validation.
func attrErr(key, format string, a ...any) *core.APIError {
	return badRequest("Invalid input for %s. Reason: %s.", key, fmt.Sprintf(format, a...))
}

// str reads a string attribute of at most maxLen characters (0: any).
func (a attrs) str(key string, maxLen int, dst *string) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		return true, attrErr(key, "'%s' is not a valid string", rawText(v))
	}
	if maxLen > 0 && len(s) > maxLen {
		return true, attrErr(key, "'%s' exceeds maximum length of %d", s, maxLen)
	}
	*dst = s
	return true, nil
}

// optStr reads a string attribute that may be null ("" then).
func (a attrs) optStr(key string, dst *string) (bool, error) {
	if a.isNull(key) {
		*dst = ""
		return true, nil
	}
	return a.str(key, 0, dst)
}

// boolean reads a boolean attribute the way Neutron converts it.
func (a attrs) boolean(key string, dst *bool) (bool, error) {
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
		if b, ok := core.ParseBool(s); ok {
			*dst = b
			return true, nil
		}
	}
	return true, invalidInput("'%s' cannot be converted to boolean", rawText(v))
}

// integer reads an integer attribute (numbers or numeric strings).
func (a attrs) integer(key string, dst *int) (bool, error) {
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
	return true, invalidInput("'%s' is not an integer", rawText(v))
}

// strings reads a list of strings.
func (a attrs) strings(key string, dst *[]string) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	var l []string
	if json.Unmarshal(v, &l) != nil {
		return true, attrErr(key, "'%s' is not a list", rawText(v))
	}
	if l == nil {
		l = []string{}
	}
	*dst = l
	return true, nil
}

// into decodes an attribute into dst.
func (a attrs) into(key string, dst any) (bool, error) {
	v, ok := a[key]
	if !ok {
		return false, nil
	}
	if json.Unmarshal(v, dst) != nil {
		return true, attrErr(key, "'%s' is not valid", rawText(v))
	}
	return true, nil
}

// attrReader reads several attributes and keeps the first error, so
// that a handler can read a body in a straight line.
type attrReader struct {
	a   attrs
	err error
}

func (a attrs) reader() *attrReader { return &attrReader{a: a} }

func (r *attrReader) step(ok bool, err error) bool {
	if r.err == nil {
		r.err = err
	}
	return ok && err == nil
}

func (r *attrReader) str(key string, maxLen int, dst *string) bool {
	return r.err == nil && r.step(r.a.str(key, maxLen, dst))
}

func (r *attrReader) optStr(key string, dst *string) bool {
	return r.err == nil && r.step(r.a.optStr(key, dst))
}

func (r *attrReader) boolean(key string, dst *bool) bool {
	return r.err == nil && r.step(r.a.boolean(key, dst))
}

func (r *attrReader) integer(key string, dst *int) bool {
	return r.err == nil && r.step(r.a.integer(key, dst))
}

func (r *attrReader) strings(key string, dst *[]string) bool {
	return r.err == nil && r.step(r.a.strings(key, dst))
}

func (r *attrReader) into(key string, dst any) bool {
	return r.err == nil && r.step(r.a.into(key, dst))
}

func rawText(v json.RawMessage) string { return strings.Trim(string(v), `"`) }

// required reports the first missing required attribute.
func (a attrs) required(keys ...string) error {
	for _, k := range keys {
		if !a.has(k) || a.isNull(k) {
			return badRequest("Failed to parse request. Required attribute '%s' not specified", k)
		}
	}
	return nil
}
