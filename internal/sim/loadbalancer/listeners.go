package loadbalancer

import (
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// listener is an Octavia listener.
type listener struct {
	object
	LBID, Protocol, DefaultPool          string
	Port, ConnLimit                      int
	TLSRef, ClientCARef, ClientCRLRef    string
	ClientAuth                           string
	SNIRefs, AllowedCIDRs                []string
	TLSCiphers                           string
	TLSVersions, ALPN                    []string
	InsertHeaders                        map[string]string
	TimeoutClientData, TimeoutMemberData int
	TimeoutMemberConnect, TimeoutTCP     int
}

var listenerProtocols = []string{"HTTP", "HTTPS", "TCP", "TERMINATED_HTTPS", "UDP", "SCTP", "PROMETHEUS"}

// defaultTLSCiphers is Octavia's default cipher string for TLS
// listeners and pools.
const defaultTLSCiphers = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256"

func (s *Room) listenerDoc(l *listener) map[string]any {
	headers := map[string]string{}
	for k, v := range l.InsertHeaders {
		headers[k] = v
	}
	var tlsCiphers any
	if l.TLSCiphers != "" {
		tlsCiphers = l.TLSCiphers
	}
	return l.fill(map[string]any{
		"protocol":                    l.Protocol,
		"protocol_port":               l.Port,
		"connection_limit":            l.ConnLimit,
		"default_pool_id":             core.StrOrNil(l.DefaultPool),
		"loadbalancers":               idRefs([]string{l.LBID}),
		"l7policies":                  []any{},
		"default_tls_container_ref":   core.StrOrNil(l.TLSRef),
		"sni_container_refs":          append([]string{}, l.SNIRefs...),
		"insert_headers":              headers,
		"timeout_client_data":         l.TimeoutClientData,
		"timeout_member_connect":      l.TimeoutMemberConnect,
		"timeout_member_data":         l.TimeoutMemberData,
		"timeout_tcp_inspect":         l.TimeoutTCP,
		"client_authentication":       l.ClientAuth,
		"client_ca_tls_container_ref": core.StrOrNil(l.ClientCARef),
		"client_crl_container_ref":    core.StrOrNil(l.ClientCRLRef),
		"allowed_cidrs":               nilIfEmpty(l.AllowedCIDRs),
		"tls_ciphers":                 tlsCiphers,
		"tls_versions":                nilIfEmpty(l.TLSVersions),
		"alpn_protocols":              nilIfEmpty(l.ALPN),
	})
}

func nilIfEmpty(l []string) any {
	if len(l) == 0 {
		return nil
	}
	return slices.Clone(l)
}

// findListener returns a listener of the caller with its load balancer.
func (s *Room) findListener(q *request, id string) (*listener, *loadBalancer, error) {
	l := s.listeners[id]
	switch {
	case l == nil:
		return nil, nil, notFound("Listener", id)
	case l.ProjectID != q.Project():
		return nil, nil, forbiddenError()
	}
	return l, s.lbs[l.LBID], nil
}

func (s *Room) listListeners(q *request) (int, any, error) {
	var docs []document
	for _, l := range s.listeners {
		if l.ProjectID == q.Project() {
			docs = append(docs, document{doc: s.listenerDoc(l), extra: map[string]any{"loadbalancer_id": l.LBID}})
		}
	}
	return q.list(s.c.URL(), "listeners", docs)
}

func (s *Room) getListener(q *request) (int, any, error) {
	l, _, err := s.findListener(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"listener": s.listenerDoc(l)}, nil
}

// listenerBody is the body of listener create and update.
type listenerBody struct {
	Name                    *string            `json:"name"`
	Description             *string            `json:"description"`
	AdminStateUp            *bool              `json:"admin_state_up"`
	LoadbalancerID          string             `json:"loadbalancer_id"`
	Protocol                string             `json:"protocol"`
	ProtocolPort            *int               `json:"protocol_port"`
	ConnectionLimit         *int               `json:"connection_limit"`
	DefaultPoolID           *string            `json:"default_pool_id"`
	DefaultTLSContainerRef  *string            `json:"default_tls_container_ref"`
	SNIContainerRefs        *[]string          `json:"sni_container_refs"`
	InsertHeaders           *map[string]string `json:"insert_headers"`
	TimeoutClientData       *int               `json:"timeout_client_data"`
	TimeoutMemberConnect    *int               `json:"timeout_member_connect"`
	TimeoutMemberData       *int               `json:"timeout_member_data"`
	TimeoutTCPInspect       *int               `json:"timeout_tcp_inspect"`
	AllowedCIDRs            *[]string          `json:"allowed_cidrs"`
	TLSCiphers              *string            `json:"tls_ciphers"`
	TLSVersions             *[]string          `json:"tls_versions"`
	ALPNProtocols           *[]string          `json:"alpn_protocols"`
	ClientAuthentication    *string            `json:"client_authentication"`
	ClientCATLSContainerRef *string            `json:"client_ca_tls_container_ref"`
	ClientCRLContainerRef   *string            `json:"client_crl_container_ref"`
	ProjectID               *string            `json:"project_id"`
	Tags                    *[]string          `json:"tags"`
}

func (s *Room) createListener(q *request) (int, any, error) {
	var b listenerBody
	if err := q.decode("listener", &b); err != nil {
		return 0, nil, err
	}
	if err := q.checkProject(b.ProjectID); err != nil {
		return 0, nil, err
	}
	if b.LoadbalancerID == "" {
		return 0, nil, invalidField("loadbalancer_id", "", "Mandatory field missing.")
	}
	if !slices.Contains(listenerProtocols, b.Protocol) {
		return 0, nil, invalidField("protocol", b.Protocol, "Value should be one of: "+strings.Join(listenerProtocols, ", "))
	}
	if b.ProtocolPort == nil || *b.ProtocolPort < 1 || *b.ProtocolPort > 65535 {
		return 0, nil, invalidField("protocol_port", intOrEmpty(b.ProtocolPort), "Value should be between 1 and 65535")
	}
	lb, err := s.findLB(q, b.LoadbalancerID)
	if err != nil {
		return 0, nil, subresource(err, "Load Balancer", b.LoadbalancerID)
	}
	l := &listener{object: newObject(q.Project(), s.c.Now()), LBID: lb.ID, Protocol: b.Protocol, Port: *b.ProtocolPort,
		ConnLimit: -1, ClientAuth: "NONE", TimeoutClientData: 50000, TimeoutMemberConnect: 5000, TimeoutMemberData: 50000}
	if l.Protocol == "TERMINATED_HTTPS" {
		l.TLSCiphers, l.TLSVersions, l.ALPN = defaultTLSCiphers, []string{"TLSv1.2", "TLSv1.3"}, []string{"h2", "http/1.1", "http/1.0"}
	}
	if err := s.applyListener(l, b); err != nil {
		return 0, nil, err
	}
	if err := s.checkListenerPort(l); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb); err != nil {
		return 0, nil, err
	}
	s.listeners[l.ID] = l
	return http.StatusCreated, map[string]any{"listener": s.listenerDoc(l)}, nil
}

