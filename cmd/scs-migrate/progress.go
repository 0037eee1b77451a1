package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/scs-migrate/scs-migrate/transfer"
)

// progressView shows transfers while they run; Close ends the display.
type progressView interface {
	transfer.Observer
	transfer.StageObserver
	transfer.ObjectObserver
	Close()
}

// newProgress draws bars on a terminal and writes plain log lines to
// anything else (a file, a pipe, CI logs).
func newProgress(w io.Writer) progressView {
	if isTerminal(w) {
		return newBars(w)
	}
	return newProgressLog(w)
}

// isTerminal says whether w is a terminal that can redraw bars in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && os.Getenv("TERM") != "dumb" && term.IsTerminal(int(f.Fd()))
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func rate(n int64, d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return humanBytes(int64(float64(n)/d.Seconds())) + "/s"
}

// bars draws one progress bar per active transfer and a total with
// throughput and ETA below them, redrawn in place a few times a second.
// Finished transfers leave one line above the bars.
type bars struct {
	w      io.Writer
	mu     sync.Mutex
	active map[string]*activeBar
	stages map[string]string // transfers not yet streaming
	total  *activeBar
	totalN int64
	drawn  int // lines drawn last time, to move back over
	stop   chan struct{}
	done   sync.WaitGroup
}

type activeBar struct {
	name    string
	objects string // "12/300 objects" of a bucket copy
	bar     *progressbar.ProgressBar
	line    *lastLine
	start   time.Time
	total   int64
}

var _ progressView = (*bars)(nil)

func newBars(w io.Writer) *bars {
	b := &bars{w: w, active: map[string]*activeBar{}, stages: map[string]string{}, stop: make(chan struct{})}
	b.total = newActiveBar("total", 1)
	b.done.Add(1)
	go b.loop()
	return b
}

func newActiveBar(name string, total int64) *activeBar {
	line := &lastLine{}
	bar := progressbar.NewOptions64(max(total, 1),
		progressbar.OptionSetWriter(line),
		progressbar.OptionSetDescription(fmt.Sprintf("%-28.28s", name)),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowBytes(true),
		progressbar.OptionUseIECUnits(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
	)
	return &activeBar{name: name, bar: bar, line: line, start: time.Now(), total: total}
}

func (b *bars) Started(id, name string, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.stages, id)
	if old := b.active[id]; old != nil { // a copy that starts over
		b.totalN -= old.total
	}
	b.active[id] = newActiveBar(name, total)
	b.totalN += total
	b.total.bar.ChangeMax64(max(b.totalN, 1))
}

func (b *bars) Progress(id string, delta int64) {
	b.mu.Lock()
	a := b.active[id]
	b.mu.Unlock()
	if a != nil {
		a.bar.Add64(delta)
		b.total.bar.Add64(delta)
	}
}

func (b *bars) Objects(id string, done, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if a := b.active[id]; a != nil {
		a.objects = fmt.Sprintf("%d/%d objects", done, total)
		a.bar.Describe(fmt.Sprintf("%-28.28s", a.name+" "+a.objects))
	}
}

func (b *bars) Stage(id, stage string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, streaming := b.active[id]; !streaming {
		b.stages[id] = stage
	}
}

func (b *bars) Finished(id string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.active[id]
	delete(b.active, id)
	delete(b.stages, id)
	b.clearLocked()
	if a == nil { // no byte moved: adopted, or failed early
		if err != nil {
			fmt.Fprintf(b.w, "✗ %s: %v\n", id, err)
		}
		return
	}
	if err != nil {
		fmt.Fprintf(b.w, "✗ %s: %v\n", a.name, err)
		return
	}
	d := time.Since(a.start)
	fmt.Fprintf(b.w, "✓ %s  %s in %s (%s)%s\n", a.name, humanBytes(a.total), d.Round(100*time.Millisecond), rate(a.total, d), parens(a.objects))
}

func (b *bars) loop() {
	defer b.done.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
			b.mu.Lock()
			b.drawLocked()
			b.mu.Unlock()
		}
	}
}

