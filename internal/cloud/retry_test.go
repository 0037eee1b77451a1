package cloud

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"
)

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

// TestRetryable is the classification table every layer uses.
func TestRetryable(t *testing.T) {
	api := func(status int) error { return gophercloudError(status, "GET", "/x", "", nil) }
	spent := &APIError{Status: 503, Retried: 6}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"400", api(400), false},
		{"401", api(401), false},
		{"403", api(403), false},
		{"404", api(404), false},
		{"408", api(408), true},
		{"409", api(409), false},
		{"413", api(413), false},
		{"429", api(429), true},
		{"500", api(500), true},
		{"501", api(501), false},
		{"502", api(502), true},
		{"503", api(503), true},
		{"504", api(504), true},
		{"503 the transport gave up on", fmt.Errorf("get: %w", spent), false},
		{"connection reset", &url.Error{Op: "Get", URL: "/x", Err: syscall.ECONNRESET}, true},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"unexpected EOF", io.ErrUnexpectedEOF, true},
		{"not a network failure in a url.Error", &url.Error{Op: "Get", URL: "x:", Err: errors.New("unsupported protocol scheme")}, false},
		{"reset the transport gave up on", &url.Error{Op: "Get", URL: "/x", Err: &retriesSpent{syscall.ECONNRESET, 6}}, false},
		{"cancelled", context.Canceled, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{"marked transient", Transient(errors.New("checksum mismatch")), true},
		{"marked transient 409", Transient(api(409)), true},
		{"marked permanent 503", Permanent(api(503)), false},
		{"transient cancellation", Transient(context.Canceled), false},
		{"plain", errors.New("bad input"), false},
	} {
		if got := Retryable(c.err); got != c.want {
			t.Errorf("%s: Retryable = %v, want %v", c.name, got, c.want)
		}
	}
}

// scripted answers requests with the statuses in order, the last one
// for ever, and counts them.
type scripted struct {
	statuses []int
	calls    int
}

func (s *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	st := s.statuses[min(s.calls, len(s.statuses)-1)]
	s.calls++
	return &http.Response{StatusCode: st, Header: http.Header{}, Body: ioNopCloser("{}"), Request: req}, nil
}

// TestTransportMarksWhatItRetried: a transient answer the transport
// retried until its budget ran out is not retried above it; one it may
// not repeat (a create that got a 500) is left to the layers above.
func TestTransportMarksWhatItRetried(t *testing.T) {
	for _, c := range []struct {
		method    string
		statuses  []int
		calls     int
		retryable bool
	}{
		{http.MethodGet, []int{503}, 3, false},
		{http.MethodPost, []int{503}, 3, false},
		{http.MethodPost, []int{500}, 1, true},
		{http.MethodGet, []int{503, 404}, 2, false},
		{http.MethodGet, []int{503, 200}, 2, false},
	} {
		next := &scripted{statuses: c.statuses}
		tr := newTransport(next, Options{Retries: 2})
		tr.backoff = time.Millisecond
		req, _ := http.NewRequest(c.method, "http://cloud.example/v2.1/servers", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if next.calls != c.calls {
			t.Errorf("%s %v: %d calls, want %d", c.method, c.statuses, next.calls, c.calls)
		}
		if resp.StatusCode >= 300 {
			err := ResponseError(resp)
			if got := Retryable(err); got != c.retryable {
				t.Errorf("%s %v: Retryable = %v, want %v", c.method, c.statuses, got, c.retryable)
			}
			if spent := strings.HasSuffix(err.Error(), "retried 2 times)"); spent == c.retryable && resp.StatusCode == 503 {
				t.Errorf("%s %v: %v", c.method, c.statuses, err)
			}
		}
	}
}

func TestRetryGivesUpPermanently(t *testing.T) {
	var calls int
	err := Retry(context.Background(), 2, time.Millisecond, func(int) error {
		calls++
		return Transient(errors.New("stream broken"))
	})
	if calls != 3 || Retryable(err) || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("%d calls, err %v", calls, err)
	}
	calls = 0
	err = Retry(context.Background(), 5, time.Millisecond, func(n int) error {
		calls++
		if n == 1 {
			return nil
		}
		return gophercloudError(502, "GET", "/x", "", nil)
	})
	if err != nil || calls != 2 {
		t.Errorf("%d calls, err %v: want success on the second", calls, err)
	}
	calls = 0
	bad := gophercloudError(400, "POST", "/x", "", nil)
	if err := Retry(context.Background(), 5, time.Millisecond, func(int) error { calls++; return bad }); StatusOf(err) != 400 || calls != 1 {
		t.Errorf("a 400 was retried: %d calls, %v", calls, err)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 30: 30 * time.Second} {
		if d := Backoff(time.Second, n); d < want/2 || d > want {
			t.Errorf("Backoff(1s, %d) = %s, want between %s and %s", n, d, want/2, want)
		}
	}
}
