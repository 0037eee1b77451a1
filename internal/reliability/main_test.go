package reliability

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binEnv names a prebuilt scs-migrate binary to test instead of the one
// TestMain builds.
const binEnv = "SCS_MIGRATE_BIN"

// cliBinary is the scs-migrate CLI under test, built once by TestMain.
var cliBinary string

// TestMain builds the real CLI once (`go build -o`) for every test that
// drives it, and removes it afterwards.
func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	flag.Parse()
	if p := os.Getenv(binEnv); p != "" || fuzzing() {
		cliBinary = p
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "scs-migrate-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cliBinary = filepath.Join(dir, "scs-migrate")
	out, err := exec.Command("go", "build", "-o", cliBinary, "../../cmd/scs-migrate").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/scs-migrate: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// fuzzing reports whether this process runs a fuzz target (go test
// -fuzz starts workers that run TestMain too): no binary is needed.
func fuzzing() bool {
	for _, name := range []string{"test.fuzz", "test.fuzzworker"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() != "" && f.Value.String() != "false" {
			return true
		}
	}
	return false
}

// cliResult is one run of the binary.
type cliResult struct {
	args           []string
	code           int
	stdout, stderr string
	// maxRSS is the peak resident set of the process, in bytes.
	maxRSS   int64
	duration time.Duration
}

// output is stdout and stderr together.
func (r cliResult) output() string { return r.stdout + r.stderr }

// panicked reports whether the Go runtime printed a panic or a fatal
// error: a crash, whatever the exit code says.
func (r cliResult) panicked() bool {
	return strings.Contains(r.stderr, "panic: ") || strings.Contains(r.stderr, "fatal error: ") ||
		strings.Contains(r.stderr, "goroutine 1 [")
}

func (r cliResult) String() string {
	return fmt.Sprintf("scs-migrate %s: exit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// cliEnv is the environment of the binary: the test's, without the
// caller's OpenStack settings, with HOME in an empty directory (so no
// ~/.config/openstack/clouds.yaml is found) and the clouds.yaml given.
func cliEnv(home, clouds string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "OS_") || k == "HOME" || k == "XDG_CONFIG_HOME" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "TERM=dumb")
	if clouds != "" {
		env = append(env, "OS_CLIENT_CONFIG_FILE="+clouds)
	}
	return env
}

// runCLI runs the binary (through shell, when it is a command prefix
// such as a ulimit) and waits for it.
func runCLI(ctx context.Context, t *testing.T, env []string, prefix []string, args ...string) cliResult {
	t.Helper()
	argv := append(append(append([]string(nil), prefix...), cliBinary), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := cliResult{args: args, stdout: out.String(), stderr: errb.String(), duration: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("run scs-migrate %v: %v", args, err)
	}
	return r
}
