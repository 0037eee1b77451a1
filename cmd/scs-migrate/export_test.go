package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRefusesWithoutMigrationOrOverwrite: export refuses a
// non-empty output directory without --force before any cloud call,
// says that a plan never migrated has nothing to export, and knows only
// the opentofu format. (internal/export tests the code it writes.)
func TestExportRefusesWithoutMigrationOrOverwrite(t *testing.T) {
	simClouds(t)
	dir := t.TempDir()
	planFile := filepath.Join(dir, "plan.json")
	if code, _, errs := run(t, "plan", "--source", "sim-source", "--target", "sim-target", "--output", planFile); code != 0 {
		t.Fatalf("plan: exit %d\n%s", code, errs)
	}

	full := filepath.Join(dir, "full")
	if err := os.MkdirAll(full, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(full, "main.tf"), []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "export", "--plan", planFile, "--output", full)
	if code != 2 || !strings.Contains(errs, "not empty") {
		t.Errorf("export into a non-empty directory: exit %d, want 2\n%s", code, errs)
	}
	if b, _ := os.ReadFile(filepath.Join(full, "main.tf")); string(b) != "# mine\n" {
		t.Errorf("the refused export changed main.tf: %q", b)
	}

	out := filepath.Join(dir, "tofu")
	code, _, errs = run(t, "export", "--plan", planFile, "--output", out)
	if code != 1 || !strings.Contains(errs, "has not been migrated") {
		t.Errorf("export of a plan never migrated: exit %d, want 1\n%s", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the failed export left %s: %v", out, err)
	}

	if code, _, errs := run(t, "export", "--plan", planFile, "--output", out, "--format", "pulumi"); code != 2 {
		t.Errorf("--format pulumi: exit %d, want 2\n%s", code, errs)
	}
}
