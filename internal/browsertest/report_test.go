package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The HTML audit report in a real browser. The golden files in
// plans/testdata pin the bytes of each page and of the JSON report of the
// same audit (TestGoldenAudit fails when the code renders anything else);
// this test checks what a reader gets from the page: it renders without
// console errors, shows the numbers of the JSON report, folds its tables,
// prints on A4 and asks nothing of the network.

// goldenDir holds the audit reports the plans golden tests render.
const goldenDir = "../../plans/testdata"

// chromiumNames are the names the browser has in PATH on Debian (chromium),
// other distributions and Google's builds.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// findChromium returns the browser to drive, SCS_MIGRATE_CHROMIUM first,
// or skips the test and says how to install one.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SCS_MIGRATE_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("no chromium binary in PATH (looked for %s): install it with "+
		"`apt-get install -y --no-install-recommends chromium` (hack/install-deps.sh does), "+
		"or point SCS_MIGRATE_CHROMIUM at one", strings.Join(chromiumNames, ", "))
	if os.Getenv("CI") != "" {
		t.Fatal(msg) // CI installs it: a skip there would hide the test
	}
	t.Skip(msg)
	return ""
}

// startBrowser starts one headless chromium for the test and stops it at
// the end. It talks over a pipe (no debugging port), uses no proxy and
// resolves no host name, so nothing it does can reach the network even if
// the interception below missed a request.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		// The sandbox needs a user namespace or a setuid helper; CI runs as
		// root, where chromium refuses to start without this flag. The page
		// is our own file.
		chromedp.NoSandbox,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first Do starts the browser; it lives as long as browserCtx.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return browserCtx
}

// tab is one page of the browser with what it logged and asked for.
type tab struct {
	ctx  context.Context
	file string // the one URL the page may load: the report itself

	mu       sync.Mutex
	console  []string // console.error/warn/assert calls
	errors   []string // uncaught exceptions and browser log errors
	requests []string // every request the page made, as Network saw it
	blocked  []string // requests the Fetch interception failed
	loaded   bool     // Fetch saw (and let through) the file itself
}

// openTab opens fileURL in a new tab of the browser. Every request is paused
// by the Fetch domain: the file itself goes on, anything else fails and is
// recorded. The console, exceptions and the browser log are recorded from
// the tab's first event on.
func openTab(t *testing.T, browser context.Context, fileURL string) *tab {
	t.Helper()
	tb := &tab{file: fileURL}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithListener(tb.record))
	tb.ctx = ctx
	if err := chromedp.Do(ctx); err != nil { // attach: Runtime, Log, Network on
		cancel()
		t.Fatal(err)
	}
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if ev.Request.URL == tb.file {
				tb.mu.Lock()
				tb.loaded = true
				tb.mu.Unlock()
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			tb.mu.Lock()
			tb.blocked = append(tb.blocked, string(ev.ResourceType)+" "+ev.Request.URL)
			tb.mu.Unlock()
			_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL)); err != nil {
		t.Fatalf("opening %s: %v", fileURL, err)
	}
	return tb
}

