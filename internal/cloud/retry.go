package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// The retry budgets, one per layer; see the package documentation for
// how the layers keep from multiplying them.
const (
	// DefaultRetries is how often the HTTP transport repeats one request.
	DefaultRetries = 6
	// DefaultStreamRetries is how often a copy starts a stream again.
	DefaultStreamRetries = 3
	// DefaultStepRetries is how often a migration step is tried again.
	DefaultStepRetries = 2
)

// retriedHeader is set by the transport on the response it hands on
// after it spent its retries on transient answers: the number of retries.
// APIError.Retried reads it back.
const retriedHeader = "X-Scs-Migrate-Retried"

// retryableStatus is the one table of answers worth another try: the
// request timed out (408), was throttled (429), or the service or a
// gateway failed (500, 502, 503, 504). 501 and other 5xx will not change.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// unprocessed are the answers that say the request was not acted on, so
// that even a create can be sent again.
func unprocessed(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// brokenConnection reports whether err is a failed or broken connection
// (and not the caller giving up).
func brokenConnection(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if ue := (*url.Error)(nil); errors.As(err, &ue) {
		err = ue.Err // a url.Error is a net.Error whatever it wraps
	}
	var ne net.Error
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &ne)
}

// Retryable is the one classification of failures, used by every layer
// that retries: another attempt may succeed after a retryable status or
// a broken connection, and after what Transient marks; it cannot after
// cancellation, what Permanent marks, client errors, and what the HTTP
// transport already retried until its budget was spent.
func Retryable(err error) bool {
	var m *marked
	var spent *retriesSpent
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &m):
		return m.retry
	case errors.As(err, &spent):
		return false
	}
	if ae, ok := AsAPIError(err); ok {
		return ae.Retried == 0 && retryableStatus(ae.Status)
	}
	return brokenConnection(err)
}

// marked is an error whose retry decision its maker took; the outermost
// mark counts.
type marked struct {
	err   error
	retry bool
}

func (e *marked) Error() string { return e.err.Error() }
func (e *marked) Unwrap() error { return e.err }

func mark(err error, retry bool) error {
	if err == nil {
		return nil
	}
	return &marked{err, retry}
}

// Permanent marks err as one that no layer may retry (a bad request, or
// a layer below that spent its retries on it).
func Permanent(err error) error { return mark(err, false) }

// Transient marks err as worth another attempt where only the caller can
// know it: a stream that broke or stalled, bytes that did not verify, a
// token that was renewed too late for a body that cannot be sent again.
func Transient(err error) error { return mark(err, true) }

// retriesSpent is a connection failure the transport retried until its
// budget was spent.
type retriesSpent struct {
	err     error
	retries int
}

func (e *retriesSpent) Error() string {
	return fmt.Sprintf("%v (after %d retries)", e.err, e.retries)
}
func (e *retriesSpent) Unwrap() error { return e.err }

// Backoff is the pause before retry n (1, 2, …): base doubled for each
// retry, at most 30 s, with jitter between half and all of it.
func Backoff(base time.Duration, n int) time.Duration {
	d := min(base<<min(max(n-1, 0), 10), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// Retry calls fn (with the attempt: 0, 1, …) until it succeeds, fails in
// a way Retryable says another attempt cannot fix, ctx ends, or retries
// are spent. It pauses Backoff(base, n) between attempts, or longer if
// the service asked so. An error that was still retryable when the
// retries ran out comes back Permanent, so an outer layer does not
// repeat what this one already did.
func Retry(ctx context.Context, retries int, base time.Duration, fn func(attempt int) error) error {
	for attempt := 0; ; attempt++ {
		err := fn(attempt)
		if !Retryable(err) {
			return err
		}
		if attempt >= retries {
			return Permanent(fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1))
		}
		if serr := Sleep(ctx, max(Backoff(base, attempt+1), RetryAfter(err))); serr != nil {
			return err
		}
	}
}

// Sleep waits d or until ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
