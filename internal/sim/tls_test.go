package sim

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
)

// TestTLSCloud serves a cloud over HTTPS: a client trusting its CA
// gets answers, one without it is refused; the tap records the token it
// issues and the requests it answers.
func TestTLSCloud(t *testing.T) {
	c, err := New(Options{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !strings.HasPrefix(c.AuthURL(), "https://127.0.0.1:") {
		t.Fatalf("auth URL %s", c.AuthURL())
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(c.CACertPEM()) {
		t.Fatalf("CACertPEM is no PEM certificate: %q", c.CACertPEM())
	}
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	c.RecordRequests("X-Test")
	req, _ := http.NewRequest(http.MethodPost, c.AuthURL()+"/auth/tokens", strings.NewReader(
		`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "tenant-user", "password": "tenant-password", "domain": {"name": "Default"}}}}}}`))
	req.Header.Set("X-Test", "call-1")
	resp, err := trusting.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("issue a token: %s", resp.Status)
	}
	if tokens := c.IssuedTokens(); len(tokens) != 1 || tokens[0] != resp.Header.Get("X-Subject-Token") {
		t.Errorf("issued tokens %v, want the one answered", tokens)
	}
	if log := c.Requests(); len(log) != 1 || log[0].Header != "call-1" || log[0].Status != http.StatusCreated ||
		log[0].Path != "/identity/v3/auth/tokens" || log[0].End.Before(log[0].Start) {
		t.Errorf("request log %+v", log)
	}
	if _, err := http.Get(c.AuthURL()); err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Errorf("a client without the CA: %v, want the certificate refused", err)
	}
	plain, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if plain.CACertPEM() != nil || !strings.HasPrefix(plain.AuthURL(), "http://") {
		t.Errorf("a cloud without TLS: %s, CA %q", plain.AuthURL(), plain.CACertPEM())
	}
}
