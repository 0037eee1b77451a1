package loadbalancer

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// monitor is an Octavia health monitor.
type monitor struct {
	object
	PoolID, Type                                   string
	Delay, Timeout, MaxRetries, MaxRetriesDown     int
	HTTPMethod, URLPath, ExpectedCodes, DomainName string
	HTTPVersion                                    *float64
}

// floatField is a number that WSME also takes as a numeric string.
type floatField float64

func (f *floatField) UnmarshalJSON(b []byte) error {
	var v float64
	if err := json.Unmarshal(b, &v); err == nil {
		*f = floatField(v)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return &json.UnmarshalTypeError{Value: s, Type: reflect.TypeOf(v), Field: "http_version"}
	}
	*f = floatField(v)
	return nil
}

var monitorTypes = []string{"HTTP", "HTTPS", "PING", "TCP", "TLS-HELLO", "UDP-CONNECT", "SCTP"}

func (hm *monitor) isHTTP() bool { return hm.Type == "HTTP" || hm.Type == "HTTPS" }

func (s *Room) monitorDoc(hm *monitor) map[string]any {
	var version any
	if hm.HTTPVersion != nil {
		version = *hm.HTTPVersion
	}
	return hm.fill(map[string]any{
		"type":             hm.Type,
		"delay":            hm.Delay,
		"timeout":          hm.Timeout,
		"max_retries":      hm.MaxRetries,
		"max_retries_down": hm.MaxRetriesDown,
		"http_method":      core.StrOrNil(hm.HTTPMethod),
		"url_path":         core.StrOrNil(hm.URLPath),
		"expected_codes":   core.StrOrNil(hm.ExpectedCodes),
		"http_version":     version,
		"domain_name":      core.StrOrNil(hm.DomainName),
		"pools":            idRefs([]string{hm.PoolID}),
	})
}

// findMonitor returns a health monitor of the caller with its pool and
// load balancer.
func (s *Room) findMonitor(q *request) (*monitor, *pool, *loadBalancer, error) {
	id := q.id("id")
	hm := s.monitors[id]
	switch {
	case hm == nil:
		return nil, nil, nil, notFound("Health Monitor", id)
	case hm.ProjectID != q.Project():
		return nil, nil, nil, forbiddenError()
	}
	p := s.pools[hm.PoolID]
	return hm, p, s.lbs[p.LBID], nil
}

func (s *Room) listMonitors(q *request) (int, any, error) {
	var docs []document
	for _, hm := range s.monitors {
		if hm.ProjectID == q.Project() {
			docs = append(docs, document{doc: s.monitorDoc(hm), extra: map[string]any{"pool_id": hm.PoolID}})
		}
	}
	return q.list(s.c.URL(), "healthmonitors", docs)
}

func (s *Room) getMonitor(q *request) (int, any, error) {
	hm, _, _, err := s.findMonitor(q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"healthmonitor": s.monitorDoc(hm)}, nil
}

// monitorBody is the body of health monitor create and update.
type monitorBody struct {
	Name           *string     `json:"name"`
	PoolID         string      `json:"pool_id"`
	Type           string      `json:"type"`
	Delay          *int        `json:"delay"`
	Timeout        *int        `json:"timeout"`
	MaxRetries     *int        `json:"max_retries"`
	MaxRetriesDown *int        `json:"max_retries_down"`
	HTTPMethod     *string     `json:"http_method"`
	URLPath        *string     `json:"url_path"`
	ExpectedCodes  *string     `json:"expected_codes"`
	HTTPVersion    *floatField `json:"http_version"`
	DomainName     *string     `json:"domain_name"`
	AdminStateUp   *bool       `json:"admin_state_up"`
	ProjectID      *string     `json:"project_id"`
	Tags           *[]string   `json:"tags"`
}