// record runs in the tab's event loop: it only appends under the lock.
func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			var args []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					args = append(args, string(a.Value))
				} else {
					args = append(args, a.Description)
				}
			}
			tb.console = append(tb.console, fmt.Sprintf("console.%s(%s)", ev.Type, strings.Join(args, ", ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.errors = append(tb.errors, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == cdplog.EntryLevelError {
			tb.errors = append(tb.errors, fmt.Sprintf("browser log %s error: %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	}
}

// problems are what the page did wrong so far: console errors and
// warnings, exceptions, and requests for anything but the file.
func (tb *tab) problems() []string {
	// A command's reply comes after the events sent before it, and the
	// listener sees those first: this flushes them.
	_, _ = chromedp.Run(tb.ctx, chromedp.Evaluate[int](`1`))
	tb.mu.Lock()
	defer tb.mu.Unlock()
	out := slices.Concat(tb.console, tb.errors)
	for _, b := range tb.blocked {
		out = append(out, "request leaves the page (blocked): "+b)
	}
	for _, r := range tb.requests {
		if r != tb.file && !strings.HasPrefix(r, "data:") {
			out = append(out, "request for "+r)
		}
	}
	if !tb.loaded {
		out = append(out, "the Fetch interception never saw "+tb.file+": the offline check would be blind")
	}
	return out
}

// report is one audit: the HTML page and the JSON report of the same audit.
type report struct {
	name       string
	html, json []byte
}

// goldenReports reads every audit-*.html golden file with its .json twin.
func goldenReports(t *testing.T) []report {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join(goldenDir, "audit-*.html"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no audit-*.html in %s (%v)", goldenDir, err)
	}
	var out []report
	for _, p := range pages {
		html, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		js, err := os.ReadFile(strings.TrimSuffix(p, ".html") + ".json")
		if err != nil {
			t.Fatalf("the JSON report of the same audit: %v", err)
		}
		out = append(out, report{strings.TrimSuffix(filepath.Base(p), ".html"), html, js})
	}
	return out
}

// TestAuditReportInBrowser opens the HTML audit report of each golden audit
// in chromium and checks it against the JSON report of the same audit.
func TestAuditReportInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the browser test starts chromium")
	}
	reports := goldenReports(t)
	exe := findChromium(t)
	start := time.Now()
	browser := startBrowser(t, exe)
	if v, err := chromedp.Run(browser, chromedp.Evaluate[string](`navigator.userAgent`)); err == nil {
		t.Logf("%s (%s), started in %v", exe, v, time.Since(start).Round(time.Millisecond))
	}
	t.Run("golden", func(t *testing.T) {
		for _, r := range reports {
			t.Run(r.name, func(t *testing.T) {
				t.Parallel() // one tab each
				checkReportInBrowser(t, browser, r)
			})
		}
	})
	// The checks must be able to fail: a page with an external font, an
	// external image, a console error and an exception is caught by each.
	t.Run("the checks catch a bad page", func(t *testing.T) {
		bad := strings.Replace(string(reports[0].html), "</head>", `<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
<script>console.error("canary"); throw new Error("canary")</script></head>`, 1)
		bad = strings.Replace(bad, "</main>", `<img src="http://cdn.example.com/logo.png" alt=""></main>`, 1)
		tb := openTab(t, browser, writePage(t, "bad.html", []byte(bad)))
		got := strings.Join(tb.problems(), "\n")
		for _, want := range []string{
			`console.error("canary")`, "uncaught exception", "Error: canary",
			"(blocked): Stylesheet https://fonts.googleapis.com/", "(blocked): Image http://cdn.example.com/logo.png",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("the checks missed %q; they found:\n%s", want, got)
			}
		}
	})
}

// writePage writes the page to a temporary file and returns its file:// URL.
func writePage(t *testing.T, name string, page []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, page, 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: path}).String()
}

// jsonReport is what the check reads from the JSON report.
type jsonReport struct {
	Score   int    `json:"score"`
	Verdict string `json:"verdict"`
	Counts  struct {
		Portable int `json:"portable"`
		Copy     int `json:"copy"`
		Change   int `json:"change"`
		Blocked  int `json:"blocked"`
	} `json:"counts"`
	Items []struct {
		Kind   string `json:"kind"`
		Status string `json:"status"`
	} `json:"items"`
	Target          *json.RawMessage  `json:"target"`
	QuotaShortfalls []json.RawMessage `json:"quotaShortfalls"`
	Warnings        []json.RawMessage `json:"warnings"`
}

// pageFacts is what the page shows, read from the DOM.
type pageFacts struct {
	Score        string `json:"score"`
	ScoreLabel   string `json:"scoreLabel"`
	ScoreVisible bool   `json:"scoreVisible"`
	DonutTotal   string `json:"donutTotal"`
	VerdictClass string `json:"verdictClass"`
	Legend       []struct {
		N     string `json:"n"`
		Label string `json:"label"`
	} `json:"legend"`
	Figures []struct {
		Value string `json:"value"`
		Label string `json:"label"`
		Bad   bool   `json:"bad"`
	} `json:"figures"`
	Groups []struct {
		Title string   `json:"title"`
		Mini  string   `json:"mini"`
		Pills []string `json:"pills"`
	} `json:"groups"`
}

const readFacts = `(() => {
	const text = (el) => el ? el.textContent.trim() : null;
	const gauge = document.querySelector("svg.gauge");
	return {
		score: text(document.querySelector(".gauge-num")),
		scoreLabel: gauge ? gauge.getAttribute("aria-label") : null,
		scoreVisible: !!gauge && gauge.checkVisibility() && gauge.getBoundingClientRect().width > 0,
		donutTotal: text(document.querySelector(".donut-num")),
		verdictClass: document.querySelector(".verdict")?.className ?? "",
		legend: [...document.querySelectorAll(".legend li")].map(li => ({n: text(li.querySelector(".n")), label: text(li.lastChild)})),
		figures: [...document.querySelectorAll(".figures .fig")].map(f => ({value: text(f.querySelector("b")), label: text(f.querySelector("span")), bad: f.classList.contains("bad")})),
		groups: [...document.querySelectorAll("details")].map(d => ({
			title: text(d.querySelector("summary h2")),
			mini: text(d.querySelector("summary .mini")),
			pills: [...d.querySelectorAll("tbody .pill")].map(text),
		})),
	};
})()`

