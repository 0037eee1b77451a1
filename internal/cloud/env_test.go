package cloud

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// osVars are the environment variables that gophercloud's clouds.yaml
// parser or Open read; tests clear them so that the developer's own
// OpenStack settings cannot leak in.
var osVars = []string{
	"OS_CLOUD", "OS_CLIENT_CONFIG_FILE", "OS_REGION_NAME", "OS_INTERFACE", "OS_CACERT", "OS_CERT", "OS_KEY",
	"OS_AUTH_URL", "OS_USERNAME", "OS_USERID", "OS_PASSWORD", "OS_PROJECT_NAME", "OS_PROJECT_ID",
	"OS_TENANT_NAME", "OS_TENANT_ID", "OS_DOMAIN_NAME", "OS_DOMAIN_ID", "OS_USER_DOMAIN_NAME",
	"OS_PROJECT_DOMAIN_NAME", "OS_APPLICATION_CREDENTIAL_ID", "OS_APPLICATION_CREDENTIAL_SECRET",
	"OS_APPLICATION_CREDENTIAL_NAME", "OS_TOKEN", "OS_SYSTEM_SCOPE",
}

// cleanEnv clears the OpenStack variables and points HOME and
// XDG_CONFIG_HOME at an empty directory, which it also makes the working
// directory's stand-in: no clouds.yaml is found unless a test writes one.
func cleanEnv(t *testing.T) string {
	t.Helper()
	for _, v := range osVars {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	return home
}

// newSim starts one simulated cloud with the given options.
func newSim(t *testing.T, opts sim.Options) *sim.Cloud {
	t.Helper()
	c, err := sim.New(opts)
	if err != nil {
		t.Fatalf("start the simulator: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testProject has distinctive credentials, so that a test can look for
// them in error messages.
var testProject = sim.ProjectSpec{Name: "tenant", User: "tenant-user", Password: "pw-Zq8-distinctive-0451",
	AppCredName: "migrator", AppCredSecret: "ac-secret-Kx3-distinctive-7781"}

// writeClouds writes a clouds.yaml for the entries into dir.
func writeClouds(t *testing.T, dir string, entries ...sim.CloudEntry) string {
	t.Helper()
	path := filepath.Join(dir, "clouds.yaml")
	if err := sim.WriteCloudsYAML(path, entries); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeFile writes content to name in dir and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
