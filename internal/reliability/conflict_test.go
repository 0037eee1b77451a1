package reliability

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// TestQuotaExhaustedMidPlan plans on a target with room, then lowers its
// instances quota to 2 before `scs-migrate migrate`: two servers are
// made, the others fail with Nova's quota message naming the server; the
// steps that depend on them are skipped and every other step succeeds.
// After the quota is raised, a second run completes and verifies, with
// nothing made twice.
func TestQuotaExhaustedMidPlan(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	p, planFile := w.buildPlan("plan.json")
	w.setTargetQuota("instances", 2)
	r := w.cli("migrate", "--plan", planFile, "-o", "json")
	rep := w.expectIncomplete(r, p)
	var made []string
	for _, s := range rep.Steps {
		if s.Kind == plans.StepServer && s.State == migrate.StateSucceeded {
			made = append(made, s.Name)
		}
	}
	if len(made) != 2 {
		t.Errorf("servers made under a quota of 2: %v", made)
	}
	quota := regexp.MustCompile(`^create server "([^"]+)": Quota exceeded for instances: Requested 1, but already used 2 of 2 instances \(HTTP 403 from POST /compute/v2\.1/servers\)$`)
	failed := w.assertFailedOnly(p, rep, func(s migrate.StepReport) bool {
		m := quota.FindStringSubmatch(s.Error)
		return s.Kind == plans.StepServer && m != nil && m[1] == s.Name
	})
	if len(failed) != countKind(p, plans.StepServer)-2 {
		t.Errorf("failed steps %v, want the servers beyond the quota", failed)
	}
	// status, which needs no cloud, shows the same in its table.
	st := w.mustCLI("status", "--plan", planFile)
	for _, s := range rep.Steps {
		if s.State == migrate.StateFailed && !strings.Contains(st.stdout, "✗ "+s.ID+": "+s.Error+"\n") {
			t.Errorf("status does not show why %s failed:\n%s", s.ID, st.stdout)
		}
	}
	w.setTargetQuota("instances", 20)
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	w.assertMigrated(p, planFile)
}

