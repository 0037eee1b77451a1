package transfer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// Sentinel errors, for errors.Is.
var (
	// ErrChecksumMismatch means the bytes that arrived are not the bytes
	// that left, even after the retries.
	ErrChecksumMismatch = errors.New("checksum mismatch")
	// ErrQuotaExceeded means a cloud refused to store the copy because a
	// quota or the storage is full.
	ErrQuotaExceeded = errors.New("quota exceeded")
	// ErrNotFound means a resource does not exist (or is not visible).
	ErrNotFound = errors.New("not found")
	// ErrBadState means a resource is in a state the copy cannot work
	// with, or went into an error state.
	ErrBadState = errors.New("unexpected state")
)

// APIError is an error answer of an OpenStack API, with the message the
// service gave.
type APIError struct {
	Method, URL string
	Status      int
	Message     string
	// RetryAfter is how long a 429 or 503 asked the client to wait.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s: HTTP %d (%s %s)", msg, e.Status, e.Method, e.URL)
}

// Is makes errors.Is(err, ErrNotFound) and ErrQuotaExceeded work.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrQuotaExceeded:
		return e.Status == http.StatusRequestEntityTooLarge ||
			e.Status == http.StatusForbidden && strings.Contains(strings.ToLower(e.Message), "quota")
	}
	return false
}

// apiError turns gophercloud's response errors into *APIError with the
// service's own message; other errors pass unchanged.
func apiError(err error) error {
	var uc gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &uc) {
		return err
	}
	return &APIError{Method: uc.Method, URL: uc.URL, Status: uc.Actual, Message: serviceMessage(uc.Body),
		RetryAfter: retryAfter(uc.ResponseHeader)}
}

// serviceMessage digs the human message out of an OpenStack error body:
// {"itemNotFound": {"message": …}}, {"error": {"message": …}},
// {"NeutronError": {"message": …}}, {"message": …} or Glance's HTML/text.
func serviceMessage(body []byte) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) == nil {
		if m, ok := doc["message"]; ok {
			var s string
			if json.Unmarshal(m, &s) == nil {
				return s
			}
		}
		for _, v := range doc {
			var inner struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(v, &inner) == nil && inner.Message != "" {
				return inner.Message
			}
		}
	}
	s := strings.TrimSpace(stripTags(string(body)))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// stripTags removes HTML tags and collapses white space, for services
// (Glance) that answer errors as an HTML page.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// statusOf returns the HTTP status of an API error, or 0.
func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	var uc gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &uc) {
		return uc.Actual
	}
	return 0
}

// permanentError marks an error another attempt cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// retryable is the one place that decides whether starting a stream
// again can help: checksum mismatches, connection failures, 5xx, 408,
// 409 (the image was not ready) and 429 can; cancellation, quota and
// other client errors cannot.
func retryable(err error) bool {
	var pe *permanentError
	switch {
	case err == nil, errors.As(err, &pe),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, ErrChecksumMismatch), errors.Is(err, errStalled):
		return true
	}
	if s := statusOf(err); s != 0 {
		return s >= 500 || s == http.StatusRequestTimeout || s == http.StatusConflict ||
			s == http.StatusTooManyRequests || s == http.StatusUnauthorized
	}
	var ne net.Error
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.As(err, &ne) || errors.Is(err, errStreamBroken)
}

// errStreamBroken is a stream that ended before its last byte.
var errStreamBroken = errors.New("stream broken")

// retryAfter reads a Retry-After header in seconds (at most a minute).
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s <= 0 {
		return 0
	}
	return min(time.Duration(s)*time.Second, time.Minute)
}

// pauseFor is the pause before retry n after err: the backoff, or what
// the cloud asked for when that is longer.
func (c *Copier) pauseFor(n int, err error) time.Duration {
	d := c.retryPause(n)
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > d {
		d = ae.RetryAfter
	}
	return d
}
