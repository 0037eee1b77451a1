package sim

import (
	"net/http"
	"slices"
)

// IssuedTokens returns every token ID Keystone has issued since the
// cloud started, expired and revoked ones included: the secrets a test
// looks for in what a client wrote.
func (c *Cloud) IssuedTokens() []string {
	c.tap.mu.Lock()
	defer c.tap.mu.Unlock()
	return slices.Clone(c.tap.tokens)
}

func isTokenRequest(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/identity/v3/auth/tokens"
}

// tokenWriter keeps the token an authentication request is answered
// with, as the answer's headers go out (before the client can see it).
type tokenWriter struct {
	http.ResponseWriter
	tap   *tap
	wrote bool
}

func (w *tokenWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if tok := w.Header().Get("X-Subject-Token"); tok != "" {
			w.tap.mu.Lock()
			w.tap.tokens = append(w.tap.tokens, tok)
			w.tap.mu.Unlock()
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *tokenWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *tokenWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// IssuedEC2Secrets returns the secrets of every EC2 credential Keystone
// has made since the cloud started, deleted ones included.
func (c *Cloud) IssuedEC2Secrets() []string {
	c.Lock()
	defer c.Unlock()
	return c.identity.IssuedEC2SecretsLocked()
}

// EC2Credentials counts the EC2 credentials that exist now: a client
// that makes them for a run must delete them again.
func (c *Cloud) EC2Credentials() int {
	c.Lock()
	defer c.Unlock()
	return c.identity.EC2CredentialsLocked()
}
