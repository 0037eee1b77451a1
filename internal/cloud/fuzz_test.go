package cloud

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
)

// FuzzCloudsYAML feeds arbitrary clouds.yaml files to the clouds.yaml
// handling (gophercloud's parser and ours around it, no network): it
// never panics; an error names the file or the cloud; a success has an
// auth URL; and a password, application credential secret or token
// written in the file never appears in an error.
//
//	go test -run '^$' -fuzz FuzzCloudsYAML ./internal/cloud/
func FuzzCloudsYAML(f *testing.F) {
	for _, v := range osVars {
		f.Setenv(v, "")
	}
	home := f.TempDir()
	f.Setenv("HOME", home)
	f.Setenv("XDG_CONFIG_HOME", home)
	ca := filepath.Join(home, "ca.pem")
	if err := os.WriteFile(ca, []byte("not a certificate"), 0o600); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"clouds:\n  x:\n    region_name: RegionOne\n    auth:\n      auth_url: https://k.example/v3\n      username: u\n      password: fz-canary-secret-8a1d\n      project_name: p\n      user_domain_name: Default\n      project_domain_name: Default\n    auth_type: password\n",
		"clouds:\n  x:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: https://k.example/v3\n      application_credential_id: abc\n      application_credential_secret: fz-canary-secret-8a1d\n",
		"clouds:\n  x:\n    cacert: " + ca + "\n    verify: false\n    auth:\n      auth_url: https://k.example/v3\n      token: fz-canary-secret-8a1d\n",
		"clouds:\n  x:\n    auth: fz-canary-secret-8a1d\n",
		"clouds:\n  x:\n    verify: fz-canary-secret-8a1d\n",
		"clouds:\n  - x\n",
		"clouds:\n\tx: {}\n",
		"clouds:\n  x:\n    profile: vendor\n    auth:\n      auth_url: https://k/v3\n",
		"clouds:\n  x:\n    auth:\n      auth_url: https://k/v3\n      system_scope: all\n",
		"clouds:\n x:", // found by this target: gophercloud's parser panics on an entry without auth
		"clouds:\n  x:\n    region_name: R\n  auth:\n    auth_url: https://k/v3\n",
		"",
		"\x00",
		"clouds: {x: {auth: {auth_url: 'https://k/v3', password: [fz-canary-secret-8a1d]}}}",
	} {
		f.Add([]byte(seed))
	}
	file := filepath.Join(home, "clouds.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		ao, err := resolveOrFail(t, "x", file)
		if err == nil {
			if ao.IdentityEndpoint == "" {
				t.Fatal("resolved without an auth URL")
			}
			return
		}
		msg := err.Error()
		if !strings.Contains(msg, file) && !strings.Contains(msg, `cloud "x"`) {
			t.Errorf("the error names neither the file nor the cloud: %v", err)
		}
		for _, s := range secretsIn(string(data)) {
			if strings.Contains(msg, s) {
				t.Errorf("the error shows the secret %q: %v", s, err)
			}
		}
	})
}

var secretLine = regexp.MustCompile(`(?m)^\s*(password|application_credential_secret|token)\s*:\s*['"]?([^\s'"\[\]{},#]+)`)

// secretsIn returns the values of secret fields in a clouds.yaml that
// are long enough to mean something and appear in the file only there.
func secretsIn(doc string) []string {
	var out []string
	for _, m := range secretLine.FindAllStringSubmatch(doc, -1) {
		if v := m[2]; len(v) >= 8 && strings.Count(doc, v) == 1 {
			out = append(out, v)
		}
	}
	return out
}

// resolveOrFail resolves a cloud, failing the test (not the whole test
// binary) when the parser panics.
func resolveOrFail(t *testing.T, name, file string) (ao gophercloud.AuthOptions, err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("resolve %q from %s panicked: %v", name, file, p)
		}
	}()
	ao, _, _, err = resolve(name, Options{CloudsFile: file})
	return ao, err
}
