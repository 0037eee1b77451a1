package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// runApp runs the command line in-process and returns its output.
func runApp(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	app := newApp()
	app.Writer, app.ErrWriter = &out, &out
	err := app.RunContext(context.Background(), append([]string{"scs-migrate"}, args...))
	return out.String(), err
}

func TestVersion(t *testing.T) {
	out, err := runApp(t, "version", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var v versionInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Errorf("version %+v", v)
	}
}

func TestManPage(t *testing.T) {
	out, err := runApp(t, "man")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".TH scs-migrate 1", "migrate", "transfer", "--debug", "--plan"} {
		if !strings.Contains(out, want) {
			t.Errorf("the man page lacks %q", want)
		}
	}
	if man, err := exec.LookPath("man"); err == nil {
		cmd := exec.Command(man, "-l", "-")
		cmd.Stdin = strings.NewReader(out)
		if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b), "move a tenant") {
			t.Errorf("man cannot render it: %v\n%s", err, b)
		}
	}
}

// TestBashCompletion sources the script in a real bash and asks it to
// complete "scs-migrate mig" and "scs-migrate migrate --no-r", with the
// test binary standing in for scs-migrate through a function.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script, err := runApp(t, "completion", "bash")
	if err != nil {
		t.Fatal(err)
	}
	for _, fish := range []string{"fish"} {
		if out, err := runApp(t, "completion", fish); err != nil || !strings.Contains(out, "complete -c scs-migrate") {
			t.Errorf("%s completion: %v\n%.200s", fish, err, out)
		}
	}
	if _, err := runApp(t, "completion", "tcsh"); err == nil {
		t.Error("an unknown shell was accepted")
	}
	bin := t.TempDir() + "/scs-migrate"
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	for line, want := range map[string]string{"scs-migrate mig": "migrate", "scs-migrate migrate --no-r": "--no-restart-source"} {
		prog := script + `
PATH="` + t.TempDir() + `:$PATH"; scs-migrate() { "` + bin + `" "$@"; }
COMP_WORDS=(` + line + `); COMP_CWORD=$((${#COMP_WORDS[@]}-1))
_scs_migrate; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command(bash, "-c", prog).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("%q: %v, completions %q, want %s", line, err, out, want)
		}
	}
}
