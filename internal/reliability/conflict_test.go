package reliability

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// TestQuotaExhaustedMidPlan plans on a target with room, then lowers its
// instances quota to 2 before `scs-migrate migrate`: migrate reads the
// target again before it changes anything and refuses with exit 4,
// naming the quota, without a write call on either cloud and without
// stopping a server. After the quota is raised, it completes and
// verifies.
func TestQuotaExhaustedMidPlan(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	p, planFile := w.buildPlan("plan.json")
	w.setTargetQuota("instances", 2)
	r := w.expectRefused("migrate", "--plan", planFile, "-o", "json")
	if !strings.Contains(r.stderr, "the target no longer fits plan "+p.ID+"; nothing was changed:\n  - quota compute.instances: needs ") ||
		!strings.Contains(r.stderr, "of 2: short by ") {
		t.Errorf("the refusal does not name the quota:\n%s", r)
	}
	w.setTargetQuota("instances", 20)
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	w.assertMigrated(p, planFile)
}

// TestKeypairNameClash puts a keypair named like the tenant's, with
// another key, on the target after planning: migrate refuses with exit
// 4 and names the clash before it changes anything. Once the user
// removes the clashing keypair, it completes and verifies.
func TestKeypairNameClash(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	p, planFile := w.buildPlan("plan.json")
	kp := w.sourceBefore.Keypairs[0]
	if _, err := keypairs.Create(w.ctx, w.dst.Compute, keypairs.CreateOpts{Name: kp.Name, PublicKey: otherPublicKey()}).Extract(); err != nil {
		t.Fatal(err)
	}
	r := w.expectRefused("migrate", "--plan", planFile)
	if !strings.Contains(r.stderr, "  - clash keypair names: already in the target project: "+kp.Name+"\n") {
		t.Errorf("the refusal does not name the keypair:\n%s", r)
	}
	if err := keypairs.Delete(w.ctx, w.dst.Compute, kp.Name, nil).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	w.assertMigrated(p, planFile)
}

// expectRefused runs the CLI and checks a refusal: exit 4, no crash, no
// report on stdout, and not one call that changes either cloud.
func (w *world) expectRefused(args ...string) cliResult {
	w.t.Helper()
	w.pair.Source.RecordRequests("")
	w.pair.Target.RecordRequests("")
	r := w.cli(args...)
	if r.code != 4 || r.panicked() || r.stdout != "" {
		w.t.Fatalf("want a refusal, exit 4: %s", r)
	}
	for _, c := range []*sim.Cloud{w.pair.Source, w.pair.Target} {
		for _, req := range c.Requests() {
			if req.Method != "GET" && req.Method != "HEAD" && !strings.HasPrefix(req.Path, "/identity/") {
				w.t.Errorf("refused, yet %s %s on %s", req.Method, req.Path, c.Profile().Name)
			}
		}
	}
	return r
}

// TestSubnetCIDRClash gives the target project a network whose subnet
// has the CIDR of one of the tenant's. `scs-migrate plan` names both
// subnets in a failed pre-flight check and exits 4 (the plan is still
// written, for review), and migrate refuses that plan with exit 4 before
// it changes anything. Neutron scopes overlapping CIDRs by network and
// router, so a user who has read the clash may move the subnet aside:
// planned again, the plan migrates and verifies, and the target's own
// network is left alone.
func TestSubnetCIDRClash(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	legacy, err := networks.Create(w.ctx, w.dst.Network, networks.CreateOpts{Name: "legacy"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	sub, err := subnets.Create(w.ctx, w.dst.Network, subnets.CreateOpts{NetworkID: legacy.ID, Name: "legacy-v4",
		CIDR: "10.10.1.0/24", IPVersion: 4}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	w.mustCLI("inventory", "--source", "sim-source", "--output", w.file("inventory.json"))
	planFile := w.file("plan.json")
	r := w.cli("plan", "--inventory", w.file("inventory.json"), "--target", "sim-target", "--output", planFile)
	if r.code != 4 || r.panicked() {
		t.Fatalf("plan with a CIDR clash: %s", r)
	}
	for _, want := range []string{"10.10.1.0/24 (frontend-v4) overlaps 10.10.1.0/24 (legacy-v4)",
		"scs-migrate: plan " + planFile + ": something is blocked or a pre-flight check failed\n"} {
		if !strings.Contains(r.output(), want) {
			t.Errorf("plan output lacks %q:\n%s", want, r)
		}
	}
	r = w.expectRefused("migrate", "--plan", planFile)
	if !strings.Contains(r.stderr, "  - pre-flight clash subnet CIDRs: 10.10.1.0/24 (frontend-v4) overlaps 10.10.1.0/24 (legacy-v4)\n") {
		t.Errorf("the refusal does not name the clash:\n%s", r)
	}
	if err := subnets.Delete(w.ctx, w.dst.Network, sub.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	p, planFile := w.buildPlan("plan-again.json")
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	w.assertMigrated(p, planFile)
	if got, err := networks.Get(w.ctx, w.dst.Network, legacy.ID).Extract(); err != nil || got.Name != "legacy" {
		t.Errorf("the target's own network: %+v, %v", got, err)
	}
}

// setTargetQuota sets one quota of the target project.
func (w *world) setTargetQuota(name string, n int) {
	w.t.Helper()
	q, err := sim.ParseQuotas(fmt.Sprintf("%s=%d", name, n))
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.pair.Target.UpdateQuotas(targetProject.Name, q); err != nil {
		w.t.Fatal(err)
	}
}

// assertVerifiedCLI runs `scs-migrate verify`, which must pass.
func (w *world) assertVerifiedCLI(planFile string) {
	w.t.Helper()
	r := w.mustCLI("verify", "--plan", planFile)
	if !strings.Contains(r.stdout, "verify: OK, ") {
		w.t.Errorf("verify: %s", r)
	}
}

// otherPublicKey is an ed25519 OpenSSH public key that no tenant uses.
func otherPublicKey() string {
	var blob []byte
	for _, part := range [][]byte{[]byte("ssh-ed25519"), []byte("reliability-test-other-key-32byt")} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(part)))
		blob = append(blob, part...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " someone-else@target"
}
