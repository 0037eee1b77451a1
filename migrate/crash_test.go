package migrate_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// binEnv names a prebuilt scs-migrate binary (built with -tags
// scsmigrate_crashtest) for the crash tests; by default they build one.
const binEnv = "SCS_MIGRATE_TEST_BIN"

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// crashBinary builds cmd/scs-migrate with the crash hook compiled in.
func crashBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(binEnv); p != "" {
		return p
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "scs-migrate-crashtest-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "scs-migrate")
		cmd := exec.Command("go", "build", "-tags", "scsmigrate_crashtest", "-o", binPath, "../cmd/scs-migrate")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	if out, err := exec.Command(binPath, "migrate", "--help").CombinedOutput(); err != nil {
		t.Fatalf("the scs-migrate binary has no migrate command (cmd/scs-migrate/main.go must register migrateCommand(), statusCommand(), verifyCommand() and rollbackCommand()): %v\n%s", err, out)
	}
	return binPath
}

// runResult is one run of the binary.
type runResult struct {
	killed         bool
	code           int
	stdout, stderr string
}

func (e *env) runBinary(t *testing.T, bin, crashAt string, args ...string) runResult {
	t.Helper()
	cmd := exec.CommandContext(e.ctx, bin, args...)
	cmd.Env = append(os.Environ(), "OS_CLIENT_CONFIG_FILE="+e.clouds, "SCS_MIGRATE_CRASH_AT="+crashAt, "TERM=dumb")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := runResult{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			r.killed = true
		}
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run %s: %v", bin, err)
	}
	return r
}

// crashPoints are the places the crash test kills migrate at least once:
// just before the journal records a resource that was made (the window
// between a create call and its journal write) for every kind, just
// before steps of the kinds that make nothing are recorded done, and in
// the middle of data streams.
var crashPoints = []string{
	"at:created:target/network", "at:created:target/subnet", "at:created:target/security-group",
	"at:step:security-group-rules:succeeded", "at:created:target/keypair", "at:created:target/server-group",
	"at:created:target/router", "at:created:target/router-interface", "at:step:router-routes:succeeded",
	"at:stopped", "at:step:stop-server:succeeded", "at:created:source/image", "at:created:target/image",
	"at:id:server-image", "at:created:target/volume", "at:created:target/port", "at:created:target/server",
	"at:step:server:succeeded", "at:step:attach-volume:succeeded", "at:created:target/floating-ip",
	"at:created:target/load-balancer", "at:step:load-balancer:succeeded",
	"at:created:target/bucket", "at:step:copy-bucket:succeeded",
	"bytes:1500000", "bytes:6000000",
}

// TestCrashAnywhereResumes kills `scs-migrate migrate` with SIGKILL at
// every crash point and then at random journal commits, running it
// again each time until it completes. Then nothing may exist twice,
// nothing may be missing, every checksum must match, no temporary copy
// may be left on either cloud, and no secret may appear in anything the
// tool wrote.
func TestCrashAnywhereResumes(t *testing.T) {
	bin := crashBinary(t)
	e := newEnv(t)
	events := filepath.Join(e.dir, "events.jsonl")
	rng := rand.New(rand.NewPCG(9, 13))
	remaining := slices.Clone(crashPoints)
	var fired []string
	var crashes, orphanCrashes int
	var outputs []string
	for run := 0; ; run++ {
		if run > 200 {
			t.Fatal("no completion after 200 runs")
		}
		// Every remaining point at once: the first one reached fires.
		spec := strings.Join(remaining, ",")
		if len(remaining) == 0 {
			spec = fmt.Sprintf("journal:%d", 2+rng.IntN(19)) // each run first re-syncs buckets and journals its credentials: a few commits
		}
		args := []string{"migrate", "--plan", e.planFile, "--events", events, "-o", "json", "--parallel", fmt.Sprint(1 + rng.IntN(4))}
		r := e.runBinary(t, bin, spec, args...)
		outputs = append(outputs, r.stdout, r.stderr)
		if !r.killed {
			if r.code != 0 {
				t.Fatalf("run %d exited %d:\n%s\n%s", run, r.code, r.stdout, r.stderr)
			}
			break
		}
		crashes++
		point := firedPoint(r.stderr)
		if i := slices.Index(remaining, point); i >= 0 {
			remaining = slices.Delete(remaining, i, i+1)
			fired = append(fired, point)
		}
		if e.orphans(t) > 0 {
			orphanCrashes++
		}
	}
	t.Logf("%d crashes, %d of them with a resource made but not yet journaled; crash points reached: %v", crashes, orphanCrashes, fired)
	if len(remaining) > 0 {
		t.Errorf("crash points never reached: %v", remaining)
	}
	if crashes < 20 {
		t.Errorf("only %d crashes, want ≥ 20", crashes)
	}
	if orphanCrashes == 0 {
		t.Error("no crash fell between a create call and its journal write")
	}
	e.verify(t) // presence, checksums, and no resource carrying the plan's marker twice
	e.assertUniqueNames(t)
	e.assertVolumeData(t) // verify sees image checksums only
	if tmp := e.temporaries(); len(tmp) > 0 {
		t.Errorf("temporary artefacts left: %v", tmp)
	}
	e.assertNoLeftovers(t)
	st := e.runBinary(t, bin, "", "status", "--plan", e.planFile)
	if st.code != 0 || !strings.Contains(st.stdout, "succeeded") {
		t.Errorf("status: exit %d\n%s%s", st.code, st.stdout, st.stderr)
	}
	outputs = append(outputs, st.stdout)
	e.assertNoSecrets(t, append(outputs, readFile(t, events), readFile(t, migrate.JournalPath(e.planFile)))...)
}

