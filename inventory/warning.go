package inventory

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// unreadable reports whether err means the project may not, or the cloud
// cannot, give this kind: 403, 404 on a list (an API extension or an
// optional service that is not deployed) or 501. Such a kind becomes a
// warning; any other error aborts the inventory, since a snapshot that
// silently lacks servers would make a migration lose them.
func unreadable(err error) bool {
	for _, code := range []int{http.StatusForbidden, http.StatusNotFound, http.StatusNotImplemented} {
		if gophercloud.ResponseCodeIs(err, code) {
			return true
		}
	}
	return false
}

// describe turns an API error into one line fit for a warning: the
// request path (no host, no query, no headers), the status and the
// service's own message.
func describe(err error) string {
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) {
		return oneLine(err.Error(), 300)
	}
	path := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		path = u.Path
	}
	msg := fmt.Sprintf("%s %s: HTTP %d %s", ue.Method, path, ue.Actual, http.StatusText(ue.Actual))
	if m := serviceMessage(ue.Body); m != "" {
		msg += ": " + m
	}
	return msg
}

// serviceMessage digs the human message out of an OpenStack error body:
// {"forbidden": {"message": …}} (Nova, Cinder), {"NeutronError":
// {"message": …}}, {"faultstring": …} (Octavia), {"error": {"message": …}}
// (Keystone) or plain text (Glance).
func serviceMessage(body []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return oneLine(string(body), 200)
	}
	var s string
	if json.Unmarshal(top["faultstring"], &s) == nil && s != "" {
		return oneLine(s, 200)
	}
	for _, v := range top {
		var inner struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(v, &inner) == nil && inner.Message != "" {
			return oneLine(inner.Message, 200)
		}
	}
	return ""
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
