package cloud

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// TestServiceMessage reads the message out of the error bodies each
// service sends, as the services write them.
func TestServiceMessage(t *testing.T) {
	for _, c := range []struct{ service, body, want string }{
		{"nova", `{"itemNotFound": {"code": 404, "message": "Flavor 42 could not be found."}}`, "Flavor 42 could not be found."},
		{"nova quota", `{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}}`,
			"Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"},
		{"cinder", `{"overLimit": {"code": 413, "message": "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota.", "retryAfter": "0"}}`,
			"VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota."},
		{"neutron", `{"NeutronError": {"type": "NetworkNotFound", "message": "Network 0a1b could not be found.", "detail": ""}}`, "Network 0a1b could not be found."},
		{"keystone", `{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}`,
			"The request you have made requires authentication."},
		{"octavia", `{"faultcode": "Client", "faultstring": "Load Balancer 5e2a is immutable and cannot be updated.", "debuginfo": null}`,
			"Load Balancer 5e2a is immutable and cannot be updated."},
		{"octavia pecan", `{"code": "404 Not Found", "title": "Not Found", "description": "The resource could not be found."}`, "The resource could not be found."},
		{"glance html", "<html>\n <head>\n  <title>409 Conflict</title>\n </head>\n <body>\n  <h1>409 Conflict</h1>\n  Image status transition from active to saving is not allowed<br /><br />\n\n\n\n </body>\n</html>",
			"409 Conflict Image status transition from active to saving is not allowed"},
		{"glance text", "404 Not Found\n\nNo image found with ID 0000.\n\n   ", "404 Not Found No image found with ID 0000."},
		{"empty", "", ""},
		{"no message", `{"badRequest": {"code": 400}}`, ""},
		{"long", strings.Repeat("x", 400), strings.Repeat("x", messageLimit) + "…"},
	} {
		if got := serviceMessage([]byte(c.body)); got != c.want {
			t.Errorf("%s: got %q, want %q", c.service, got, c.want)
		}
	}
}

func gophercloudError(status int, method, url, body string, h http.Header) error {
	return gophercloud.ErrUnexpectedResponseCode{Method: method, URL: url, Expected: []int{200}, Actual: status,
		Body: []byte(body), ResponseHeader: h}
}

func TestWrap(t *testing.T) {
	if Wrap("anything", nil) != nil {
		t.Fatal("Wrap(nil) is not nil")
	}
	h := http.Header{"X-Compute-Request-Id": {"req-7"}, "Retry-After": {"3"}}
	err := Wrap("create server \"web\"", fmt.Errorf("inner: %w", gophercloudError(403, "POST",
		"https://nova.example:8774/v2.1/servers?x=1", `{"forbidden": {"code": 403, "message": "Quota exceeded for instances"}}`, h)))
	want := `create server "web": Quota exceeded for instances (HTTP 403 from POST /v2.1/servers, request req-7)`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	ae, ok := AsAPIError(err)
	if !ok || ae.RequestID != "req-7" || ae.RetryAfter != 3*time.Second || StatusOf(err) != 403 {
		t.Errorf("APIError %+v", ae)
	}
	if !errors.Is(err, ErrQuotaExceeded) || errors.Is(err, ErrNotFound) {
		t.Error("a 403 quota error is not ErrQuotaExceeded")
	}
	again := Wrap("outer", err)
	if again.Error() != "outer: "+want {
		t.Errorf("wrapping twice: %q", again)
	}
	plain := Wrap("read", errors.New("boom"))
	if plain.Error() != "read: boom" || StatusOf(plain) != 0 {
		t.Errorf("a plain error: %q", plain)
	}
}

func TestStatusPredicates(t *testing.T) {
	nf := gophercloudError(404, "GET", "/v2.0/ports/x", `{"NeutronError": {"message": "Port x could not be found."}}`, nil)
	if !IsNotFound(nf) || IsConflict(nf) || !errors.Is(Wrap("get", nf), ErrNotFound) {
		t.Error("404 misread")
	}
	conflict := Wrap("delete", gophercloudError(409, "DELETE", "/v2/lbaas/loadbalancers/x", `{"faultstring": "Invalid state PENDING_UPDATE"}`, nil))
	if !IsConflict(conflict) || IsNotFound(conflict) || RetryAfter(conflict) != 0 {
		t.Error("409 misread")
	}
}

func TestResponseError(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPut, "https://glance.example/v2/images/i1/file", nil)
	resp := &http.Response{StatusCode: 409, Request: req, Header: http.Header{"X-Openstack-Request-Id": {"req-g"}},
		Body: ioNopCloser("409 Conflict\n\nImage i1 is not queued.\n\n")}
	err := ResponseError(resp)
	want := "409 Conflict Image i1 is not queued. (HTTP 409 from PUT /v2/images/i1/file, request req-g)"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if ae, _ := AsAPIError(err); ae.RequestID != "req-g" {
		t.Errorf("request ID %q", ae.RequestID)
	}
}