func intOrEmpty(p *int) any {
	if p == nil {
		return ""
	}
	return *p
}

// subresource turns a missing parent into Octavia's 400.
func subresource(err error, resource, id string) error {
	if le, ok := err.(*core.APIError); ok && le.Status == http.StatusNotFound {
		return errorf(http.StatusBadRequest, "%s %s not found.", resource, id)
	}
	return err
}

// checkListenerPort refuses a second listener on the same port and
// transport of the load balancer.
func (s *Room) checkListenerPort(l *listener) error {
	transport := func(p string) string {
		switch p {
		case "UDP", "SCTP":
			return p
		}
		return "TCP"
	}
	for _, o := range s.lbListeners(l.LBID) {
		if o.ID != l.ID && o.Port == l.Port && transport(o.Protocol) == transport(l.Protocol) {
			return errorf(http.StatusConflict, "Another Listener on this Load Balancer is already using protocol %s and protocol_port %d", l.Protocol, l.Port)
		}
	}
	return nil
}

// applyListener applies the writable attributes of a body.
func (s *Room) applyListener(l *listener, b listenerBody) error {
	l.apply(b.Name, b.Description, b.AdminStateUp, b.Tags)
	setInt := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	setInt(&l.ConnLimit, b.ConnectionLimit)
	setInt(&l.TimeoutClientData, b.TimeoutClientData)
	setInt(&l.TimeoutMemberConnect, b.TimeoutMemberConnect)
	setInt(&l.TimeoutMemberData, b.TimeoutMemberData)
	setInt(&l.TimeoutTCP, b.TimeoutTCPInspect)
	setStr := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	setStr(&l.TLSRef, b.DefaultTLSContainerRef)
	setStr(&l.ClientCARef, b.ClientCATLSContainerRef)
	setStr(&l.ClientCRLRef, b.ClientCRLContainerRef)
	setStr(&l.ClientAuth, b.ClientAuthentication)
	setStr(&l.TLSCiphers, b.TLSCiphers)
	setList := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = slices.Clone(*v)
		}
	}
	setList(&l.SNIRefs, b.SNIContainerRefs)
	setList(&l.AllowedCIDRs, b.AllowedCIDRs)
	setList(&l.TLSVersions, b.TLSVersions)
	setList(&l.ALPN, b.ALPNProtocols)
	if b.InsertHeaders != nil {
		l.InsertHeaders = *b.InsertHeaders
	}
	if err := checkListenerTLS(l); err != nil {
		return err
	}
	if b.DefaultPoolID != nil {
		return s.setDefaultPool(l, *b.DefaultPoolID)
	}
	return nil
}

