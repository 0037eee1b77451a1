package reliability

import (
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/plans"
)

// TestTLS runs the binary against two clouds that serve HTTPS with
// certificates of their own CAs. Without cacert the binary refuses the
// cloud, naming it and the certificate problem; verify: false turns the
// check off for that cloud and no other; with cacert in clouds.yaml the
// whole job (inventory, plan, migrate with its data streams, verify)
// runs over TLS and leaves the right state on both clouds. (The tenant
// is generated: the fixture seeder speaks plain HTTP only.)
func TestTLS(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{tls: true, bulk: &sim.BulkSpec{Networks: 2, Routers: 1, SecurityGroups: 2,
		RulesPerGroup: 2, Keypairs: 1, Servers: 2, Ports: 3, Volumes: 3, FloatingIPs: 1}})
	plain := append([]sim.CloudEntry(nil), w.entries...)
	plain[0].CACert, plain[1].CACert = "", ""
	noCA := w.writeClouds("no-ca.yaml", plain...)
	mixed := append([]sim.CloudEntry(nil), plain...)
	mixed[0].NoVerify = true
	mixedClouds := w.writeClouds("mixed.yaml", mixed...)
	rejected := func(clouds, name string, c *sim.Cloud) {
		t.Helper()
		r := runCLI(w.ctx, t, cliEnv(w.home, clouds), nil, "inventory", "--source", name)
		want := `authenticate to cloud "` + name + `" (` + c.AuthURL() + `): Post "` + c.AuthURL() +
			`/auth/tokens": tls: failed to verify certificate: x509: certificate signed by unknown authority`
		if r.code != 1 || r.panicked() || errorText(r.stderr) != want {
			t.Errorf("got %s\nwant exit 1 and the error\n%s", r, want)
		}
	}
	rejected(noCA, "sim-source", w.pair.Source)
	rejected(noCA, "sim-target", w.pair.Target)
	rejected(mixedClouds, "sim-target", w.pair.Target)
	if r := runCLI(w.ctx, t, cliEnv(w.home, mixedClouds), nil, "inventory", "--source", "sim-source"); r.code != 0 {
		t.Errorf("verify: false: %s", r)
	}

	inv, planFile := w.file("inventory.json"), w.file("plan.json")
	w.mustCLI("inventory", "--source", "sim-source", "--output", inv)
	if r := w.cli("plan", "--inventory", inv, "--target", "sim-target", "--output", planFile); r.code != 0 && r.code != 3 {
		t.Fatalf("plan: %s", r)
	}
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	p, err := plans.Load(planFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Source.AuthURL, "https://") || !strings.HasPrefix(p.Target.AuthURL, "https://") {
		t.Errorf("the plan's clouds are %s and %s, want both on https", p.Source.AuthURL, p.Target.AuthURL)
	}
	w.assertMigrated(p, planFile)
}
