package cloud

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
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
			return t.spent(req, resp, err, attempt)
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := Sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if req, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// spent marks the outcome of a request that was retried and still
// failed transiently, so that no layer above retries it again.
func (t *transport) spent(req *http.Request, resp *http.Response, err error, attempt int) (*http.Response, error) {
	if attempt == 0 || !t.transient(req, resp, err) {
		return resp, err
	}
	if err != nil {
		return nil, &retriesSpent{err: err, retries: attempt}
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	resp.Header.Set(retriedHeader, strconv.Itoa(attempt))
	return resp, nil
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

// shouldRetry decides on a failed attempt: the classification is
// Retryable's (retryableStatus, brokenConnection); on top, an answer
// that may have been acted on (500, 502, 504, a broken connection) is
// retried only for a request that is safe to repeat, and a body that
// cannot be sent again (a data stream) never: the transfer layer
// restarts those from their source.
func (t *transport) shouldRetry(req *http.Request, resp *http.Response, err error, attempt int) (bool, time.Duration) {
	if attempt >= t.retries || req.Context().Err() != nil || !t.transient(req, resp, err) {
		return false, 0
	}
	wait := Backoff(t.backoff, attempt+1)
	if resp != nil {
		wait = max(wait, retryAfterHeader(resp.Header))
	}
	return true, wait
}

// transient reports whether the outcome of one attempt may change on the
// next one, and the request may be sent again.
func (t *transport) transient(req *http.Request, resp *http.Response, err error) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	if err != nil {
		return brokenConnection(err)
	}
	return retryableStatus(resp.StatusCode) &&
		(unprocessed(resp.StatusCode) || idempotent(req.Method) || req.Method == http.MethodPost && resp.StatusCode == http.StatusBadGateway)
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
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
