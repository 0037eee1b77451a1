package reliability

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// fileLimit runs the binary with a 4 KiB limit on the size of any file
// it writes (RLIMIT_FSIZE, which binds root too; the Go runtime ignores
// SIGXFSZ, so the write fails with EFBIG): every document is cut off in
// the middle of being written.
var fileLimit = []string{"bash", "-c", `ulimit -f 4 && exec "$0" "$@"`}

// TestOutputsAreAtomic makes the writes of inventory, plan and audit
// report fail midway, and once at the rename: each command exits 1
// naming the file, the earlier file of that name is left as it was and
// no temporary file remains beside it.
func TestOutputsAreAtomic(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	for _, c := range []struct {
		name, file string
		args       []string
		what       string
	}{
		{"inventory", "inventory.json", []string{"inventory", "--source", "sim-source", "--output", "%O"}, "write inventory"},
		{"plan", "plan.json", []string{"plan", "--source", "sim-source", "--target", "sim-target", "--output", "%O"}, "write plan"},
		{"audit", "audit.html", []string{"audit", "--source", "sim-source", "--target", "sim-target", "-o", "html", "--output", "%O"}, "write report"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, c.file)
			old := "the " + c.name + " of an earlier run\n"
			if err := os.WriteFile(out, []byte(old), 0o600); err != nil {
				t.Fatal(err)
			}
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "%O", out)
			}
			r := runCLI(w.ctx, t, cliEnv(w.home, w.clouds), fileLimit, args...)
			want := regexp.MustCompile("^" + regexp.QuoteMeta(c.what+" "+out+": write "+filepath.Join(dir, "."+c.file+".tmp-")) + `\d+: file too large$`)
			if r.code != 1 || r.panicked() || !want.MatchString(errorText(r.stderr)) {
				t.Errorf("got %s\nwant exit 1 and an error matching %s", r, want)
			}
			assertOnly(t, dir, c.file, old)

			// The rename fails when a directory has the name: nothing of
			// the new document may remain.
			os.Remove(out)
			if err := os.MkdirAll(filepath.Join(out, "keep"), 0o700); err != nil {
				t.Fatal(err)
			}
			r = runCLI(w.ctx, t, cliEnv(w.home, w.clouds), nil, args...)
			wantRename := regexp.MustCompile("^" + regexp.QuoteMeta(c.what+" "+out+": rename "+filepath.Join(dir, "."+c.file+".tmp-")) + `\d+ ` + regexp.QuoteMeta(out) + ": file exists$")
			if r.code != 1 || r.panicked() || !wantRename.MatchString(errorText(r.stderr)) {
				t.Errorf("got %s\nwant exit 1 and an error matching %s", r, wantRename)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 || !entries[0].IsDir() {
				t.Errorf("after a failed rename %s holds %v, want only the directory", dir, entries)
			}
		})
	}
}

// assertOnly checks that dir holds only name, with the content want.
func assertOnly(t *testing.T, dir, name, want string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != name {
			t.Errorf("%s was left in %s", e.Name(), dir)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
		t.Errorf("%s now holds %.80q (%v), want the earlier %q", name, b, err, want)
	}
}
