package inventory_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/examples"
	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// simEnv is a simulated source cloud and a session on its first project.
type simEnv struct {
	cloud *sim.Cloud
	s     *cloud.Session
	ctx   context.Context
	// clouds is the clouds.yaml naming the project "sim".
	clouds string
}

// epoch is the simulated cloud's clock unless a test gives another: a
// fixed date, so that what the cloud writes (times, the build dates of
// its standard images) is the same on every day the tests run.
var epoch = time.Date(2030, 6, 15, 8, 0, 0, 0, time.UTC)

// startSim starts a simulated cloud with fast asynchronous transitions,
// standing at epoch.
func startSim(t testing.TB, opts sim.Options) *simEnv {
	t.Helper()
	if opts.Clock == nil {
		opts.Clock = clock.NewManual(epoch)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	if opts.AsyncDelay == 0 {
		opts.AsyncDelay = time.Millisecond
	}
	c, err := sim.New(opts)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	e := &simEnv{cloud: c, ctx: ctx, clouds: filepath.Join(t.TempDir(), "clouds.yaml")}
	if err := sim.WriteCloudsYAML(e.clouds, []sim.CloudEntry{{Name: "sim", Cloud: c, Project: c.Projects()[0]}}); err != nil {
		t.Fatal(err)
	}
	e.s = e.open(t, e.clouds)
	return e
}

func (e *simEnv) open(t testing.TB, clouds string) *cloud.Session {
	t.Helper()
	s, err := cloud.Open(e.ctx, "sim", cloud.Options{CloudsFile: clouds})
	if err != nil {
		t.Fatalf("open simulator: %v", err)
	}
	closeIdle(t, s)
	return s
}

// closeIdle closes the session's idle connections before the simulator
// shuts down: net/http counts a dialed connection that never carried a
// request as busy for five seconds, and Shutdown would wait for it.
func closeIdle(t testing.TB, s *cloud.Session) {
	t.Cleanup(func() { s.HTTPClient().CloseIdleConnections() })
}

// webshop starts a cloud with the example tenant (examples/tenant.yaml).
func webshop(t testing.TB) *simEnv {
	t.Helper()
	e := startSim(t, sim.Options{})
	fx, err := sim.ParseTenant(examples.Tenant)
	if err != nil {
		t.Fatalf("example tenant: %v", err)
	}
	if err := sim.SeedTenant(e.ctx, e.cloud, fx); err != nil {
		t.Fatalf("seed example tenant: %v", err)
	}
	return e
}

// rewriteFile replaces old by new in a file.
func rewriteFile(t testing.TB, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte(old), []byte(new)), 0o600); err != nil {
		t.Fatal(err)
	}
}