func checkListenerTLS(l *listener) error {
	if l.ConnLimit < -1 {
		return invalidField("connection_limit", l.ConnLimit, "Value should be greater or equal to -1")
	}
	tls := l.TLSRef != "" || len(l.SNIRefs) > 0
	switch {
	case l.Protocol == "TERMINATED_HTTPS" && !tls:
		return validation("An SNI or default certificate container reference must be provided for TERMINATED_HTTPS listeners.")
	case l.Protocol != "TERMINATED_HTTPS" && tls:
		return validation("Certificate container references are only allowed on TERMINATED_HTTPS protocol listeners.")
	case len(l.InsertHeaders) > 0 && l.Protocol != "HTTP" && l.Protocol != "TERMINATED_HTTPS":
		return validation("The insert_headers option is only valid for HTTP and TERMINATED_HTTPS listeners.")
	}
	return nil
}

// setDefaultPool sets (or with "" clears) the listener's default pool.
func (s *Room) setDefaultPool(l *listener, poolID string) error {
	if poolID == "" {
		l.DefaultPool = ""
		return nil
	}
	p := s.pools[poolID]
	if p == nil || p.ProjectID != l.ProjectID || p.LBID != l.LBID {
		return errorf(http.StatusNotFound, "Pool %s not found.", poolID)
	}
	if !poolFitsListener(p.Protocol, l.Protocol) {
		return validation("The pool protocol '%s' is invalid while the listener protocol is '%s'.", p.Protocol, l.Protocol)
	}
	l.DefaultPool = p.ID
	return nil
}

// poolFitsListener is Octavia's table of pool protocols a listener
// protocol can use.
func poolFitsListener(pool, listener string) bool {
	ok := map[string][]string{
		"HTTP":             {"HTTP", "PROXY", "PROXYV2"},
		"HTTPS":            {"HTTPS", "PROXY", "PROXYV2", "TCP"},
		"TCP":              {"HTTP", "HTTPS", "PROXY", "PROXYV2", "TCP"},
		"TERMINATED_HTTPS": {"HTTP", "PROXY", "PROXYV2"},
		"UDP":              {"UDP"},
		"SCTP":             {"SCTP"},
	}
	return slices.Contains(ok[listener], pool)
}

func (s *Room) updateListener(q *request) (int, any, error) {
	l, lb, err := s.findListener(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	var b listenerBody
	if err := q.decode("listener", &b); err != nil {
		return 0, nil, err
	}
	if b.Protocol != "" || b.ProtocolPort != nil || b.LoadbalancerID != "" {
		return 0, nil, errorf(http.StatusBadRequest, "Invalid input for field/attribute listener. Unknown attribute for argument listener: protocol, protocol_port and loadbalancer_id cannot be changed")
	}
	if lb.Prov != statusActive {
		return 0, nil, immutable(lb.ID)
	}
	upd := *l
	if err := s.applyListener(&upd, b); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, &l.object); err != nil {
		return 0, nil, err
	}
	prov := l.Prov
	*l = upd
	l.Prov, l.Updated = prov, s.c.Now()
	return http.StatusOK, map[string]any{"listener": s.listenerDoc(l)}, nil
}

func (s *Room) deleteListener(q *request) (int, any, error) {
	l, lb, err := s.findListener(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb); err != nil {
		return 0, nil, err
	}
	l.Prov = statusPendingDelete
	return http.StatusNoContent, nil, nil
}

func (s *Room) listenerStats(q *request) (int, any, error) {
	if _, _, err := s.findListener(q, q.id("id")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"stats": zeroStats()}, nil
}

func zeroStats() map[string]int {
	return map[string]int{"bytes_in": 0, "bytes_out": 0, "active_connections": 0, "total_connections": 0, "request_errors": 0}
}
