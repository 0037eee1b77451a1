package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/examples"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// run runs scs-migrate in-process and returns its exit code, stdout and
// stderr, as a script would see them.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	app := newApp()
	app.Writer, app.ErrWriter = &stdout, &stderr
	code := exitCode(app.RunContext(ctx, append([]string{"scs-migrate"}, args...)), &stderr)
	return code, stdout.String(), stderr.String()
}

// simClouds starts the simulated pair with the example tenant on the
// source and points clouds.yaml at it.
func simClouds(t *testing.T) *sim.Pair {
	t.Helper()
	pair, err := sim.NewPair(sim.PairOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	fx, err := sim.ParseTenant(examples.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.SeedTenant(context.Background(), pair.Source, fx); err != nil {
		t.Fatal(err)
	}
	clouds := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := sim.WriteCloudsYAML(clouds, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OS_CLIENT_CONFIG_FILE", clouds)
	return pair
}

// TestPlanExitCodesScriptWell: plan exits 0 for a plan with changes to
// review (3 only with --detailed-exitcode), previews without --output,
// and exits 4 when something is blocked, still writing the plan.
func TestPlanExitCodesScriptWell(t *testing.T) {
	pair := simClouds(t)
	dir := t.TempDir()

	code, out, errs := run(t, "plan", "--source", "sim-source", "--target", "sim-target")
	if code != 0 || !strings.Contains(out, "Plan:") || !strings.Contains(errs, "a preview") {
		t.Errorf("preview: exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "Kubernetes clusters are left out: give --source-kubeconfig") {
		t.Errorf("plan --source does not say that clusters were left out:\n%s", errs)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the preview wrote %v", entries)
	}

	planFile := filepath.Join(dir, "plan.json")
	if code, _, errs := run(t, "plan", "--source", "sim-source", "--target", "sim-target", "--output", planFile); code != 0 {
		t.Errorf("plan with changes to review: exit %d, want 0\n%s", code, errs)
	}
	if _, err := os.Stat(planFile); err != nil {
		t.Errorf("plan not written: %v", err)
	}
	if code, _, errs := run(t, "plan", "--source", "sim-source", "--target", "sim-target", "--detailed-exitcode"); code != exitChanges {
		t.Errorf("--detailed-exitcode: exit %d, want %d\n%s", code, exitChanges, errs)
	}

	q := sim.DefaultQuotas
	q.Instances = 2
	if err := pair.Target.SetQuotas(pair.Target.Projects()[0].Name, q); err != nil {
		t.Fatal(err)
	}
	blocked := filepath.Join(dir, "blocked.json")
	if code, _, errs := run(t, "plan", "--source", "sim-source", "--target", "sim-target", "--output", blocked); code != exitBlocked ||
		!strings.Contains(errs, "something is blocked or a pre-flight check failed") {
		t.Errorf("blocked plan: exit %d, want %d\n%s", code, exitBlocked, errs)
	}
	if _, err := os.Stat(blocked); err != nil {
		t.Errorf("a blocked plan is still written for review: %v", err)
	}
}

// TestUsageErrorsAreOneLine: a missing or unknown flag is one line on
// stderr and exit 2, never the help page.
func TestUsageErrorsAreOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--inventory", "inv.json"}, "scs-migrate: plan: missing --target (see scs-migrate plan --help)\n"},
		{[]string{"migrate"}, "scs-migrate: migrate: missing --plan (see scs-migrate migrate --help)\n"},
		{[]string{"plan", "--bogus"}, "scs-migrate: plan: flag provided but not defined: -bogus (see scs-migrate plan --help)\n"},
		{[]string{"sim", "serve", "--nope"}, "scs-migrate: sim serve: flag provided but not defined: -nope (see scs-migrate sim serve --help)\n"},
		{[]string{"plan", "--inventory", "inv.json", "--source-kubeconfig", "k", "--target", "t"}, "scs-migrate: --source-kubeconfig goes with --source; an inventory file holds its clusters already\n"},
	} {
		code, out, errs := run(t, tc.args...)
		if code != exitBadInput || errs != tc.want || out != "" {
			t.Errorf("scs-migrate %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), code, out, errs, tc.want)
		}
	}
}
