package cloud

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Trace is one HTTP exchange with a cloud, for --debug and --timings.
// It never holds a header, so no token; bodies are redacted.
type Trace struct {
	// Service is the catalog type the URL belongs to ("compute",
	// "identity", "object-store", …; "s3" for the S3 API), or the host.
	Service   string
	Method    string
	URL       string // with signature and credential query values redacted
	Status    int    // 0: no answer (Err says why)
	Duration  time.Duration
	RequestID string
	Err       error
	// RequestBody and ResponseBody are set for a Tracer whose Bodies
	// is true: JSON with secrets, tokens and payloads redacted, else a
	// note of the content type and length.
	RequestBody, ResponseBody string
}

// Tracer hears every HTTP attempt of a session, retries included.
// Implementations must be safe for concurrent use and return quickly.
type Tracer interface {
	Trace(Trace)
	// Bodies says whether the tracer wants the (redacted) bodies.
	Bodies() bool
}

// maxTracedBody bounds the bytes of a body a trace carries.
const maxTracedBody = 16 << 10

// tracing is the HTTP layer that tells a Tracer about each attempt.
type tracing struct {
	next     http.RoundTripper
	tracer   Tracer
	classify atomic.Pointer[func(*url.URL) string]
}

func (t *tracing) RoundTrip(req *http.Request) (*http.Response, error) {
	tr := Trace{Service: t.service(req.URL), Method: req.Method, URL: redactURL(req.URL)}
	bodies := t.tracer.Bodies()
	if bodies {
		tr.RequestBody = requestBody(req)
	}
	start := time.Now() // wall clock: a duration for the user
	resp, err := t.next.RoundTrip(req)
	tr.Duration, tr.Err = time.Since(start), err
	if resp != nil {
		tr.Status = resp.StatusCode
		tr.RequestID = requestID(resp.Header)
		if bodies {
			tr.ResponseBody = responseBody(resp)
		}
	}
	t.tracer.Trace(tr)
	return resp, err
}

func (t *tracing) service(u *url.URL) string {
	if f := t.classify.Load(); f != nil {
		if s := (*f)(u); s != "" {
			return s
		}
	}
	return u.Host
}

// requestID is the service's request ID header: OpenStack's, Nova's
// older one, Swift's transaction ID, or S3's.
func requestID(h http.Header) string {
	for _, k := range []string{"X-Openstack-Request-Id", "X-Compute-Request-Id", "X-Trans-Id", "X-Amz-Request-Id"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// redactedQuery are query parameters that carry credentials (presigned
// S3 URLs, Swift temp URLs).
var redactedQuery = regexp.MustCompile(`(?i)^(x-amz-signature|x-amz-credential|x-amz-security-token|signature|temp_url_sig|awsaccesskeyid)$`)

func redactURL(u *url.URL) string {
	c := *u
	c.User = nil
	q := c.Query()
	changed := false
	for k := range q {
		if redactedQuery.MatchString(k) {
			q.Set(k, "REDACTED")
			changed = true
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

func requestBody(req *http.Request) string {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody == nil {
		return ""
	}
	if req.ContentLength > maxTracedBody || !isJSON(req.Header.Get("Content-Type")) {
		return describeBody(req.Header.Get("Content-Type"), req.ContentLength)
	}
	rc, err := req.GetBody()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, maxTracedBody))
	return RedactJSON(b)
}

// responseBody reads a small JSON answer for the trace and puts it back
// for the caller; anything else is described, not read.
func responseBody(resp *http.Response) string {
	ct := resp.Header.Get("Content-Type")
	if resp.Body == nil || !isJSON(ct) || resp.ContentLength > maxTracedBody {
		return describeBody(ct, resp.ContentLength)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxTracedBody+1))
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), rest), rest}
	if err != nil || len(b) > maxTracedBody {
		return describeBody(ct, resp.ContentLength)
	}
	return RedactJSON(b)
}

func isJSON(ct string) bool { return strings.Contains(strings.ToLower(ct), "json") }

func describeBody(ct string, n int64) string {
	if n < 0 {
		return "(" + ct + ", streamed)"
	}
	return "(" + ct + ", " + strconv.FormatInt(n, 10) + " bytes)"
}

// secretKeys are JSON keys whose values never appear in a trace.
var secretKeys = regexp.MustCompile(`(?i)^(password|secret|token|id_token|access_token|payload|private_key|adminpass|admin_pass|passphrase|key_data|user_data)$`)

// RedactJSON replaces the values of secret-looking keys (passwords,
// secrets, tokens, Barbican payloads, private keys, user data) with
// "REDACTED". A body that is not JSON is not shown at all.
func RedactJSON(b []byte) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "(not JSON, " + strconv.Itoa(len(b)) + " bytes)"
	}
	out, _ := json.Marshal(redact(v))
	return string(out)
}

func redact(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			// A secret key holding an object ("password": {"user": …})
			// is searched, not dropped: its leaves are redacted.
			if _, isMap := e.(map[string]any); secretKeys.MatchString(k) && !isMap {
				x[k] = "REDACTED"
				continue
			}
			x[k] = redact(e)
		}
	case []any:
		for i, e := range x {
			x[i] = redact(e)
		}
	}
	return v
}
