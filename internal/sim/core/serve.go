package core

import (
	"errors"
	"io"
	"net/http"
	"net/url"
)

// Call is one API call a room serves under the cloud lock: the request,
// the caller's token, the body read in full and the query.
type Call struct {
	R     *http.Request
	Tok   *Token
	Body  []byte
	Query url.Values
}

// Project is the caller's project.
func (q *Call) Project() string { return q.Tok.ProjectID }

// Errors is how a room answers the errors of a call.
type Errors struct {
	Style ErrorStyle
	// BadBody answers a body that cannot be read, Internal an error that
	// is not an *APIError.
	BadBody, Internal *APIError
}

// Write answers err.
func (e Errors) Write(w http.ResponseWriter, err error) {
	var ae *APIError
	if !errors.As(err, &ae) {
		ae = e.Internal
	}
	e.Style.WriteError(w, ae)
}

// Serve is the lock-find-answer shape of a room's handlers: it reads the
// body (up to limit bytes), runs h with the cloud lock held and, after
// the lock is released, answers h's error, its bare status (a nil body)
// or its body as JSON.
func (c *Cloud) Serve(errs Errors, limit int64, h func(q *Call) (int, any, error)) AuthedHandler {
	return func(w http.ResponseWriter, r *http.Request, tok *Token) {
		body, err := io.ReadAll(io.LimitReader(r.Body, limit))
		if err != nil {
			errs.Style.WriteError(w, errs.BadBody)
			return
		}
		c.Lock()
		status, out, err := h(&Call{R: r, Tok: tok, Body: body, Query: r.URL.Query()})
		c.Unlock()
		switch {
		case err != nil:
			errs.Write(w, err)
		case out == nil:
			w.WriteHeader(status)
		default:
			WriteJSON(w, status, out)
		}
	}
}

// Locked is the lock-find-answer shape of handlers that write their own
// answers: under the cloud lock it finds what the call works on and
// runs fn with it, or answers find's refusal.
func Locked[T any](c *Cloud, w http.ResponseWriter, find func() (T, *APIError), fn func(T)) {
	c.Lock()
	defer c.Unlock()
	v, err := find()
	if err != nil {
		err.Write(w)
		return
	}
	fn(v)
}
