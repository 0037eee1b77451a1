package compute

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// microversion is a Nova 2.x microversion, stored as its minor number:
// microversion(79) is 2.79.
type microversion int

// The microversions the simulated Nova speaks (2.96 is 2024.1 Caracal).
const (
	minNovaVersion microversion = 1
	maxNovaVersion microversion = 96
)

func (v microversion) String() string { return fmt.Sprintf("2.%d", int(v)) }

// handler is a Nova API handler: the caller's token and the
// microversion the request negotiated.
type handler func(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion)

// versionPattern is Nova's "MajorNum.MinorNum".
var versionPattern = regexp.MustCompile(`^([1-9]\d*)\.([1-9]\d*|0)$`)

// negotiate picks the microversion from OpenStack-API-Version (preferred)
// or X-OpenStack-Nova-API-Version, answers 400/406 for a bad or
// unsupported one, and echoes the version in both headers with Vary, as
// Nova does on every versioned response (which also carries the request
// ID as X-Compute-Request-Id).
func negotiate(h handler) core.AuthedHandler {
	return func(w http.ResponseWriter, r *http.Request, tok *core.Token) {
		w.Header().Set("X-Compute-Request-Id", w.Header().Get("X-Openstack-Request-Id"))
		v, status, msg := parseVersion(r.Header)
		if status != 0 {
			core.NovaErrors.Write(w, status, msg)
			return
		}
		w.Header().Set("OpenStack-API-Version", "compute "+v.String())
		w.Header().Set("X-OpenStack-Nova-API-Version", v.String())
		w.Header().Set("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version")
		h(w, r, tok, v)
	}
}

// parseVersion returns the requested version, or an error status and
// Nova's message. No header means the minimum, 2.1.
func parseVersion(h http.Header) (microversion, int, string) {
	raw, ok := requestedVersion(h)
	if !ok {
		return minNovaVersion, 0, ""
	}
	if strings.EqualFold(raw, "latest") {
		return maxNovaVersion, 0, ""
	}
	m := versionPattern.FindStringSubmatch(raw)
	if m == nil {
		return 0, http.StatusBadRequest, fmt.Sprintf(
			"API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.", raw)
	}
	major, _ := strconv.Atoi(m[1])
	minor, err := strconv.Atoi(m[2])
	if major != 2 || err != nil || microversion(minor) < minNovaVersion || microversion(minor) > maxNovaVersion {
		return 0, http.StatusNotAcceptable, fmt.Sprintf(
			"Version %s is not supported by the API. Minimum is %s and maximum is %s.", raw, minNovaVersion, maxNovaVersion)
	}
	return microversion(minor), 0, ""
}

// requestedVersion finds the compute version in the request headers.
func requestedVersion(h http.Header) (string, bool) {
	for _, value := range h.Values("OpenStack-API-Version") {
		for _, part := range strings.Split(value, ",") {
			f := strings.Fields(part)
			if len(f) == 2 && strings.EqualFold(f[0], "compute") {
				return f[1], true
			}
		}
	}
	if v := strings.TrimSpace(h.Get("X-OpenStack-Nova-API-Version")); v != "" {
		return v, true
	}
	return "", false
}

// routeVersions serves the version documents, which need no token.
func (s *Room) routeVersions(mux *http.ServeMux) {
	mux.HandleFunc("GET /compute", s.versions)
	mux.HandleFunc("GET /compute/{$}", s.versions)
	mux.HandleFunc("GET /compute/v2.1", s.version)
	mux.HandleFunc("GET /compute/v2.1/{$}", s.version)
}

func (s *Room) versionDocs() []map[string]any {
	doc := func(id, status, version, minVersion, updated, href string) map[string]any {
		return map[string]any{
			"id": id, "status": status, "version": version, "min_version": minVersion, "updated": updated,
			"links": []map[string]string{{"href": href, "rel": "self"}},
		}
	}
	return []map[string]any{
		doc("v2.0", "SUPPORTED", "", "", "2011-01-21T11:33:21Z", s.c.URL()+"/compute/v2/"),
		doc("v2.1", "CURRENT", maxNovaVersion.String(), minNovaVersion.String(), "2013-07-23T11:33:21Z", s.c.URL()+basePath+"/"),
	}
}

func (s *Room) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"versions": s.versionDocs()})
}

func (s *Room) version(w http.ResponseWriter, r *http.Request) {
	v := s.versionDocs()[1]
	v["links"] = []map[string]string{
		{"href": s.c.URL() + basePath + "/", "rel": "self"},
		{"href": "http://docs.openstack.org/", "rel": "describedby", "type": "text/html"},
	}
	v["media-types"] = []map[string]string{{
		"base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}}
	core.WriteJSON(w, http.StatusOK, map[string]any{"version": v})
}
