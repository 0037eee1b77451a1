package sim

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/objectstore"
)

// handler builds the one HTTP handler that serves every service of the
// cloud under its path prefix.
func (c *Cloud) handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range c.rooms {
		r.Routes(mux)
	}
	s3 := c.objects.S3()
	return c.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if objectstore.IsSigV4(r) && serviceOf(r.URL.Path) != "s3" {
			// S3 clients that cannot put a path into their endpoint
			// (minio-go) address buckets at the root.
			s3.ServeRoot(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	}))
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
		if objectstore.IsSigV4(r) {
			svc = "s3"
		}
		c.calls.begin(svc)
		defer c.calls.end()
		f := c.Faults().Get()
		if f.Latency > 0 {
			time.Sleep(f.Latency)
		}
		if code := c.Faults().CallFault(); code != 0 {
			if code == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
			}
			c.styleOf(svc).Write(w, code, "Injected fault: the service is unavailable, try again later.")
			return
		}
		w.Header().Set("X-Openstack-Request-Id", "req-"+core.NewID())
		next.ServeHTTP(w, r)
	})
}

// styleOf is the error style of a room, by its path prefix; Nova's for
// paths outside every room.
func (c *Cloud) styleOf(service string) core.ErrorStyle {
	for _, r := range c.rooms {
		if r.Prefix() == service {
			return r.Style()
		}
	}
	return core.NovaErrors
}

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
