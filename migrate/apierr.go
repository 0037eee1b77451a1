package migrate

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
)

// APIError is an OpenStack API error answer, reduced to what a user
// needs: the service's message, the status and the call (path only).
type APIError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *APIError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("%s (HTTP %d from %s %s)", msg, e.Status, e.Method, e.Path)
}

// apiErr turns gophercloud's response errors into *APIError; other
// errors pass unchanged. what says what was being done.
func apiErr(what string, err error) error {
	if err == nil {
		return nil
	}
	var uc gophercloud.ErrUnexpectedResponseCode
	if errors.As(err, &uc) {
		path := uc.URL
		if u, perr := url.Parse(uc.URL); perr == nil {
			path = u.Path
		}
		err = &APIError{Method: uc.Method, Path: path, Status: uc.Actual, Message: serviceMessage(uc.Body)}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// statusOf is the HTTP status of an API error, or 0.
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

func isNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// serviceMessage digs the human message out of an OpenStack error body.
func serviceMessage(body []byte) string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) == nil {
		for _, k := range []string{"message", "faultstring", "description"} {
			var s string
			if json.Unmarshal(doc[k], &s) == nil && s != "" {
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
	s := strings.Join(strings.Fields(string(body)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
