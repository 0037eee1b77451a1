package cloud

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/limits"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// attempt is one try of a request as the wire saw it.
type attempt struct {
	chain          int
	method         string
	sent, answered time.Time
	status         int
	retryAfter     string
}

// attemptRecorder sits under the retrying transport and logs every
// attempt, by the chain (one caller's request) its context names.
type attemptRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []attempt
}

type chainKey struct{}

func (r *attemptRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	a := attempt{method: req.Method, sent: time.Now()}
	a.chain, _ = req.Context().Value(chainKey{}).(int)
	resp, err := r.next.RoundTrip(req)
	a.answered = time.Now()
	if err == nil {
		a.status, a.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
	}
	r.mu.Lock()
	r.log = append(r.log, a)
	r.mu.Unlock()
	return resp, err
}

// TestRetryAfterHonoured makes a third of all API calls answer 429 with
// Retry-After: 1 and sends reads and creates from several goroutines:
// every call succeeds, no attempt follows a 429 of its own call sooner
// than Retry-After says, and no create is made twice.
func TestRetryAfterHonoured(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}})
	file := writeClouds(t, dir, sim.CloudEntry{Name: "limited", Cloud: c, Project: testProject})
	s, err := Open(testContext(t), "limited", Options{CloudsFile: file, Retries: 10})
	if err != nil {
		t.Fatal(err)
	}
	rec := &attemptRecorder{next: s.transport.next}
	s.transport.next = rec
	c.SetFaults(sim.Faults{RateLimitRate: 0.3})
	g, ctx := errgroup.WithContext(testContext(t))
	const calls = 40
	for i := 1; i <= calls; i++ {
		cctx := context.WithValue(ctx, chainKey{}, i)
		g.Go(func() error {
			if i%5 != 0 { // every fifth call creates, within the quota of 10 groups
				return getLimits(cctx, s)
			}
			_, err := groups.Create(cctx, s.Network, groups.CreateOpts{Name: fmt.Sprintf("rl-%02d", i)}).Extract()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("a call failed under rate limiting: %v", err)
	}
	c.SetFaults(sim.Faults{})
	limited, early := checkRetryAfter(t, rec.log)
	t.Logf("%d attempts for %d calls, %d answered 429, %d retried early", len(rec.log), calls, limited, early)
	if limited == 0 {
		t.Error("no call was rate limited: the test proved nothing")
	}
	all, err := groups.List(s.Network, groups.ListOpts{ProjectID: s.ProjectID}).AllPages(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := groups.ExtractGroups(all)
	names := map[string]int{}
	for _, g := range got {
		names[g.Name]++
	}
	for i := 5; i <= calls; i += 5 {
		if n := names[fmt.Sprintf("rl-%02d", i)]; n != 1 {
			t.Errorf("security group rl-%02d exists %d times, want 1", i, n)
		}
	}
}

// checkRetryAfter counts the 429 answers and the attempts of the same
// call that went out before the Retry-After of the one before them.
func checkRetryAfter(t *testing.T, log []attempt) (limited, early int) {
	t.Helper()
	byChain := map[int][]attempt{}
	for _, a := range log {
		byChain[a.chain] = append(byChain[a.chain], a)
	}
	for chain, as := range byChain {
		if chain == 0 {
			continue // token requests made on behalf of all calls
		}
		slices.SortFunc(as, func(a, b attempt) int { return a.sent.Compare(b.sent) })
		for i, a := range as {
			if a.status != http.StatusTooManyRequests {
				continue
			}
			limited++
			secs, err := strconv.Atoi(a.retryAfter)
			if err != nil {
				t.Errorf("call %d: 429 with Retry-After %q", chain, a.retryAfter)
				continue
			}
			if i+1 < len(as) {
				if gap := as[i+1].sent.Sub(a.answered); gap < time.Duration(secs)*time.Second {
					early++
					t.Errorf("call %d: attempt %d went out %s after a 429 with Retry-After: %d", chain, i+2, gap, secs)
				}
			}
		}
	}
	return limited, early
}

// TestAPIConcurrencyBound sends many calls at once through a session
// limited to three in flight: the cloud never sees more than three.
func TestAPIConcurrencyBound(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}})
	file := writeClouds(t, dir, sim.CloudEntry{Name: "bounded", Cloud: c, Project: testProject})
	s, err := Open(testContext(t), "bounded", Options{CloudsFile: file, APIConcurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	c.SetFaults(sim.Faults{Latency: 20 * time.Millisecond})
	c.ResetCallCounts()
	var g errgroup.Group
	for range 30 {
		g.Go(func() error {
			return getLimits(testContext(t), s)
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if peak := c.MaxConcurrentCalls(); peak > 3 || peak < 2 {
		t.Errorf("the cloud saw %d calls in flight at once, want at most (and close to) 3", peak)
	}
}

// getLimits is one small read: GET /limits.
func getLimits(ctx context.Context, s *Session) error {
	_, err := limits.Get(ctx, s.Compute, nil).Extract()
	return err
}
