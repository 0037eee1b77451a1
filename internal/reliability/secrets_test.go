package reliability

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// TestNoSecretsWritten runs the whole job through the real binary with
// distinctive credentials (password auth to the source, application
// credential to the target) and --events on: inventory, audit reports,
// plan, migrate, verify, status and rollback, plus a run with a wrong
// password. Then no password, application credential secret or token
// any cloud issued may appear, raw or base64 or hex encoded, in any file
// of the work directory (the journal is searched as bytes), in anything
// printed, or in a URL the tool requested; and every file it wrote is
// mode 0600.
func TestNoSecretsWritten(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{appCredTarget: true})
	for _, c := range []*sim.Cloud{w.pair.Source, w.pair.Target} {
		c.RecordRequests("")
	}
	inv, plan := w.file("inventory.json"), w.file("plan.json")
	var runs []cliResult
	run := func(okCodes []int, args ...string) {
		t.Helper()
		r := w.cli(args...)
		if !slices.Contains(okCodes, r.code) || r.panicked() {
			t.Fatalf("%s", r)
		}
		runs = append(runs, r)
	}
	ok, verdicts := []int{0}, []int{0, 3, 4} // audit and plan exit 3 or 4 on findings
	run(ok, "inventory", "--source", "sim-source", "--output", inv)
	run(ok, "inventory", "--source", "sim-source", "-o", "yaml")
	run(ok, "--debug=2", "inventory", "--source", "sim-source", "-o", "json") // every call and body, passwords redacted
	for _, f := range []string{"html", "markdown", "json"} {
		run(verdicts, "audit", "--inventory", inv, "--target", "sim-target", "-o", f, "--output", w.file("audit."+f))
	}
	run(verdicts, "plan", "--inventory", inv, "--target", "sim-target", "--output", plan)
	run(ok, "migrate", "--plan", plan, "--events", w.file("events.jsonl"), "-o", "json")
	run(ok, "verify", "--plan", plan, "-o", "json", "--debug=2", "--timings") // bodies of EC2 credentials and tokens, redacted
	run(ok, "status", "--plan", plan)
	run(ok, "status", "--plan", plan, "-o", "yaml")
	run(ok, "rollback", "--plan", plan)

	wrong := w.entries[0]
	wrong.Project.Password = "wrong-Pw-5b0c2e71-granite-otter"
	wrongClouds := w.writeClouds("wrong.yaml", wrong)
	r := runCLI(w.ctx, t, append(cliEnv(w.home, wrongClouds), "SCS_MIGRATE_DEBUG=2"), nil, "inventory", "--source", "sim-source")
	if r.code != 1 || r.panicked() {
		t.Fatalf("inventory with a wrong password: %s", r)
	}
	runs = append(runs, r)
	// The debug runs did print the bodies the secrets travel in.
	debugged := 0
	for _, r := range runs {
		out := r.output()
		if strings.Contains(out, "debug: identity POST") && strings.Contains(out, `"password":"REDACTED"`) {
			debugged++
		}
	}
	if debugged < 3 {
		t.Errorf("only %d runs printed the redacted authentication body with --debug=2, want 3", debugged)
	}

	secrets := []string{sourceProject.Password, sourceProject.AppCredSecret, targetProject.Password,
		targetProject.AppCredSecret, wrong.Project.Password}
	tokens := append(w.pair.Source.IssuedTokens(), w.pair.Target.IssuedTokens()...)
	if len(tokens) < len(runs) {
		t.Fatalf("only %d tokens recorded for %d runs", len(tokens), len(runs))
	}
	secrets = append(secrets, tokens...)
	// The EC2 credentials every run made for S3 (and must have deleted:
	// only the test's own remain).
	for _, c := range []*sim.Cloud{w.pair.Source, w.pair.Target} {
		if n := c.EC2Credentials(); n != 1 {
			t.Errorf("%d EC2 credentials exist after the runs, want only the test's own: the CLI left some behind", n)
		}
		ec2 := c.IssuedEC2Secrets()
		if len(ec2) == 0 {
			t.Fatal("no EC2 credentials were made: the buckets were not copied through S3")
		}
		secrets = append(secrets, ec2...)
	}
	needles := encodings(secrets)

	files := 0
	err := filepath.WalkDir(w.work, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		findSecrets(t, path, b, needles)
		if fi, err := d.Info(); err == nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		findSecrets(t, "the output of "+r.args[0], []byte(r.output()), needles)
	}
	for _, c := range []*sim.Cloud{w.pair.Source, w.pair.Target} {
		for _, req := range c.Requests() {
			findSecrets(t, "the URL "+req.Method+" "+req.Path, []byte(req.Path+"?"+req.Query), needles)
		}
	}
	t.Logf("searched %d files, %d outputs and the URLs of %d+%d requests for %d secrets (%d tokens) in %d encodings",
		files, len(runs), len(w.pair.Source.Requests()), len(w.pair.Target.Requests()), len(secrets), len(tokens), len(needles)/len(secrets))
	if files < 7 { // inventory, three audit reports, plan, journal, events
		t.Errorf("only %d files in the work directory: the run did not write what it should", files)
	}
}

// encodings are the secrets as they might appear: as they are, base64
// (standard and URL alphabets, without padding) and hex.
func encodings(secrets []string) [][]byte {
	var out [][]byte
	for _, s := range secrets {
		out = append(out, []byte(s),
			[]byte(base64.RawStdEncoding.EncodeToString([]byte(s))),
			[]byte(base64.RawURLEncoding.EncodeToString([]byte(s))),
			[]byte(hex.EncodeToString([]byte(s))))
	}
	return out
}

// findSecrets fails for every secret found in b.
func findSecrets(t *testing.T, where string, b []byte, needles [][]byte) {
	t.Helper()
	for i, n := range needles {
		if bytes.Contains(b, n) {
			t.Errorf("%s holds secret #%d (encoding %d of 4, %d bytes)", where, i/4, i%4+1, len(n))
		}
	}
}
