package clock

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimulatorsWriteTheirClock keeps the simulators' content on their
// injected Clock: every read of the system clock in internal/sim and
// internal/kubesim (and any package below them) says on its line why it
// is not content ("// wall clock: …"), such as a deadline or the
// lifetime of a token that clients judge by their own clocks.
func TestSimulatorsWriteTheirClock(t *testing.T) {
	for _, root := range []string{"../sim", "../kubesim"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(b), "\n") {
				if strings.Contains(line, "time.Now()") && !strings.Contains(line, "// wall clock: ") {
					t.Errorf("%s:%d reads the system clock for content; use the cloud's Clock, or say why not with // wall clock: …", path, i+1)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
