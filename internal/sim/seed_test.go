package sim_test

import (
	"context"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// TestSeedExampleTenant builds the demo tenant through the simulator's
// own API: every service has to play along for it to succeed.
func TestSeedExampleTenant(t *testing.T) {
	c, err := sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ten, err := sim.LoadTenant("../../examples/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	if err := sim.SeedTenant(ctx, c, ten); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded the example tenant in %v with %v API calls", time.Since(start).Round(time.Millisecond), c.Calls())
}
