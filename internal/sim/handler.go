package sim

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// handler builds the one HTTP handler that serves every service of the
// cloud under its path prefix.
func (c *Cloud) handler() http.Handler {
	mux := http.NewServeMux()
	c.identity.routes(mux)
	c.compute.routes(mux)
	c.image.routes(mux)
	c.volume.routes(mux)
	c.network.routes(mux)
	c.lb.routes(mux)
	routePlacement(c, mux)
	return c.observe(mux)
}

// serviceOf names the service a request path belongs to.
func serviceOf(path string) string {
	p := strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	return p
}

// observe counts calls, tracks concurrency and injects latency and API
// faults before the request reaches its service.
func (c *Cloud) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		svc := serviceOf(r.URL.Path)
		c.calls.begin(svc)
		defer c.calls.end()
		f := c.faults.get()
		if f.Latency > 0 {
			time.Sleep(f.Latency)
		}
		if code := c.faults.callFault(); code != 0 {
			if code == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			styleOf(svc).write(w, code, "Injected fault: the service is unavailable, try again later.")
			return
		}
		w.Header().Set("X-Openstack-Request-Id", "req-"+newID())
		next.ServeHTTP(w, r)
	})
}

// styleOf is the error style of a service, by its path prefix.
func styleOf(service string) errorStyle {
	switch service {
	case "network":
		return neutronErrors
	case "image":
		return glanceErrors
	case "identity":
		return keystoneErrors
	case "load-balancer":
		return octaviaErrors
	}
	return novaErrors
}

// authedHandler is a service handler that runs with a valid token.
type authedHandler func(w http.ResponseWriter, r *http.Request, tok *token)

// authed wraps h so that it runs only with a valid, unexpired
// X-Auth-Token; otherwise the client gets the service's 401.
func (c *Cloud) authed(style errorStyle, h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := c.identity.validate(r.Header.Get("X-Auth-Token"))
		if tok == nil {
			w.Header().Set("WWW-Authenticate", "Keystone uri='"+c.AuthURL()+"'")
			style.write(w, http.StatusUnauthorized, "The request you have made requires authentication.")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, tok)), tok)
	}
}

type tokenKey struct{}

// callCounter counts API calls per service and the peak in flight.
type callCounter struct {
	mu          sync.Mutex
	byService   map[string]int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64
}

func (cc *callCounter) begin(service string) {
	cc.mu.Lock()
	if cc.byService == nil {
		cc.byService = map[string]int64{}
	}
	cc.byService[service]++
	cc.mu.Unlock()
	n := cc.inFlight.Add(1)
	for {
		m := cc.maxInFlight.Load()
		if n <= m || cc.maxInFlight.CompareAndSwap(m, n) {
			return
		}
	}
}

func (cc *callCounter) end() { cc.inFlight.Add(-1) }

func (cc *callCounter) snapshot() map[string]int64 {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	out := make(map[string]int64, len(cc.byService))
	for k, v := range cc.byService {
		out[k] = v
	}
	return out
}

// ResetCallCounts zeroes the call counters and the in-flight peak.
func (c *Cloud) ResetCallCounts() {
	c.calls.mu.Lock()
	c.calls.byService = nil
	c.calls.mu.Unlock()
	c.calls.maxInFlight.Store(0)
}
