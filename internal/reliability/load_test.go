package reliability

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// loadEnv set to "full" makes TestLoad migrate all of
// examples/tenant-10k.yaml (about 10,000 resources); by default it
// migrates a tenth of it, to keep `go test ./...` quick.
const loadEnv = "SCS_MIGRATE_LOAD"

// TestLoad migrates the generated tenant of examples/tenant-10k.yaml
// (scaled down unless SCS_MIGRATE_LOAD=full) with the real binary and
// reports the wall time, the peak RSS of the migrate process and the API
// calls. It asserts that neither cloud ever answered more API calls at
// once than the binary's API concurrency (cloud.DefaultAPIConcurrency),
// counting from the simulator's log of requests (image data streams,
// bounded by --transfers instead, counted apart), that the migration
// completes and verifies, and that nothing exists twice.
func TestLoad(t *testing.T) {
	t.Parallel()
	fx, err := sim.LoadTenant("../../examples/tenant-10k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bulk, scale := *fx.Bulk, "a tenth of"
	if os.Getenv(loadEnv) == "full" {
		scale = "all of"
	} else {
		bulk = tenth(bulk)
	}
	w := newWorld(t, worldOptions{bulk: &bulk, quotas: fx.Quotas, bigTargetPool: true, timeout: 40 * time.Minute})
	resources := countResources(w)
	p, planFile := w.buildPlan("plan.json")
	for _, c := range []*sim.Cloud{w.pair.Source, w.pair.Target} {
		c.RecordRequests("")
		c.ResetCallCounts()
	}
	// More steps at once than API slots, so that the bound is what holds
	// the calls back.
	r := w.cli("migrate", "--plan", planFile, "-o", "json", "--parallel", "32")
	var rep migrate.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 0 || r.panicked() {
		t.Fatalf("migrate: exit %d, %v\n%s\n%.2000s", r.code, err, failures(&rep), r.stderr)
	}
	src, dst := peakConcurrency(w.pair.Source.Requests()), peakConcurrency(w.pair.Target.Requests())
	t.Logf("migrated %s examples/tenant-10k.yaml: %d resources, %d steps in %s; peak RSS of migrate %.0f MiB; "+
		"API calls source %d, target %d; most API calls answered at once source %d, target %d (data streams %d, %d); "+
		"the simulator's own count %d and %d",
		scale, resources, len(p.Steps), r.duration.Round(time.Second), float64(r.maxRSS)/(1<<20), rep.SourceCalls,
		rep.TargetCalls, src.api, dst.api, src.data, dst.data, w.pair.Source.MaxConcurrentCalls(), w.pair.Target.MaxConcurrentCalls())
	src.assertBounded(t, "source")
	dst.assertBounded(t, "target")
	w.assertVerified(p, planFile)
	w.assertOnce(p, w.inventory(w.dst))
	w.assertNoTemporaries()
}

// tenth is a tenth of a bulk spec (at least one of each kind it has).
func tenth(b sim.BulkSpec) sim.BulkSpec {
	for _, n := range []*int{&b.Networks, &b.Routers, &b.SecurityGroups, &b.Keypairs, &b.Servers, &b.Ports, &b.Volumes, &b.FloatingIPs} {
		if *n > 0 {
			*n = max(1, *n/10)
		}
	}
	return b
}

func countResources(w *world) int {
	d := w.sourceBefore
	n := len(d.Servers) + len(d.Volumes) + len(d.Networks) + len(d.Subnets) + len(d.Routers) + len(d.Ports) +
		len(d.FloatingIPs) + len(d.Keypairs) + len(d.ServerGroups) + len(d.LoadBalancers)
	for _, g := range d.SecurityGroups {
		n += 1 + len(g.Rules)
	}
	return n
}

// peak is the most requests a cloud was answering at once: API calls
// (at lists those of the peak) and image data streams (GET and PUT of
// …/file), which take no API slot and are bounded by --transfers.
type peak struct {
	api, data int
	at        []sim.RequestRecord
}

func (p peak) assertBounded(t *testing.T, cloudName string) {
	t.Helper()
	if p.api > cloud.DefaultAPIConcurrency {
		t.Errorf("the %s answered %d API calls at once, more than the API concurrency %d:", cloudName, p.api, cloud.DefaultAPIConcurrency)
		for _, r := range p.at {
			t.Logf("  %s %s?%s from %s to %s", r.Method, r.Path, r.Query, r.Start.Format("15:04:05.000000"), r.Answered.Format("15:04:05.000000"))
		}
	}
	if p.data > transfer.DefaultTransfers {
		t.Errorf("the %s served %d data streams at once, more than --transfers %d", cloudName, p.data, transfer.DefaultTransfers)
	}
}

// peakConcurrency reads a cloud's request log. A request counts from its
// arrival until its answer's headers went out: the client holds its API
// slot at least that long (it takes the slot before sending and gives
// it back when the headers arrive), so a client that keeps its bound can
// never make this count exceed it. (Counting until the handler returns
// would not do: a big answer is flushed before its handler returns, and
// the client's next call can arrive first.)
func peakConcurrency(log []sim.RequestRecord) peak {
	type edge struct {
		at    time.Time
		delta int
		i     int
	}
	var edges []edge
	for i, r := range log {
		edges = append(edges, edge{r.Start, 1, i}, edge{r.Answered, -1, i})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.delta - b.delta // an end before a start at the same instant
	})
	var p peak
	var api, data int
	open := map[int]bool{}
	for _, e := range edges {
		open[e.i] = e.delta > 0
		if isDataStream(log[e.i]) {
			data += e.delta
			p.data = max(p.data, data)
			continue
		}
		api += e.delta
		if api > p.api {
			p.api, p.at = api, p.at[:0]
			for i, o := range open {
				if o && !isDataStream(log[i]) {
					p.at = append(p.at, log[i])
				}
			}
		}
	}
	return p
}

func isDataStream(r sim.RequestRecord) bool {
	return strings.HasSuffix(r.Path, "/file") && (r.Method == "GET" || r.Method == "PUT")
}

// failures sums up the failed steps of a report: each distinct error
// (IDs and numbers blanked) with how often it occurred and one example.
func failures(rep *migrate.Report) string {
	ids := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{32}|\d+`)
	count, example := map[string]int{}, map[string]string{}
	for _, s := range rep.Steps {
		if s.State == migrate.StateFailed {
			k := ids.ReplaceAllString(s.Error, "#")
			count[k]++
			example[k] = s.ID + ": " + s.Error
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d steps failed:\n", rep.Counts[migrate.StateFailed])
	for k, n := range count {
		fmt.Fprintf(&b, "  %d× %s\n", n, example[k])
	}
	return b.String()
}
