package cloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// Sentinels that an *APIError matches with errors.Is.
var (
	// ErrNotFound: the resource does not exist (or is not visible).
	ErrNotFound = errors.New("not found")
	// ErrQuotaExceeded: a quota or the storage behind it is full.
	ErrQuotaExceeded = errors.New("quota exceeded")
	// ErrBadState: a resource went into a state the caller cannot work
	// with (an error state, or not the one waited for).
	ErrBadState = errors.New("unexpected state")
)

// APIError is an error answer of an OpenStack API, reduced to what a user
// needs: the call (path only: no host, no query), the status and the
// service's own message.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
	// RequestID is the service's X-Openstack-Request-Id (or Nova's
	// X-Compute-Request-Id), for the cloud operator's logs.
	RequestID string
	// RetryAfter is how long a 429 or 503 asked the client to wait.
	RetryAfter time.Duration
	// Retried is how often the HTTP transport already repeated the call
	// before it gave up on a transient answer (0: it did not retry).
	Retried int
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	var extra string
	if e.Retried > 0 {
		extra = fmt.Sprintf(", retried %d times", e.Retried)
	}
	if e.RequestID != "" {
		// For the cloud operator, who finds the call in the logs by it.
		extra += ", request " + e.RequestID
	}
	return fmt.Sprintf("%s (HTTP %d from %s %s%s)", msg, e.Status, e.Method, e.Path, extra)
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

// Wrap says what was being done when err happened, and turns
// gophercloud's response error into an *APIError with the service's
// message. A nil err stays nil; errors that are not API errors are only
// wrapped.
func Wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var ae *APIError
	var uc gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ae) && errors.As(err, &uc) {
		err = fromGophercloud(uc)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// AsAPIError finds the API error in err's chain, whether already an
// *APIError or still gophercloud's.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae, true
	}
	var uc gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &uc) {
		return fromGophercloud(uc), true
	}
	return nil, false
}

func fromGophercloud(uc gophercloud.ErrUnexpectedResponseCode) *APIError {
	return newAPIError(uc.Method, uc.URL, uc.Actual, uc.Body, uc.ResponseHeader)
}

// ResponseError is the *APIError of an HTTP response that is not the one
// wanted, for requests made without gophercloud (data streams). It reads
// a little of the body but does not close it.
func ResponseError(resp *http.Response) error {
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 16<<10))
	}
	method, u := "", ""
	if resp.Request != nil {
		method, u = resp.Request.Method, resp.Request.URL.String()
	}
	return newAPIError(method, u, resp.StatusCode, body, resp.Header)
}

func newAPIError(method, rawURL string, status int, body []byte, h http.Header) *APIError {
	path := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		path = u.Path
	}
	e := &APIError{Method: method, Path: path, Status: status, Message: serviceMessage(body)}
	if h != nil {
		e.RequestID = h.Get("X-Openstack-Request-Id")
		if e.RequestID == "" {
			e.RequestID = h.Get("X-Compute-Request-Id")
		}
		e.RetryAfter = retryAfterHeader(h)
		e.Retried, _ = strconv.Atoi(h.Get(retriedHeader))
	}
	return e
}

// StatusOf is the HTTP status of an API error in err's chain, or 0.
func StatusOf(err error) int {
	if ae, ok := AsAPIError(err); ok {
		return ae.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return StatusOf(err) == http.StatusConflict }

// RetryAfter is how long the service asked the client to wait before the
// next try (Retry-After of a 429 or 503), or 0.
func RetryAfter(err error) time.Duration {
	if ae, ok := AsAPIError(err); ok {
		return ae.RetryAfter
	}
	return 0
}

// retryAfterHeader reads Retry-After, in seconds or as an HTTP date, at
// most a minute.
func retryAfterHeader(h http.Header) time.Duration {
	v := h.Get("Retry-After")
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

// messageLimit bounds a service message in an error.
const messageLimit = 300

// serviceMessage digs the human message out of an OpenStack error body,
// whatever the service:
//
//	Nova, Cinder  {"itemNotFound": {"code": 404, "message": …}}
//	Neutron       {"NeutronError": {"type": …, "message": …, "detail": …}}
//	Keystone      {"error": {"code": 401, "message": …, "title": …}}
//	Octavia       {"faultcode": "Client", "faultstring": …, "debuginfo": null}
//	              or {"code": …, "title": …, "description": …}
//	Glance        webob's text or HTML pages ("404 Not Found\n\n…")
func serviceMessage(body []byte) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return oneLine(stripTags(string(body)))
	}
	for _, k := range []string{"faultstring", "message", "description"} {
		var s string
		if json.Unmarshal(doc[k], &s) == nil && s != "" {
			return oneLine(s)
		}
	}
	for _, v := range doc {
		var inner struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(v, &inner) == nil && inner.Message != "" {
			return oneLine(inner.Message)
		}
	}
	return ""
}

// stripTags removes HTML markup: tags, and the head with its title (the
// body repeats it as a heading).
func stripTags(s string) string {
	if start := strings.Index(s, "<head>"); start >= 0 {
		if end := strings.Index(s[start:], "</head>"); end >= 0 {
			s = s[:start] + s[start+end+len("</head>"):]
		}
	}
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
	return b.String()
}

// oneLine collapses white space and cuts s to messageLimit.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > messageLimit {
		s = s[:messageLimit] + "…"
	}
	return s
}
