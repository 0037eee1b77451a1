package inventory

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// unreadable reports whether err means the project may not, or the cloud
// cannot, give this kind: 403, 404 on a list (an API extension or an
// optional service that is not deployed) or 501. Such a kind becomes a
// warning; any other error aborts the inventory, since a snapshot that
// silently lacks servers would make a migration lose them.
func unreadable(err error) bool {
	switch cloud.StatusOf(err) {
	case http.StatusForbidden, http.StatusNotFound, http.StatusNotImplemented:
		return true
	}
	return false
}

// describe turns an API error into one line fit for a warning: the
// request path (no host, no query, no headers), the status and the
// service's own message.
func describe(err error) string {
	ae, ok := cloud.AsAPIError(err)
	if !ok {
		return strings.Join(strings.Fields(err.Error()), " ")
	}
	msg := fmt.Sprintf("%s %s: HTTP %d %s", ae.Method, ae.Path, ae.Status, http.StatusText(ae.Status))
	if ae.Message != "" {
		msg += ": " + ae.Message
	}
	return msg
}
