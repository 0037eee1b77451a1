package plans_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// TestPlanDemoTenantOnSimulator seeds the demo tenant on the simulated
// "Alpha Cloud", snapshots it, reads "Beta Cloud" through the real
// gophercloud clients and plans the move.
func TestPlanDemoTenantOnSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two simulated clouds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	pair, err := sim.NewPair(sim.PairOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer pair.Close()
	tenant, err := sim.LoadTenant("../examples/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.SeedTenant(ctx, pair.Source, tenant); err != nil {
		t.Fatal(err)
	}
	clouds := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := sim.WriteCloudsYAML(clouds, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	src, err := cloud.Open(ctx, "sim-source", cloud.Options{CloudsFile: clouds})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := cloud.Open(ctx, "sim-target", cloud.Options{CloudsFile: clouds})
	if err != nil {
		t.Fatal(err)
	}
	s3c, err := s3.Open(ctx, src, s3.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s3c.Close(ctx)
	inv, err := inventory.Collect(ctx, src, inventory.Options{S3: s3c})
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := plans.ReadTarget(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range tgt.Warnings {
		// The simulator has no Octavia quota API (yet): that one is expected.
		if !strings.Contains(w.Message, "load-balancer quota") {
			t.Errorf("target read with warning %s: %s", w.Kind, w.Message)
		}
	}
	checkTarget(t, tgt)
	p, err := plans.Build(inv, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"})
	if err != nil {
		t.Fatal(err)
	}
	checkDemoMappings(t, p)
	if len(p.Blocked) > 0 {
		t.Errorf("blocked: %+v", p.Blocked)
	}
	for _, c := range p.Preflight {
		if !c.OK {
			t.Errorf("pre-flight %s failed: %s", c.Name, c.Detail)
		}
	}
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := plans.WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	if _, err := plans.Load(path); err != nil {
		t.Fatalf("the plan does not load back: %v", err)
	}
	var out strings.Builder
	if err := plans.Render(&out, p, plans.RenderOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())
}

// checkTarget asserts what "Beta Cloud" offers, as read over the API.
func checkTarget(t *testing.T, tgt *plans.Target) {
	t.Helper()
	names := func(n int, name func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = name(i)
		}
		return out
	}
	flavors := names(len(tgt.Flavors), func(i int) string { return tgt.Flavors[i].Name })
	for _, f := range []string{"SCS-2V-4-20s", "SCS-4V-12", "SCS-4C-16", "beta.huge"} {
		if !slices.Contains(flavors, f) {
			t.Errorf("target flavors lack %s: %v", f, flavors)
		}
	}
	for _, f := range tgt.Flavors {
		if f.Name == "SCS-4V-12" && f.ExtraSpecs["scs:cpu-type"] != "shared-core" {
			t.Errorf("SCS-4V-12 extra specs not read: %v", f.ExtraSpecs)
		}
	}
	if tgt.DefaultVolumeType != "standard" {
		t.Errorf("default volume type %q", tgt.DefaultVolumeType)
	}
	if len(tgt.ExternalNetworks) != 1 || tgt.ExternalNetworks[0].Name != "ext-net" {
		t.Errorf("external networks %+v", tgt.ExternalNetworks)
	}
	if !slices.Equal(tgt.ComputeAZs, []string{"az1", "az2"}) {
		t.Errorf("compute zones %v", tgt.ComputeAZs)
	}
	if len(tgt.Quotas) == 0 {
		t.Error("no quotas read")
	}
}

// checkDemoMappings asserts the decisions the README promises.
func checkDemoMappings(t *testing.T, p *plans.Plan) {
	t.Helper()
	m := p.Mappings
	for _, c := range []struct {
		list                      []plans.Mapping
		src, action, target, rule string
	}{
		{m.Flavors, "alpha.c4.m12", "map", "SCS-4V-12", "covering"},
		{m.Flavors, "SCS-2V-4-20s", "map", "SCS-2V-4-20s", "scs-name"},
		{m.VolumeTypes, "ssd-encrypted", "map", "LUKS", "aspects"},
		{m.VolumeTypes, "ssd", "map", "standard", "aspects"},
		{m.Images, "Ubuntu 24.04", "map", "Ubuntu 24.04", "standard-image"},
		{m.Images, "Debian 12", "map", "Debian 12", "standard-image"},
		{m.Images, "webshop-app-2026.11", "copy", "", "custom-image"},
		{m.ExternalNetworks, "public", "map", "ext-net", "only-one"},
		{m.AvailabilityZones, "nova", "map", "az1", "default"},
	} {
		i := slices.IndexFunc(c.list, func(x plans.Mapping) bool { return x.SourceName == c.src })
		if i < 0 {
			t.Errorf("no mapping of %s", c.src)
			continue
		}
		x := c.list[i]
		if x.Action != c.action || x.TargetName != c.target || x.Rule != c.rule {
			t.Errorf("%s: %s %q by %s (%s), want %s %q by %s", c.src, x.Action, x.TargetName, x.Rule, x.Reason, c.action, c.target, c.rule)
		}
	}
	kinds := map[plans.StepKind]int{}
	for _, s := range p.Steps {
		kinds[s.Kind]++
	}
	want := map[plans.StepKind]int{plans.StepServer: 5, plans.StepCopyVolume: 5, plans.StepSnapshotServer: 3,
		plans.StepStopServer: 4, plans.StepLoadBalancer: 1, plans.StepFloatingIP: 1, plans.StepAttachVolume: 2,
		plans.StepRouterInterface: 2, plans.StepRouterRoutes: 1, plans.StepCopyImage: 2}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s steps, want %d", kinds[k], k, n)
		}
	}
}
