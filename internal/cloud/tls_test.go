package cloud

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// TestTLSVerification opens a simulated cloud that serves HTTPS with a
// certificate of its own CA: verification is on by default, so it is
// rejected without that CA and with another cloud's CA; it is accepted
// with `cacert: <file>`, and with `verify: false` for that cloud alone.
func TestTLSVerification(t *testing.T) {
	dir := cleanEnv(t)
	c := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}, TLS: true})
	other := newSim(t, sim.Options{Projects: []sim.ProjectSpec{testProject}, TLS: true})
	if !strings.HasPrefix(c.AuthURL(), "https://") || len(c.CACertPEM()) == 0 {
		t.Fatalf("the TLS cloud serves %s with CA %q", c.AuthURL(), c.CACertPEM())
	}
	ca := filepath.Join(dir, "ca.pem")
	otherCA := filepath.Join(dir, "other-ca.pem")
	if err := os.WriteFile(ca, c.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(otherCA, other.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	file := writeClouds(t, dir,
		sim.CloudEntry{Name: "no-ca", Cloud: c, Project: testProject},
		sim.CloudEntry{Name: "wrong-ca", Cloud: c, Project: testProject, CACert: otherCA},
		sim.CloudEntry{Name: "with-ca", Cloud: c, Project: testProject, CACert: ca},
		sim.CloudEntry{Name: "no-verify", Cloud: c, Project: testProject, NoVerify: true, AppCred: true})
	for _, name := range []string{"no-ca", "wrong-ca"} {
		_, err := Open(testContext(t), name, Options{CloudsFile: file, Retries: 1})
		want := `authenticate to cloud "` + name + `" (` + c.AuthURL() + `): Post "` + c.AuthURL() +
			`/auth/tokens": tls: failed to verify certificate: x509: certificate signed by unknown authority`
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got\n  %v\nwant\n  %s…", name, err, want)
		}
	}
	for _, name := range []string{"with-ca", "no-verify"} {
		s, err := Open(testContext(t), name, Options{CloudsFile: file})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// A call to a service behind the catalog goes over TLS too.
		all, err := flavors.ListDetail(s.Compute, nil).AllPages(testContext(t))
		if err != nil {
			t.Fatalf("%s: list flavors: %v", name, err)
		}
		if fl, _ := flavors.ExtractFlavors(all); len(fl) == 0 {
			t.Errorf("%s: no flavors", name)
		}
	}
}
