package cloud

import (
	"net/url"
	"strings"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	in := `{"auth":{"identity":{"methods":["password","application_credential"],"password":{"user":{"name":"u","password":"pw-1"}},
		"application_credential":{"id":"ac","secret":"sec-2"}}},"credential":{"access":"AK","secret":"sec-3"},
		"secret":{"payload":"p-4","name":"tls"},"server":{"adminPass":"ap-5","user_data":"ud-6","name":"web"},
		"keypair":{"private_key":"pk-7","public_key":"ssh-ed25519 AAAA"}}`
	out := RedactJSON([]byte(in))
	for _, secret := range []string{"pw-1", "sec-2", "sec-3", "p-4", "ap-5", "ud-6", "pk-7"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s shows in %s", secret, out)
		}
	}
	for _, kept := range []string{`"name":"u"`, `"access":"AK"`, `"name":"tls"`, `"public_key":"ssh-ed25519 AAAA"`, `"methods":["password","application_credential"]`} {
		if !strings.Contains(out, kept) {
			t.Errorf("%s was lost: %s", kept, out)
		}
	}
	if got := RedactJSON([]byte("password=hunter2")); strings.Contains(got, "hunter2") {
		t.Errorf("a body that is not JSON shows: %s", got)
	}
}

func TestRedactURL(t *testing.T) {
	u, _ := url.Parse("https://s3.example.com/b/k?X-Amz-Signature=abc&X-Amz-Credential=AK%2F2026&partNumber=2&temp_url_sig=def")
	got := redactURL(u)
	for _, s := range []string{"abc", "AK%2F2026", "def"} {
		if strings.Contains(got, s) {
			t.Errorf("%s shows in %s", s, got)
		}
	}
	if !strings.Contains(got, "partNumber=2") {
		t.Errorf("an ordinary parameter was lost: %s", got)
	}
}

func TestServiceOf(t *testing.T) {
	s := &Session{AuthURL: "https://keystone.example.com:5000/v3"}
	s.endpoints.Store(&[]catalogEndpoint{
		{"compute", "https://nova.example.com/v2.1"}, {"volumev3", "https://cinder.example.com/v3/p1"},
		{"object-store", "https://swift.example.com/v1/AUTH_p1"}, {"object-store-s3", "https://swift.example.com"},
	})
	for raw, want := range map[string]string{
		"https://keystone.example.com:5000/v3/auth/tokens":      "identity",
		"https://nova.example.com/v2.1/servers/detail":          "compute",
		"https://nova.example.com/":                             "compute", // version discovery
		"https://cinder.example.com/v3/p1/volumes":              "volumev3",
		"https://swift.example.com/v1/AUTH_p1/photos?format=js": "object-store",
		"https://swift.example.com/photos/cat.jpg":              "s3",
		"https://elsewhere.example.com/x":                       "",
	} {
		u, _ := url.Parse(raw)
		if got := s.serviceOf(u); got != want {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}
