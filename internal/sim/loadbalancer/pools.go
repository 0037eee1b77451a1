package loadbalancer

import (
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// pool is an Octavia pool.
type pool struct {
	object
	LBID, Protocol, Algorithm string
	Persistence               *persistence
	TLSEnabled                bool
	TLSRef, CARef, CRLRef     string
	TLSCiphers                string
	TLSVersions, ALPN         []string
}

// persistence is a pool's session_persistence.
type persistence struct {
	Type        string  `json:"type"`
	CookieName  *string `json:"cookie_name"`
	Timeout     *int    `json:"persistence_timeout"`
	Granularity *string `json:"persistence_granularity"`
}

var (
	poolProtocols  = []string{"HTTP", "HTTPS", "PROXY", "PROXYV2", "TCP", "UDP", "SCTP"}
	poolAlgorithms = []string{"ROUND_ROBIN", "LEAST_CONNECTIONS", "SOURCE_IP", "SOURCE_IP_PORT"}
)

func (s *Room) poolDoc(p *pool) map[string]any {
	var listeners, members []string
	for _, l := range s.lbListeners(p.LBID) {
		if l.DefaultPool == p.ID {
			listeners = append(listeners, l.ID)
		}
	}
	for _, m := range s.poolMembers(p.ID) {
		members = append(members, m.ID)
	}
	var hmID, persistence, ciphers any
	if hm := s.poolMonitor(p.ID); hm != nil {
		hmID = hm.ID
	}
	if p.Persistence != nil {
		c := *p.Persistence
		persistence = c
	}
	if p.TLSCiphers != "" {
		ciphers = p.TLSCiphers
	}
	return p.fill(map[string]any{
		"protocol":             p.Protocol,
		"lb_algorithm":         p.Algorithm,
		"session_persistence":  persistence,
		"loadbalancers":        idRefs([]string{p.LBID}),
		"listeners":            idRefs(listeners),
		"members":              idRefs(members),
		"healthmonitor_id":     hmID,
		"tls_enabled":          p.TLSEnabled,
		"tls_container_ref":    core.StrOrNil(p.TLSRef),
		"ca_tls_container_ref": core.StrOrNil(p.CARef),
		"crl_container_ref":    core.StrOrNil(p.CRLRef),
		"tls_ciphers":          ciphers,
		"tls_versions":         nilIfEmpty(p.TLSVersions),
		"alpn_protocols":       nilIfEmpty(p.ALPN),
	})
}

// findPool returns a pool of the caller with its load balancer.
func (s *Room) findPool(q *request, id string) (*pool, *loadBalancer, error) {
	p := s.pools[id]
	switch {
	case p == nil:
		return nil, nil, notFound("Pool", id)
	case p.ProjectID != q.Project():
		return nil, nil, forbiddenError()
	}
	return p, s.lbs[p.LBID], nil
}

// poolListeners are the listeners whose default pool is p.
func (s *Room) poolListeners(p *pool) []*object {
	var out []*object
	for _, l := range s.lbListeners(p.LBID) {
		if l.DefaultPool == p.ID {
			out = append(out, &l.object)
		}
	}
	return out
}

func (s *Room) listPools(q *request) (int, any, error) {
	var docs []document
	for _, p := range s.pools {
		if p.ProjectID == q.Project() {
			docs = append(docs, document{doc: s.poolDoc(p), extra: map[string]any{"loadbalancer_id": p.LBID}})
		}
	}
	return q.list(s.c.URL(), "pools", docs)
}

func (s *Room) getPool(q *request) (int, any, error) {
	p, _, err := s.findPool(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"pool": s.poolDoc(p)}, nil
}

// poolBody is the body of pool create and update.
type poolBody struct {
	Name               *string      `json:"name"`
	Description        *string      `json:"description"`
	AdminStateUp       *bool        `json:"admin_state_up"`
	ListenerID         string       `json:"listener_id"`
	LoadbalancerID     string       `json:"loadbalancer_id"`
	Protocol           string       `json:"protocol"`
	LBMethod           *string      `json:"lb_algorithm"`
	SessionPersistence *persistence `json:"session_persistence"`
	TLSEnabled         *bool        `json:"tls_enabled"`
	TLSContainerRef    *string      `json:"tls_container_ref"`
	CATLSContainerRef  *string      `json:"ca_tls_container_ref"`
	CRLContainerRef    *string      `json:"crl_container_ref"`
	TLSCiphers         *string      `json:"tls_ciphers"`
	TLSVersions        *[]string    `json:"tls_versions"`
	ALPNProtocols      *[]string    `json:"alpn_protocols"`
	ProjectID          *string      `json:"project_id"`
	Tags               *[]string    `json:"tags"`
}

func (s *Room) createPool(q *request) (int, any, error) {
	var b poolBody
	if err := q.decode("pool", &b); err != nil {
		return 0, nil, err
	}
	if err := q.checkProject(b.ProjectID); err != nil {
		return 0, nil, err
	}
	if !slices.Contains(poolProtocols, b.Protocol) {
		return 0, nil, invalidField("protocol", b.Protocol, "Value should be one of: "+strings.Join(poolProtocols, ", "))
	}
	if b.LBMethod == nil {
		return 0, nil, invalidField("lb_algorithm", "", "Mandatory field missing.")
	}
	lb, listener, err := s.poolParents(q, b)
	if err != nil {
		return 0, nil, err
	}
	p := &pool{object: newObject(q.Project(), s.c.Now()), LBID: lb.ID, Protocol: b.Protocol}
	if err := applyPool(p, b); err != nil {
		return 0, nil, err
	}
	var parents []*object
	if listener != nil {
		if listener.DefaultPool != "" {
			return 0, nil, errorf(http.StatusConflict, "This listener already has a default pool")
		}
		if !poolFitsListener(p.Protocol, listener.Protocol) {
			return 0, nil, validation("The pool protocol '%s' is invalid while the listener protocol is '%s'.", p.Protocol, listener.Protocol)
		}
		parents = append(parents, &listener.object)
	}
	if err := s.beginChange(lb, parents...); err != nil {
		return 0, nil, err
	}
	if listener != nil {
		listener.DefaultPool = p.ID
	}
	s.pools[p.ID] = p
	return http.StatusCreated, map[string]any{"pool": s.poolDoc(p)}, nil
}

// poolParents finds the load balancer (and listener) a new pool goes on.
func (s *Room) poolParents(q *request, b poolBody) (*loadBalancer, *listener, error) {
	switch {
	case b.ListenerID != "":
		l, lb, err := s.findListener(q, b.ListenerID)
		if err != nil {
			return nil, nil, subresource(err, "Listener", b.ListenerID)
		}
		if b.LoadbalancerID != "" && b.LoadbalancerID != lb.ID {
			return nil, nil, validation("Listener %s is not on Load Balancer %s.", l.ID, b.LoadbalancerID)
		}
		return lb, l, nil
	case b.LoadbalancerID != "":
		lb, err := s.findLB(q, b.LoadbalancerID)
		return lb, nil, subresource(err, "Load Balancer", b.LoadbalancerID)
	}
	return nil, nil, validation("loadbalancer_id or listener_id must be specified.")
}

// applyPool applies the writable attributes of a body.
func applyPool(p *pool, b poolBody) error {
	p.apply(b.Name, b.Description, b.AdminStateUp, b.Tags)
	if b.LBMethod != nil {
		if !slices.Contains(poolAlgorithms, *b.LBMethod) {
			return invalidField("lb_algorithm", *b.LBMethod, "Value should be one of: "+strings.Join(poolAlgorithms, ", "))
		}
		if *b.LBMethod == "SOURCE_IP_PORT" {
			return errorf(http.StatusBadRequest, "Provider 'amphora' does not support a requested option: Amphora provider does not support SOURCE_IP_PORT algorithm.")
		}
		p.Algorithm = *b.LBMethod
	}
	if b.SessionPersistence != nil {
		if err := checkPersistence(b.SessionPersistence); err != nil {
			return err
		}
		sp := *b.SessionPersistence
		p.Persistence = &sp
	}
	if b.TLSEnabled != nil {
		p.TLSEnabled = *b.TLSEnabled
	}
	for _, f := range []struct {
		dst *string
		v   *string
	}{{&p.TLSRef, b.TLSContainerRef}, {&p.CARef, b.CATLSContainerRef}, {&p.CRLRef, b.CRLContainerRef}, {&p.TLSCiphers, b.TLSCiphers}} {
		if f.v != nil {
			*f.dst = *f.v
		}
	}
	if b.TLSVersions != nil {
		p.TLSVersions = slices.Clone(*b.TLSVersions)
	}
	if b.ALPNProtocols != nil {
		p.ALPN = slices.Clone(*b.ALPNProtocols)
	}
	return nil
}

func checkPersistence(sp *persistence) error {
	switch sp.Type {
	case "APP_COOKIE":
		if sp.CookieName == nil || *sp.CookieName == "" {
			return validation("Field cookie_name is required for APP_COOKIE session persistence type.")
		}
	case "HTTP_COOKIE", "SOURCE_IP":
		if sp.CookieName != nil {
			return validation("Field cookie_name can only be specified for APP_COOKIE session persistence type.")
		}
	default:
		return invalidField("type", sp.Type, "Value should be one of: SOURCE_IP, HTTP_COOKIE, APP_COOKIE")
	}
	return nil
}

func (s *Room) updatePool(q *request) (int, any, error) {
	p, lb, err := s.findPool(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	var b poolBody
	if err := q.decode("pool", &b); err != nil {
		return 0, nil, err
	}
	if b.Protocol != "" || b.ListenerID != "" || b.LoadbalancerID != "" {
		return 0, nil, errorf(http.StatusBadRequest, "Invalid input for field/attribute pool. Unknown attribute for argument pool: protocol, listener_id and loadbalancer_id cannot be changed")
	}
	if lb.Prov != statusActive {
		return 0, nil, immutable(lb.ID)
	}
	upd := *p
	if err := applyPool(&upd, b); err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, append(s.poolListeners(p), &p.object)...); err != nil {
		return 0, nil, err
	}
	prov := p.Prov
	*p = upd
	p.Prov, p.Updated = prov, s.c.Now()
	return http.StatusOK, map[string]any{"pool": s.poolDoc(p)}, nil
}

func (s *Room) deletePool(q *request) (int, any, error) {
	p, lb, err := s.findPool(q, q.id("id"))
	if err != nil {
		return 0, nil, err
	}
	if err := s.beginChange(lb, s.poolListeners(p)...); err != nil {
		return 0, nil, err
	}
	s.markPoolDeleted(p)
	return http.StatusNoContent, nil, nil
}