func (s *Room) createMonitor(q *request) (int, any, error) {
	var b monitorBody
	if err := q.decode("healthmonitor", &b); err != nil {
		return 0, nil, err
	}
	if err := q.checkProject(b.ProjectID); err != nil {
		return 0, nil, err
	}
	if !slices.Contains(monitorTypes, b.Type) {
		return 0, nil, invalidField("type", b.Type, "Value should be one of: "+strings.Join(monitorTypes, ", "))
	}
	for _, f := range []struct {
		name string
		v    *int
	}{{"delay", b.Delay}, {"timeout", b.Timeout}, {"max_retries", b.MaxRetries}} {
		if f.v == nil {
			return 0, nil, invalidField(f.name, "", "Mandatory field missing.")
		}
	}
	p, lb, err := s.findPool(q, b.PoolID)
	if err != nil {
		return 0, nil, subresource(err, "Pool", b.PoolID)
	}
	if s.poolMonitor(p.ID) != nil {
		return 0, nil, errorf(http.StatusConflict, "This pool already has a health monitor")
	}
	hm := &monitor{object: newObject(q.Project(), s.c.Now()), PoolID: p.ID, Type: b.Type, MaxRetriesDown: 3}
	if hm.isHTTP() {
		hm.HTTPMethod, hm.URLPath, hm.ExpectedCodes = "GET", "/", "200"
	}
	if err := applyMonitor(hm, b); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object)...); err != nil {
		return 0, nil, err
	}
	s.monitors[hm.ID] = hm
	return http.StatusCreated, map[string]any{"healthmonitor": s.monitorDoc(hm)}, nil
}

// applyMonitor applies the writable attributes of a body and checks the
// result.
func applyMonitor(hm *monitor, b monitorBody) error {
	hm.apply(b.Name, nil, b.AdminStateUp, b.Tags)
	for _, f := range []struct {
		dst *int
		v   *int
	}{{&hm.Delay, b.Delay}, {&hm.Timeout, b.Timeout}, {&hm.MaxRetries, b.MaxRetries}, {&hm.MaxRetriesDown, b.MaxRetriesDown}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	for _, f := range []struct {
		name string
		dst  *string
		v    *string
	}{{"http_method", &hm.HTTPMethod, b.HTTPMethod}, {"url_path", &hm.URLPath, b.URLPath},
		{"expected_codes", &hm.ExpectedCodes, b.ExpectedCodes}, {"domain_name", &hm.DomainName, b.DomainName}} {
		if f.v == nil {
			continue
		}
		if !hm.isHTTP() {
			return errorf(http.StatusBadRequest, "%s is not a valid option for health monitors of type %s", f.name, hm.Type)
		}
		*f.dst = *f.v
	}
	if b.HTTPVersion != nil {
		v := float64(*b.HTTPVersion)
		if v != 1.0 && v != 1.1 {
			return invalidField("http_version", v, "Value should be one of: 1.0, 1.1")
		}
		hm.HTTPVersion = &v
	}
	return checkMonitor(hm)
}

func checkMonitor(hm *monitor) error {
	switch {
	case hm.Delay < 0:
		return invalidField("delay", hm.Delay, "Value should be greater or equal to 0")
	case hm.Timeout < 0:
		return invalidField("timeout", hm.Timeout, "Value should be greater or equal to 0")
	case hm.MaxRetries < 1 || hm.MaxRetries > 10:
		return invalidField("max_retries", hm.MaxRetries, "Value should be between 1 and 10")
	case hm.MaxRetriesDown < 1 || hm.MaxRetriesDown > 10:
		return invalidField("max_retries_down", hm.MaxRetriesDown, "Value should be between 1 and 10")
	case hm.Delay < hm.Timeout:
		return validation("The request delay value %d should be larger than the request timeout value %d.", hm.Delay, hm.Timeout)
	case hm.isHTTP() && !strings.HasPrefix(hm.URLPath, "/"):
		return invalidField("url_path", hm.URLPath, "Value should be a valid URL path")
	}
	return nil
}

func (s *Room) updateMonitor(q *request) (int, any, error) {
	hm, p, lb, err := s.findMonitor(q)
	if err != nil {
		return 0, nil, err
	}
	var b monitorBody
	if err := q.decode("healthmonitor", &b); err != nil {
		return 0, nil, err
	}
	if b.PoolID != "" || b.Type != "" {
		return 0, nil, errorf(http.StatusBadRequest, "Invalid input for field/attribute healthmonitor. Unknown attribute for argument healthmonitor: pool_id and type cannot be changed")
	}
	if lb.Prov != statusActive {
		return 0, nil, immutable(lb.ID)
	}
	upd := *hm
	if err := applyMonitor(&upd, b); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object, &hm.object)...); err != nil {
		return 0, nil, err
	}
	prov := hm.Prov
	*hm = upd
	hm.Prov, hm.Updated = prov, s.c.Now()
	return http.StatusOK, map[string]any{"healthmonitor": s.monitorDoc(hm)}, nil
}

func (s *Room) deleteMonitor(q *request) (int, any, error) {
	hm, p, lb, err := s.findMonitor(q)
	if err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object)...); err != nil {
		return 0, nil, err
	}
	hm.Prov = statusPendingDelete
	return http.StatusNoContent, nil, nil
}
