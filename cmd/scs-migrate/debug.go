package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// debugLevel is --debug: a bare --debug is 1 (every call on one line),
// --debug=2 adds the redacted bodies.
type debugLevel int

func (d *debugLevel) Set(s string) error {
	switch s {
	case "", "true":
		*d = 1
	case "false":
		*d = 0
	default:
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 2 {
			return fmt.Errorf("want --debug, --debug=1 or --debug=2, not %q", s)
		}
		*d = debugLevel(n)
	}
	return nil
}

func (d *debugLevel) String() string   { return strconv.Itoa(int(*d)) }
func (d *debugLevel) IsBoolFlag() bool { return true }

// debugFlags are --debug and --timings, on the app and on every command
// (so that they may stand before or after the command's name).
func debugFlags() []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "debug", Value: new(debugLevel), EnvVars: []string{"SCS_MIGRATE_DEBUG"},
			Usage: "print every HTTP call: service, method, URL, status, duration, request ID; --debug=2 adds the bodies, secrets redacted"},
		&cli.BoolFlag{Name: "timings", EnvVars: []string{"SCS_MIGRATE_TIMINGS"}, Usage: "print calls, total and slowest time per service at the end"},
	}
}

// tracer is the process's cloud.Tracer, set from the flags before a
// command runs; nil when neither --debug nor --timings is given.
var tracer *callTracer

// cloudOptions are the session options every command opens clouds with.
func cloudOptions(o cloud.Options) cloud.Options {
	if tracer != nil {
		o.Tracer = tracer
	}
	return o
}

// setupDebug reads --debug and --timings (of the command or the app).
func setupDebug(c *cli.Context) {
	level := 0
	for _, ctx := range c.Lineage() {
		if d, ok := ctx.Generic("debug").(*debugLevel); ok && d != nil && int(*d) > level {
			level = int(*d)
		}
	}
	if level == 0 && !c.Bool("timings") {
		tracer = nil
		return
	}
	tracer = &callTracer{w: c.App.ErrWriter, level: level, timings: c.Bool("timings"), per: map[string]*serviceTimes{}}
}

// callTracer prints calls (--debug) and adds them up (--timings).
type callTracer struct {
	w       io.Writer
	level   int
	timings bool
	mu      sync.Mutex
	per     map[string]*serviceTimes
}

type serviceTimes struct {
	calls          int
	total, slowest time.Duration
	slowestCall    string
}

func (t *callTracer) Bodies() bool { return t.level >= 2 }

func (t *callTracer) Trace(tr cloud.Trace) {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.per[tr.Service]
	if st == nil {
		st = &serviceTimes{}
		t.per[tr.Service] = st
	}
	st.calls++
	st.total += tr.Duration
	if tr.Duration > st.slowest {
		st.slowest, st.slowestCall = tr.Duration, tr.Method+" "+tr.URL
	}
	if t.level == 0 {
		return
	}
	status := strconv.Itoa(tr.Status)
	if tr.Err != nil {
		status = "error: " + tr.Err.Error()
	}
	line := fmt.Sprintf("debug: %s %s %s → %s in %s", tr.Service, tr.Method, tr.URL, status, tr.Duration.Round(time.Millisecond))
	if tr.RequestID != "" {
		line += " [" + tr.RequestID + "]"
	}
	fmt.Fprintln(t.w, line)
	if tr.RequestBody != "" {
		fmt.Fprintln(t.w, "debug:   request:", tr.RequestBody)
	}
	if tr.ResponseBody != "" {
		fmt.Fprintln(t.w, "debug:   response:", tr.ResponseBody)
	}
}

// printTimings writes the --timings summary, the slowest service first.
func (t *callTracer) printTimings() {
	if t == nil || !t.timings {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	names := slices.SortedFunc(maps.Keys(t.per), func(a, b string) int {
		return cmp.Or(cmp.Compare(t.per[b].total, t.per[a].total), cmp.Compare(a, b))
	})
	tw := tabwriter.NewWriter(t.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tCALLS\tTOTAL\tSLOWEST\tSLOWEST CALL")
	for _, n := range names {
		st := t.per[n]
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", n, st.calls, st.total.Round(time.Millisecond), st.slowest.Round(time.Millisecond), st.slowestCall)
	}
	tw.Flush()
}
