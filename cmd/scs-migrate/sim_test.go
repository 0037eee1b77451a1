package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/limits"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// TestSimServeChild is the scs-migrate process the sim serve tests start
// (the usual helper-process trick: the test binary runs main).
func TestSimServeChild(t *testing.T) {
	if os.Getenv("SCS_MIGRATE_SIM_SERVE_CHILD") != "1" {
		t.Skip("helper process")
	}
	args := []string{"scs-migrate"}
	for i, a := range os.Args {
		if a == "--" {
			args = append(args, os.Args[i+1:]...)
		}
	}
	os.Args = args
	main()
}

// startSimServe runs `scs-migrate sim serve args…` and waits for "ready";
// it returns the process and its stdout after that line.
func startSimServe(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestSimServeChild$", "--", "sim", "serve"}, args...)...)
	cmd.Env = append(os.Environ(), "SCS_MIGRATE_SIM_SERVE_CHILD=1")
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	errText := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(stderr)
		errText <- string(b)
	}()
	lines := bufio.NewScanner(stdout)
	ready := make(chan bool, 1)
	go func() { ready <- lines.Scan() && lines.Text() == "ready" }()
	select {
	case ok := <-ready:
		if !ok {
			cmd.Process.Kill()
			t.Fatalf("sim serve did not print ready: %q, stderr %s", lines.Text(), <-errText)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("sim serve never got ready")
	}
	return cmd, lines
}

// stopSimServe sends sig and expects a clean exit with nothing more on
// stdout.
func stopSimServe(t *testing.T, cmd *exec.Cmd, lines *bufio.Scanner, sig os.Signal) {
	t.Helper()
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	more := make(chan []string, 1)
	go func() {
		var rest []string
		for lines.Scan() {
			rest = append(rest, lines.Text())
		}
		more <- rest
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after %v: %v", sig, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("sim serve ignored %v", sig)
	}
	if rest := <-more; len(rest) > 0 {
		t.Errorf("stdout after ready: %q", rest)
	}
}

func TestSimServeQuotasAndDataDir(t *testing.T) {
	dir := t.TempDir()
	clouds := filepath.Join(dir, "clouds.yaml")
	cmd, lines := startSimServe(t, "--write-clouds", clouds, "--data-dir", filepath.Join(dir, "data"),
		"--target-quotas", "instances=2,gigabytes=10")
	for _, sub := range []string{"source", "target"} {
		if entries, err := os.ReadDir(filepath.Join(dir, "data", sub, "images")); err != nil || len(entries) == 0 {
			t.Errorf("%s image bytes in --data-dir: %v (%d files)", sub, err, len(entries))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := cloud.Open(ctx, "sim-target", cloud.Options{CloudsFile: clouds})
	if err != nil {
		t.Fatal(err)
	}
	lim, err := limits.Get(ctx, s.Compute, nil).Extract()
	if err != nil || lim.Absolute.MaxTotalInstances != 2 || lim.Absolute.MaxTotalCores != 64 {
		t.Errorf("target limits %+v %v", lim, err)
	}
	stopSimServe(t, cmd, lines, syscall.SIGTERM)
	if _, err := os.Stat(filepath.Join(dir, "data", "source", "images")); err != nil {
		t.Errorf("--data-dir removed on exit: %v", err)
	}
}

func TestSimServeBulkTenantAndInterrupt(t *testing.T) {
	dir := t.TempDir()
	fixture := filepath.Join(dir, "small-bulk.yaml")
	os.WriteFile(fixture, []byte(`apiVersion: scs-migrate.io/v1alpha1
kind: Tenant
name: small-bulk
quotas: {instances: 30, cores: 30}
bulk: {networks: 2, servers: 3, ports: 3, volumes: 2, securityGroups: 1, rulesPerGroup: 1}
`), 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSimServeChild$", "--", "sim", "serve",
		"--tenant", fixture, "--write-clouds", filepath.Join(dir, "clouds.yaml"))
	cmd.Env = append(os.Environ(), "SCS_MIGRATE_SIM_SERVE_CHILD=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("first line %q, stderr %s", lines.Text(), stderr.String())
	}
	if n := countServers(t, filepath.Join(dir, "clouds.yaml")); n != 3 {
		t.Errorf("the bulk section made %d servers, want 3", n)
	}
	stopSimServe(t, cmd, lines, os.Interrupt)
	out := stderr.String()
	for _, want := range []string{"source: http://127.0.0.1:", "/identity/v3 (Alpha Cloud)", "target: http://127.0.0.1:",
		"/identity/v3 (Beta Cloud)", "seeded " + fixture} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}

func TestSimServeBadFlags(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"--target-quotas instances=x", `--target-quotas: "instances=x": "x" is not a number`},
		{"--tenant /no/such/file.yaml", "read tenant fixture"},
	} {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestSimServeChild$", "--", "sim", "serve"}, strings.Fields(tc.args)...)...)
		cmd.Env = append(os.Environ(), "SCS_MIGRATE_SIM_SERVE_CHILD=1")
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "ready") {
			t.Errorf("%s: exit %v, output %s", tc.args, err, out)
		}
	}
}

// countServers lists the servers of sim-source through the real client.
func countServers(t *testing.T, clouds string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := cloud.Open(ctx, "sim-source", cloud.Options{CloudsFile: clouds})
	if err != nil {
		t.Fatal(err)
	}
	pages, err := servers.List(s.Compute, servers.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := servers.ExtractServers(pages)
	if err != nil {
		t.Fatal(err)
	}
	return len(all)
}