// firedPoint is the crash point the hook reported on stderr.
func firedPoint(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		if p, ok := strings.CutPrefix(line, "crash-hook: "); ok {
			return p
		}
	}
	return ""
}

func readFile(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// orphans counts, after a crash, the target resources that carry the
// plan's marker but are not in the journal: made, not yet recorded.
func (e *env) orphans(t *testing.T) int {
	t.Helper()
	j, err := migrate.OpenJournal(migrate.JournalPath(e.planFile), e.plan, true)
	if errors.Is(err, migrate.ErrNoJournal) {
		return 0
	}
	if err != nil {
		t.Fatalf("journal after a crash: %v", err)
	}
	defer j.Close()
	known := map[string]bool{}
	for _, id := range j.IDs() {
		known[id] = true
	}
	for _, c := range j.CreatedResources() {
		known[c.ID] = true
	}
	doc := e.inventory(e.dst)
	tag := migrate.PlanTag(e.plan.ID)
	n := 0
	count := func(id string, tags []string) {
		if slices.Contains(tags, tag) && !known[id] {
			n++
		}
	}
	for _, x := range doc.Networks {
		count(x.ID, x.Tags)
	}
	for _, x := range doc.Subnets {
		count(x.ID, x.Tags)
	}
	for _, x := range doc.Ports {
		count(x.ID, x.Tags)
	}
	for _, x := range doc.Servers {
		count(x.ID, x.Tags)
	}
	for _, x := range doc.SecurityGroups {
		count(x.ID, x.Tags)
	}
	for _, x := range doc.Routers {
		count(x.ID, x.Tags)
	}
	for _, x := range doc.LoadBalancers {
		count(x.ID, x.Tags)
	}
	return n
}

// assertUniqueNames checks that every planned resource exists once by
// name on the target (keypairs and server groups carry no markers).
func (e *env) assertUniqueNames(t *testing.T) {
	t.Helper()
	doc := e.inventory(e.dst)
	count := map[string]int{}
	for _, x := range doc.Networks {
		count["network/"+x.Name]++
	}
	for _, x := range doc.Routers {
		count["router/"+x.Name]++
	}
	for _, x := range doc.ServerGroups {
		count["server-group/"+x.Name]++
	}
	for _, x := range doc.Keypairs {
		count["keypair/"+x.Name]++
	}
	for _, x := range doc.Servers {
		count["server/"+x.Name]++
	}
	for _, x := range doc.Volumes {
		if x.Name != "" { // unnamed ones: verify checks them by marker
			count["copy-volume/"+x.Name]++
		}
	}
	for _, x := range doc.LoadBalancers {
		count["load-balancer/"+x.Name]++
	}
	for _, x := range doc.SecurityGroups {
		count["security-group/"+x.Name]++
	}
	src := e.plan.Inventory
	names := map[string]string{}
	for _, x := range src.Volumes {
		names[x.ID] = x.Name
	}
	for _, x := range src.Networks {
		names[x.ID] = x.Name
	}
	for _, x := range src.Routers {
		names[x.ID] = x.Name
	}
	for _, x := range src.ServerGroups {
		names[x.ID] = x.Name
	}
	for _, x := range src.Servers {
		names[x.ID] = x.Name
	}
	for _, x := range src.LoadBalancers {
		names[x.ID] = x.Name
	}
	for _, x := range src.SecurityGroups {
		names[x.ID] = x.Name
	}
	for _, x := range src.Keypairs {
		names[x.Name] = x.Name
	}
	for _, s := range e.plan.Steps {
		k := string(s.Kind) + "/" + names[s.SourceID]
		if names[s.SourceID] == "" {
			continue
		}
		switch s.Kind {
		case plans.StepNetwork, plans.StepRouter, plans.StepServerGroup, plans.StepKeypair, plans.StepServer,
			plans.StepLoadBalancer, plans.StepSecurityGroup, plans.StepCopyVolume:
		default:
			continue
		}
		if n := count[k]; n != 1 {
			t.Errorf("%s exists %d times on the target, want 1", k, n)
		}
	}
}

// assertNoSecrets fails when a password, secret or token of the test
// clouds appears in what the tool wrote.
func (e *env) assertNoSecrets(t *testing.T, written ...string) {
	t.Helper()
	var secrets []string
	for _, p := range append(e.pair.Source.Projects(), e.pair.Target.Projects()...) {
		secrets = append(secrets, p.Password)
		if p.AppCredSecret != "" {
			secrets = append(secrets, p.AppCredSecret)
		}
	}
	for _, tok := range []string{e.src.Provider.Token(), e.dst.Provider.Token()} {
		if tok != "" {
			secrets = append(secrets, tok)
		}
	}
	for _, w := range written {
		for _, s := range secrets {
			if s != "" && strings.Contains(w, s) {
				t.Errorf("a secret (%d characters) appears in the tool's output or files", len(s))
			}
		}
	}
}

// TestMain removes the binary the crash tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" && os.Getenv(binEnv) == "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