// clearLocked moves the cursor back over the lines drawn last time and
// clears them.
func (b *bars) clearLocked() {
	for ; b.drawn > 0; b.drawn-- {
		fmt.Fprint(b.w, "\x1b[1A\r\x1b[2K")
	}
}

func (b *bars) drawLocked() {
	b.clearLocked()
	var lines []string
	for _, id := range sortedKeys(b.stages) {
		lines = append(lines, fmt.Sprintf("  %-28.28s %s…", id, b.stages[id]))
	}
	for _, id := range sortedKeys(b.active) {
		lines = append(lines, b.active[id].line.String())
	}
	if len(b.active)+len(b.stages) > 0 {
		lines = append(lines, b.total.line.String())
	}
	for _, l := range lines {
		fmt.Fprintln(b.w, l)
	}
	b.drawn = len(lines)
}

func (b *bars) Close() {
	close(b.stop)
	b.done.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clearLocked()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// lastLine keeps the last line a progress bar rendered, instead of
// letting it write to the terminal itself.
type lastLine struct {
	mu   sync.Mutex
	line string
}

func (l *lastLine) Write(p []byte) (int, error) {
	s := string(p)
	if i := strings.LastIndexByte(s, '\r'); i >= 0 {
		s = s[i+1:]
	}
	if t := strings.TrimSpace(s); t != "" {
		l.mu.Lock()
		l.line = strings.TrimRight(s, " \n")
		l.mu.Unlock()
	}
	return len(p), nil
}

func (l *lastLine) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.line
}

// progressLog writes a line when a transfer starts, at most every
// progressLogInterval while it moves bytes, and when it ends, in the
// voice of the step lines ("transfer: ✓ db-data …"), with no timestamp of
// its own: whoever keeps the log adds one.
type progressLog struct {
	w   io.Writer
	mu  sync.Mutex
	all map[string]*loggedTransfer
}

type loggedTransfer struct {
	name     string
	objects  string
	total    int64
	done     int64
	start    time.Time
	lastLine time.Time
}

var _ progressView = (*progressLog)(nil)

// progressLogInterval is how often a running transfer is logged when the
// output is not a terminal: short copies log only their start and end.
const progressLogInterval = 10 * time.Second

func newProgressLog(w io.Writer) *progressLog {
	return &progressLog{w: w, all: map[string]*loggedTransfer{}}
}

func (p *progressLog) line(format string, args ...any) {
	fmt.Fprintf(p.w, "transfer: "+format+"\n", args...)
}

func (p *progressLog) Started(id, name string, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.all[id] = &loggedTransfer{name: name, total: total, start: now, lastLine: now}
	p.line("▶ %s (%s)", name, humanBytes(total))
}

func (p *progressLog) Progress(id string, delta int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.all[id]
	if t == nil {
		return
	}
	t.done += delta
	if time.Since(t.lastLine) < progressLogInterval {
		return
	}
	t.lastLine = time.Now()
	p.line("… %s %d%% (%s of %s, %s)%s", t.name, t.done*100/max(t.total, 1),
		humanBytes(t.done), humanBytes(t.total), rate(t.done, time.Since(t.start)), parens(t.objects))
}

func (p *progressLog) Objects(id string, done, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := p.all[id]; t != nil {
		t.objects = fmt.Sprintf("%d/%d objects", done, total)
	}
}

// parens is " (s)", or "" for an empty s.
func parens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func (p *progressLog) Stage(id, stage string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := id
	if t := p.all[id]; t != nil {
		name = t.name
	}
	p.line("… %s: %s", name, stage)
}

func (p *progressLog) Finished(id string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.all[id]
	delete(p.all, id)
	if t == nil {
		if err != nil {
			p.line("✗ %s: %v", id, err)
		}
		return
	}
	if err != nil {
		p.line("✗ %s: %v", t.name, err)
		return
	}
	d := time.Since(t.start)
	p.line("✓ %s %s in %s (%s)%s", t.name, humanBytes(t.total), d.Round(100*time.Millisecond), rate(t.total, d), parens(t.objects))
}

func (p *progressLog) Close() {}