func checkReportInBrowser(t *testing.T, browser context.Context, r report) {
	start := time.Now()
	var want jsonReport
	if err := json.Unmarshal(r.json, &want); err != nil {
		t.Fatalf("the JSON report: %v", err)
	}
	tb := openTab(t, browser, writePage(t, r.name+".html", r.html))

	// 1. It renders without console errors or exceptions (checked again at
	// the end, after the clicks and the printing).
	for _, p := range tb.problems() {
		t.Errorf("on load: %s", p)
	}

	// 2. The score and the counts on the page are the JSON report's.
	page, err := chromedp.Run(tb.ctx, chromedp.Evaluate[pageFacts](readFacts))
	if err != nil {
		t.Fatal(err)
	}
	checkNumbers(t, page, want)

	// 3. The tables fold and unfold.
	checkFolding(t, tb, len(page.Groups))

	// 4. It prints on one A4 width.
	checkPrint(t, tb)

	// 5. Offline, and still no console error after all of it.
	for _, p := range tb.problems() {
		t.Error(p)
	}
	t.Logf("%d resources in %d tables, checked in %v", len(want.Items), len(page.Groups), time.Since(start).Round(time.Millisecond))
}

func checkNumbers(t *testing.T, page pageFacts, want jsonReport) {
	t.Helper()
	eq := func(what, got string, want int) {
		t.Helper()
		if got != strconv.Itoa(want) {
			t.Errorf("%s: the page shows %q, the JSON report has %d", what, got, want)
		}
	}
	eq("score", page.Score, want.Score)
	if wantLabel := fmt.Sprintf("score %d of 100", want.Score); page.ScoreLabel != wantLabel {
		t.Errorf("score gauge is labelled %q, want %q", page.ScoreLabel, wantLabel)
	}
	if !page.ScoreVisible {
		t.Error("the score gauge is not visible")
	}
	if page.VerdictClass != "verdict v-"+want.Verdict {
		t.Errorf("verdict badge has class %q, the JSON report's verdict is %q", page.VerdictClass, want.Verdict)
	}
	eq("donut total", page.DonutTotal, len(want.Items))

	byStatus := map[string]int{"portable": want.Counts.Portable, "copy": want.Counts.Copy, "change": want.Counts.Change, "blocked": want.Counts.Blocked}
	legendStatus := map[string]string{"portable": "portable", "copied": "copy", "changed": "change", "blocked": "blocked"}
	if len(page.Legend) != len(legendStatus) {
		t.Errorf("legend has %d rows, want %d: %+v", len(page.Legend), len(legendStatus), page.Legend)
	}
	for _, l := range page.Legend {
		s, ok := legendStatus[l.Label]
		if !ok {
			t.Errorf("legend row %q is no status", l.Label)
			continue
		}
		eq("legend "+l.Label, l.N, byStatus[s])
	}

	figures := map[string]string{}
	for _, f := range page.Figures {
		figures[f.Label] = f.Value
		if f.Bad != (f.Value != "0" && f.Value != "–" && (f.Label == "blocked" || f.Label == "quota shortfalls")) {
			t.Errorf("figure %q = %s is marked bad=%v", f.Label, f.Value, f.Bad)
		}
	}
	eq("resources rated", figures["resources rated"], len(want.Items))
	eq("blocked", figures["blocked"], want.Counts.Blocked)
	eq("warnings", figures["warnings"], len(want.Warnings))
	if want.Target == nil {
		if figures["quota shortfalls"] != "–" {
			t.Errorf("quota shortfalls without a target: the page shows %q, want –", figures["quota shortfalls"])
		}
	} else {
		eq("quota shortfalls", figures["quota shortfalls"], len(want.QuotaShortfalls))
	}

	// The tables: every item in one row, the pills add up to the counts,
	// and each table's heading counts its own rows.
	title := regexp.MustCompile(`^(.+) \((\d+)\)$`)
	mini := regexp.MustCompile(`^(\d+) portable · (\d+) copied · (\d+) changed · (\d+) blocked$`)
	rows, pills := 0, map[string]int{}
	for _, g := range page.Groups {
		rows += len(g.Pills)
		own := map[string]int{}
		for _, p := range g.Pills {
			own[p]++
			pills[p]++
		}
		if m := title.FindStringSubmatch(g.Title); m == nil {
			t.Errorf("table heading %q has no count", g.Title)
		} else {
			eq(m[1]+" heading", m[2], len(g.Pills))
		}
		if m := mini.FindStringSubmatch(g.Mini); m == nil {
			t.Errorf("table %q: summary %q", g.Title, g.Mini)
		} else {
			for i, s := range []string{"portable", "copy", "change", "blocked"} {
				eq(g.Title+" "+s, m[i+1], own[s])
			}
		}
	}
	eq("rows in the tables", strconv.Itoa(rows), len(want.Items))
	for s, n := range byStatus {
		eq(s+" rows in the tables", strconv.Itoa(pills[s]), n)
	}
}