// TestKeypairNameClash puts a keypair named like the tenant's, with
// another key, on the target after planning: the keypair step fails and
// says so with both fingerprints, the servers that use the keypair (and
// what depends on them) are skipped, everything else, the server without
// a keypair included, is made. Once the user removes the clashing
// keypair, a second run completes and verifies.
func TestKeypairNameClash(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	p, planFile := w.buildPlan("plan.json")
	kp := w.sourceBefore.Keypairs[0]
	other, err := keypairs.Create(w.ctx, w.dst.Compute, keypairs.CreateOpts{Name: kp.Name, PublicKey: otherPublicKey()}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	r := w.cli("migrate", "--plan", planFile, "-o", "json")
	rep := w.expectIncomplete(r, p)
	want := fmt.Sprintf("the target already has a keypair %q with another public key (fingerprint %s, the source's is %s): rename or remove it",
		kp.Name, other.Fingerprint, kp.Fingerprint)
	failed := w.assertFailedOnly(p, rep, func(s migrate.StepReport) bool {
		return s.Kind == plans.StepKeypair && s.Error == want
	})
	if len(failed) != 1 {
		t.Errorf("failed steps %v, want the keypair step alone", failed)
	}
	if !slices.ContainsFunc(rep.Steps, func(s migrate.StepReport) bool {
		return s.Kind == plans.StepServer && s.Name == "reporting" && s.State == migrate.StateSucceeded
	}) {
		t.Error("the server without a keypair was not made")
	}
	if err := keypairs.Delete(w.ctx, w.dst.Compute, kp.Name, nil).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	w.assertMigrated(p, planFile)
}

// TestSubnetCIDRClash gives the target project a network whose subnet
// has the CIDR of one of the tenant's. Where the clash matters is the
// plan: `scs-migrate plan` names both subnets in a failed pre-flight
// check and exits 4 (the plan is still written). Neutron scopes
// overlapping CIDRs by network and router, and the plan makes its own of
// both, so migrate then completes and verifies, and the target's own
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
	p, err := plans.Load(planFile)
	if err != nil {
		t.Fatal(err)
	}
	w.mustCLI("migrate", "--plan", planFile)
	w.assertVerifiedCLI(planFile)
	w.assertMigrated(p, planFile)
	if got, err := subnets.Get(w.ctx, w.dst.Network, sub.ID).Extract(); err != nil || got.CIDR != "10.10.1.0/24" || got.NetworkID != legacy.ID {
		t.Errorf("the target's own subnet: %+v, %v", got, err)
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

// expectIncomplete checks a migrate run that stopped at failed steps:
// exit 1 with the summary on stderr, no crash, and a JSON report.
func (w *world) expectIncomplete(r cliResult, p *plans.Plan) *migrate.Report {
	w.t.Helper()
	if r.code != 1 || r.panicked() {
		w.t.Fatalf("want exit 1: %s", r)
	}
	var rep migrate.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		w.t.Fatalf("the report on stdout: %v\n%s", err, r)
	}
	want := fmt.Sprintf("scs-migrate: migration incomplete: %d steps failed, %d skipped, 0 not started (re-run migrate to resume)\n",
		rep.Counts[migrate.StateFailed], rep.Counts[migrate.StateSkipped])
	if !strings.HasSuffix(r.stderr, want) {
		w.t.Errorf("stderr does not end with %q:\n%s", want, r.stderr)
	}
	if len(rep.Steps) != len(p.Steps) {
		w.t.Fatalf("the report has %d steps, the plan %d", len(rep.Steps), len(p.Steps))
	}
	return &rep
}

// assertFailedOnly checks that the failed steps are exactly those
// expected (each with its message), that the skipped ones are exactly
// the steps depending on them, directly or not, each naming its cause,
// and that every other step succeeded. It returns the failed step IDs.
func (w *world) assertFailedOnly(p *plans.Plan, rep *migrate.Report, expected func(migrate.StepReport) bool) []string {
	w.t.Helper()
	var failed []string
	for _, s := range rep.Steps {
		if s.State == migrate.StateFailed {
			failed = append(failed, s.ID)
			if !expected(s) {
				w.t.Errorf("step %s failed unexpectedly: %s", s.ID, s.Error)
			}
		}
	}
	downstream := dependents(p, failed)
	skippedMsg := regexp.MustCompile(`^skipped: it depends on step (\S+), which did not succeed$`)
	for _, s := range rep.Steps {
		switch {
		case s.State == migrate.StateFailed:
		case downstream[s.ID]:
			m := skippedMsg.FindStringSubmatch(s.Error)
			if s.State != migrate.StateSkipped || m == nil || !downstream[m[1]] && !slices.Contains(failed, m[1]) {
				w.t.Errorf("step %s depends on a failed step: %s %q, want skipped naming its cause", s.ID, s.State, s.Error)
			}
		case s.State != migrate.StateSucceeded:
			w.t.Errorf("step %s is independent of the failures but %s: %s", s.ID, s.State, s.Error)
		}
	}
	w.t.Logf("%d steps failed, %d skipped downstream of them, %d succeeded", len(failed), len(downstream), rep.Counts[migrate.StateSucceeded])
	return failed
}

// dependents is the set of steps that depend on any of ids, directly or
// through other steps.
func dependents(p *plans.Plan, ids []string) map[string]bool {
	out := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, s := range p.Steps {
			if out[s.ID] {
				continue
			}
			for _, d := range s.DependsOn {
				if out[d] || slices.Contains(ids, d) {
					out[s.ID], changed = true, true
					break
				}
			}
		}
	}
	return out
}

func countKind(p *plans.Plan, k plans.StepKind) int {
	n := 0
	for _, s := range p.Steps {
		if s.Kind == k {
			n++
		}
	}
	return n
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
