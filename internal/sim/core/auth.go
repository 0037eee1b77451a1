package core

import (
	"net/http"
	"time"
)

// Token is an issued Keystone token; handlers receive it to know the
// caller's project.
type Token struct {
	ID          string
	UserID      string
	UserName    string
	ProjectID   string
	ProjectName string
	Methods     []string
	IssuedAt    time.Time
	ExpiresAt   time.Time
	AppCredID   string
}

// Authenticator validates tokens; the identity room is one.
type Authenticator interface {
	// Validate returns the valid, unexpired token with the given ID, or nil.
	Validate(id string) *Token
}

// SetAuthenticator names the room that validates tokens.
func (c *Cloud) SetAuthenticator(a Authenticator) { c.auth = a }

// AuthedHandler is a service handler that runs with a valid token.
type AuthedHandler func(w http.ResponseWriter, r *http.Request, tok *Token)

// Authed wraps h so that it runs only with a valid, unexpired
// X-Auth-Token; otherwise the client gets the service's 401.
func (c *Cloud) Authed(style ErrorStyle, h AuthedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := c.auth.Validate(r.Header.Get("X-Auth-Token"))
		if tok == nil {
			w.Header().Set("WWW-Authenticate", "Keystone uri='"+c.AuthURL()+"'")
			style.Write(w, http.StatusUnauthorized, "The request you have made requires authentication.")
			return
		}
		h(w, r, tok)
	}
}
