// Package conformance is the fidelity suite of the simulator: it drives
// the real gophercloud clients through every call scs-migrate makes and
// asserts what OpenStack guarantees. By default each test runs against a
// fresh simulated cloud; with SCS_CONFORMANCE_CLOUDS pointing at a
// clouds.yaml (and SCS_CONFORMANCE_CLOUD naming the entry, default
// "source") the very same tests run against a real OpenStack cloud.
package conformance

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// Env is what a conformance test works with.
type Env struct {
	S *cloud.Session
	// Sim is the simulated cloud, or nil against a real cloud. Tests must
	// not depend on it for their assertions; it is only for extras such
	// as counting calls.
	Sim *sim.Cloud
	// ExternalNetwork is the name of an external network with a
	// floating-IP pool.
	ExternalNetwork string
	// StandardImage is the name of a public image to boot and copy.
	StandardImage string
	// DiskFlavor boots from image (it has a root disk); DisklessFlavor
	// needs boot from volume.
	DiskFlavor, DisklessFlavor string
	// Ctx ends with the test.
	Ctx context.Context
}

// Open returns the environment for one test.
func Open(t testing.TB) *Env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	e := &Env{Ctx: ctx, ExternalNetwork: envOr("SCS_CONFORMANCE_EXTERNAL_NETWORK", "public"),
		StandardImage: envOr("SCS_CONFORMANCE_IMAGE", "Ubuntu 24.04"),
		DiskFlavor:    "SCS-2V-4-20s", DisklessFlavor: "SCS-2V-4"}
	if file := os.Getenv("SCS_CONFORMANCE_CLOUDS"); file != "" {
		s, err := cloud.Open(ctx, envOr("SCS_CONFORMANCE_CLOUD", "source"), cloud.Options{CloudsFile: file})
		if err != nil {
			t.Fatalf("open real cloud: %v", err)
		}
		e.S = s
		return e
	}
	c, err := sim.New(sim.Options{Projects: []sim.ProjectSpec{{Name: "tenant", User: "tenant-user", Password: "pw-" + RandomName("")}}})
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	file := t.TempDir() + "/clouds.yaml"
	if err := sim.WriteCloudsYAML(file, []sim.CloudEntry{{Name: "sim", Cloud: c, Project: c.Projects()[0]}}); err != nil {
		t.Fatal(err)
	}
	s, err := cloud.Open(ctx, "sim", cloud.Options{CloudsFile: file})
	if err != nil {
		t.Fatalf("open simulator: %v", err)
	}
	e.S, e.Sim, e.ExternalNetwork = s, c, c.Profile().ExternalNetwork
	return e
}

// Real reports whether the suite runs against a real cloud.
func (e *Env) Real() bool { return e.Sim == nil }

// RandomName returns prefix followed by a random suffix, so tests on a
// shared real cloud do not collide.
func RandomName(prefix string) string {
	var b [4]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// WaitTimeout bounds every wait of the suite; real clouds are slower
// than the simulator.
const WaitTimeout = 4 * time.Minute

// WaitFor polls check every 100 ms until it reports done, failing the
// test when check fails, the test's context ends or WaitTimeout passes.
func WaitFor(t testing.TB, e *Env, what string, check func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		done, err := check()
		if err != nil {
			t.Fatalf("wait for %s: %v", what, err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) || e.Ctx.Err() != nil {
			t.Fatalf("wait for %s: timed out", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