// foldState is one <details> table: open, whether its table shows, and
// the height of the whole section.
type foldState struct {
	Open    bool `json:"open"`
	Visible bool `json:"visible"`
	Height  int  `json:"height"`
}

// checkFolding clicks each table's summary, as a reader would, and back.
func checkFolding(t *testing.T, tb *tab, groups int) {
	t.Helper()
	summaries, err := chromedp.Run(tb.ctx, chromedp.Nodes(chromedp.CSSAll("details > summary")))
	if err != nil {
		t.Fatal(err)
	}
	if len(summaries) == 0 || len(summaries) != groups {
		t.Fatalf("%d foldable tables, %d tables", len(summaries), groups)
	}
	state := func(i int) foldState {
		t.Helper()
		s, err := chromedp.Run(tb.ctx, chromedp.Evaluate[foldState](fmt.Sprintf(`(() => {
			const d = document.querySelectorAll("details")[%d], tbl = d.querySelector("table");
			return {open: d.open, visible: tbl.checkVisibility(), height: Math.round(d.getBoundingClientRect().height)};
		})()`, i)))
		if err != nil {
			t.Fatal(err)
		}
		if s.Visible != s.Open {
			t.Errorf("table %d: open=%v but its table visible=%v", i, s.Open, s.Visible)
		}
		return s
	}
	opened := 0
	for i, n := range summaries {
		before := state(i)
		if before.Open {
			opened++
		}
		heights := map[bool]int{before.Open: before.Height}
		for _, want := range []bool{!before.Open, before.Open} {
			if err := chromedp.Do(tb.ctx, chromedp.MouseClickNode(n)); err != nil {
				t.Fatal(err)
			}
			got := state(i)
			if got.Open != want {
				t.Errorf("table %d: a click on its summary left it open=%v", i, got.Open)
			}
			heights[got.Open] = got.Height
		}
		if heights[true] <= heights[false] {
			t.Errorf("table %d: %dpx high open, %dpx folded", i, heights[true], heights[false])
		}
	}
	t.Logf("%d tables, %d open at first, each folded and unfolded by a click", len(summaries), opened)
}

// A4 is 210 mm wide: 793 CSS pixels at 96 per inch. The PDF has margins of
// 0.4 in (about 1 cm), which leave 717 px for the page.
const (
	a4WidthPx     = 793
	pdfMarginIn   = 0.4
	a4PrintablePx = 717 // (8.27 - 2×0.4) in × 96
)

type widthFacts struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Wide        []string `json:"wide"`
}

// checkPrint lays the page out as print at the A4 widths, then prints it.
func checkPrint(t *testing.T, tb *tab) {
	t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{a4WidthPx, a4PrintablePx} {
		if err := chromedp.Do(tb.ctx, chromedp.EmulateViewport(width, 1123)); err != nil {
			t.Fatal(err)
		}
		w, err := chromedp.Run(tb.ctx, chromedp.Evaluate[widthFacts](`(() => {
			const de = document.documentElement, w = de.clientWidth;
			const wide = [...document.body.querySelectorAll("*")]
				.filter(e => e.getBoundingClientRect().right > w + 0.5)
				.slice(0, 5)
				.map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") + " right=" + Math.round(e.getBoundingClientRect().right));
			return {scrollWidth: de.scrollWidth, clientWidth: w, wide: wide};
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if w.ScrollWidth > int(width) || len(w.Wide) > 0 {
			t.Errorf("print layout at %dpx: the page is %dpx wide; wider than the page: %s", width, w.ScrollWidth, strings.Join(w.Wide, ", "))
		}
	}
	// On paper nothing unfolds: the tables folded on screen print too.
	hidden, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](
		`[...document.querySelectorAll("details table")].filter(t => !t.checkVisibility()).length`))
	if err != nil {
		t.Fatal(err)
	}
	if hidden > 0 {
		t.Errorf("print layout: %d folded tables would not print", hidden)
	}
	if _, err := chromedp.Call(tb.ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}

	pdf, err := chromedp.Run(tb.ctx, chromedp.PrintToPDF(
		chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(pdfMarginIn), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatalf("printToPDF: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || !bytes.Contains(pdf[max(0, len(pdf)-64):], []byte("%%EOF")) {
		t.Fatalf("printToPDF returned %d bytes that are no PDF", len(pdf))
	}
	// Every page is A4: 595×842 points.
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Errorf("the PDF (%d bytes) has no /MediaBox", len(pdf))
	}
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		if w < 594 || w > 596 || h < 841 || h > 843 {
			t.Errorf("a PDF page is %s×%s pt, A4 is 595×842", b[1], b[2])
		}
	}
	t.Logf("PDF: %d bytes, %d A4 pages", len(pdf), len(boxes))
}
