package cloud

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// CallObserver hears about API calls. Implementations must be safe for
// concurrent use and must not keep the request (it carries the token).
type CallObserver interface {
	// Call is told of every finished attempt: method, URL path, status
	// (0 for a transport error) and whether it will be retried.
	Call(method, path string, status int, retrying bool)
}

// transport is the HTTP stack under every API call: it bounds the calls
// in flight, retries transient failures with exponential backoff, and
// counts calls.
type transport struct {
	next     http.RoundTripper
	slots    chan struct{}
	retries  int
	observer CallObserver
	calls    atomic.Int64
	// backoff is the base delay; tests shorten it.
	backoff time.Duration
}

func newTransport(next http.RoundTripper, opts Options) *transport {
	n := opts.APIConcurrency
	if n <= 0 {
		n = DefaultAPIConcurrency
	}
	r := opts.Retries
	if r <= 0 {
		r = DefaultRetries
	}
	return &transport{next: next, slots: make(chan struct{}, n), retries: r, observer: opts.Observer, backoff: 200 * time.Millisecond}
}

// acquire takes a slot for one call, or gives up when ctx ends.
func (t *transport) acquire(ctx context.Context) error {
	select {
	case t.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (t *transport) release() { <-t.slots }

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := t.once(req)
		retry, wait := t.shouldRetry(req, resp, err, attempt)
		if t.observer != nil {
			t.observer.Call(req.Method, req.URL.Path, statusOf(resp), retry)
		}
		if !retry {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// once sends one attempt while holding a concurrency slot until the
// response headers arrive. Data streams (marked with DataStream) take no
// slot: an upload sends its whole body before the headers come back,
// and streams are bounded by the caller's own transfer limit.
func (t *transport) once(req *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	if isDataStream(req.Context()) {
		return t.next.RoundTrip(req)
	}
	if err := t.acquire(req.Context()); err != nil {
		return nil, err
	}
	defer t.release()
	return t.next.RoundTrip(req)
}

type dataStreamKey struct{}

// DataStream marks requests made with the returned context as image or
// volume data streams, which do not count against the API concurrency
// limit (they are still retried and counted).
func DataStream(ctx context.Context) context.Context {
	return context.WithValue(ctx, dataStreamKey{}, true)
}

func isDataStream(ctx context.Context) bool {
	v, _ := ctx.Value(dataStreamKey{}).(bool)
	return v
}

func statusOf(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	return resp.StatusCode
}

// shouldRetry classifies a failed attempt, in one place: 429 and 503 are
// always retried (the request was not processed); 500, 502, 504 and
// connection failures are retried for requests that are safe to repeat
// and for any request whose body can be re-sent and that failed before a
// response arrived. Streams without GetBody are never retried here; the
// transfer layer restarts them from their source.
func (t *transport) shouldRetry(req *http.Request, resp *http.Response, err error, attempt int) (bool, time.Duration) {
	if attempt >= t.retries || req.Context().Err() != nil {
		return false, 0
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false, 0
	}
	wait := t.backoff << attempt
	wait = wait/2 + rand.N(wait/2+1)
	if err != nil {
		return isTransient(err), wait
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		if ra := retryAfter(resp); ra > 0 {
			wait = ra
		}
		return true, wait
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent(req.Method) || req.Method == http.MethodPost && resp.StatusCode == http.StatusBadGateway, wait
	}
	return false, 0
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// isTransient reports whether a transport error is worth another try.
func isTransient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &ne)
}

func retryAfter(resp *http.Response) time.Duration {
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return min(time.Duration(s)*time.Second, time.Minute)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(time.Until(t), 0), time.Minute)
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rewind returns a copy of req with a fresh body for another attempt.
func rewind(req *http.Request) (*http.Request, error) {
	if req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r2 := req.Clone(req.Context())
	r2.Body = body
	return r2, nil
}
