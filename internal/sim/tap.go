package sim

import (
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// tap watches every request the cloud answers, for tests that judge the
// client from the server's side: it keeps the tokens Keystone issues
// (secrets.go) and, once switched on, a log of the requests.
type tap struct {
	mu     sync.Mutex
	tokens []string
	// logging switches the log on; header names the request header
	// each record keeps.
	logging bool
	header  string
	log     []RequestRecord
	// inflight counts the logged requests whose handlers still run: a
	// client can have its answer before the handler returns.
	inflight atomic.Int64
}

// RequestRecord is one request as the cloud saw it.
type RequestRecord struct {
	Method, Path, Query string
	// Header is the value of the header RecordRequests was given.
	Header string
	// Start is when the request arrived, Answered when the status line
	// and headers of the answer were written (what the client waits for
	// before it reads the body), End when the handler returned.
	Start, Answered, End time.Time
	// Status is the status answered (0 when the handler aborted).
	Status int
	// RetryAfter is the Retry-After header of the answer.
	RetryAfter string
	// Aborted: the handler broke the connection off (an injected reset).
	Aborted bool
}

// RecordRequests starts logging every request the cloud answers, each
// with the value of the request header named header, if any (a test's
// own correlation header, so that the attempts of one client call can
// be told apart from concurrent calls to the same URL).
func (c *Cloud) RecordRequests(header string) {
	c.tap.mu.Lock()
	defer c.tap.mu.Unlock()
	c.tap.logging, c.tap.header, c.tap.log = true, header, nil
}

// Requests returns the requests logged since RecordRequests, once the
// handlers of those in flight have returned (or after a second).
func (c *Cloud) Requests() []RequestRecord {
	for deadline := time.Now().Add(time.Second); c.tap.inflight.Load() > 0 && time.Now().Before(deadline); { // wall clock: a deadline
		time.Sleep(time.Millisecond)
	}
	c.tap.mu.Lock()
	defer c.tap.mu.Unlock()
	return slices.Clone(c.tap.log)
}

// wrap puts the tap in front of the cloud's handler.
func (t *tap) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isTokenRequest(r) {
			w = &tokenWriter{ResponseWriter: w, tap: t}
		}
		t.mu.Lock()
		logging, header := t.logging, t.header
		t.mu.Unlock()
		if !logging {
			next.ServeHTTP(w, r)
			return
		}
		rec := RequestRecord{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Start: time.Now()} // wall clock: the request log measures
		if header != "" {
			rec.Header = r.Header.Get(header)
		}
		sw := &statusWriter{ResponseWriter: w}
		t.inflight.Add(1)
		defer t.inflight.Add(-1)
		defer func() {
			p := recover()
			rec.End, rec.Status, rec.RetryAfter, rec.Aborted = time.Now(), sw.status, w.Header().Get("Retry-After"), p != nil // wall clock: the request log measures
			rec.Answered = sw.answered
			if rec.Answered.IsZero() {
				rec.Answered = rec.End
			}
			t.mu.Lock()
			t.log = append(t.log, rec)
			t.mu.Unlock()
			if p != nil {
				panic(p) // net/http's to handle, as without the tap
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// statusWriter remembers the status of an answer and when it went out.
// Unwrap lets http.ResponseController reach the connection (Flush
// before a reset).
type statusWriter struct {
	http.ResponseWriter
	status   int
	answered time.Time
}

func (w *statusWriter) answer(code int) {
	if w.status == 0 {
		w.status, w.answered = code, time.Now() // wall clock: the request log measures
	}
}

func (w *statusWriter) WriteHeader(code int) {
	w.answer(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.answer(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

// ReadFrom keeps the server's sendfile path for data streams.
func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	w.answer(http.StatusOK)
	return io.Copy(w.ResponseWriter, r)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
