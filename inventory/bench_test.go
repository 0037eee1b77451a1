package inventory_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/rules"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// scale is the size of a generated tenant.
type scale struct {
	networks, servers, ports, volumes, groups, rulesPerGroup, serverGroups int
}

// resources counts what the scale creates (each network has one subnet;
// each server gets one port from Nova besides the extra ports).
func (s scale) resources() int {
	return 2*s.networks + 2*s.servers + s.ports + s.volumes + s.groups*(1+s.rulesPerGroup) + s.serverGroups
}

// bigTenant is the benchmark's 10,000-resource tenant.
var bigTenant = scale{networks: 500, servers: 1000, ports: 1000, volumes: 1000, groups: 250, rulesPerGroup: 19, serverGroups: 50}

// bigQuotas lets a project hold the big tenant.
var bigQuotas = sim.Quotas{
	Instances: 5000, Cores: 50000, RAMMiB: 1 << 30, KeyPairs: 1000, ServerGroups: 1000,
	Volumes: 5000, Gigabytes: 50000, Snapshots: 1000, Backups: 1000,
	Networks: 5000, Subnets: 5000, Ports: 20000, Routers: 100, FloatingIPs: 1000,
	SecurityGroups: 5000, SecurityGroupRules: 50000, LoadBalancers: 100,
}

// generate creates the tenant through the API with many calls in flight.
func generate(tb testing.TB, e *simEnv, sc scale) {
	tb.Helper()
	start := time.Now()
	s, err := cloud.Open(e.ctx, "sim", cloud.Options{CloudsFile: e.clouds, APIConcurrency: 32})
	if err != nil {
		tb.Fatal(err)
	}
	closeIdle(tb, s)
	g := &gen{s: s, ctx: e.ctx}
	steps := []func(scale) error{g.networks, g.flavorAndImage, g.rest}
	for _, step := range steps {
		if err := step(sc); err != nil {
			tb.Fatalf("generate tenant: %v", err)
		}
	}
	if err := g.settle(); err != nil {
		tb.Fatalf("generated tenant does not settle: %v", err)
	}
	tb.Logf("generated %d resources in %v (%d calls)", sc.resources(), time.Since(start).Round(time.Millisecond), s.Calls())
}

// settle waits until no server builds and no volume is being created, so
// that what is measured is the inventory, not the cloud finishing work.
func (g *gen) settle() error {
	for {
		busy := 0
		pages, err := servers.List(g.s.Compute, servers.ListOpts{}).AllPages(g.ctx)
		if err != nil {
			return err
		}
		all, err := servers.ExtractServers(pages)
		if err != nil {
			return err
		}
		for _, s := range all {
			if s.Status == "BUILD" {
				busy++
			}
		}
		vpages, err := volumes.List(g.s.BlockStorage, volumes.ListOpts{}).AllPages(g.ctx)
		if err != nil {
			return err
		}
		vols, err := volumes.ExtractVolumes(vpages)
		if err != nil {
			return err
		}
		for _, v := range vols {
			if v.Status == "creating" {
				busy++
			}
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-g.ctx.Done():
			return fmt.Errorf("%d resources still busy: %w", busy, g.ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

type gen struct {
	s             *cloud.Session
	ctx           context.Context
	nets          []string
	flavor, image string
}

// each runs f(0..n-1) with up to 32 calls in flight.
func (g *gen) each(n int, f func(ctx context.Context, i int) error) error {
	eg, ctx := errgroup.WithContext(g.ctx)
	eg.SetLimit(32)
	for i := range n {
		eg.Go(func() error { return f(ctx, i) })
	}
	return eg.Wait()
}

func (g *gen) networks(sc scale) error {
	g.nets = make([]string, sc.networks)
	return g.each(sc.networks, func(ctx context.Context, i int) error {
		up := true
		n, err := networks.Create(ctx, g.s.Network, networks.CreateOpts{Name: fmt.Sprintf("net-%04d", i), AdminStateUp: &up}).Extract()
		if err != nil {
			return fmt.Errorf("network %d: %w", i, err)
		}
		g.nets[i] = n.ID
		cidr := fmt.Sprintf("10.%d.%d.0/24", i/256, i%256)
		_, err = subnets.Create(ctx, g.s.Network, subnets.CreateOpts{NetworkID: n.ID, Name: fmt.Sprintf("subnet-%04d", i), CIDR: cidr, IPVersion: 4}).Extract()
		return err
	})
}

func (g *gen) flavorAndImage(scale) error {
	pages, err := flavors.ListDetail(g.s.Compute, nil).AllPages(g.ctx)
	if err != nil {
		return err
	}
	fl, err := flavors.ExtractFlavors(pages)
	if err != nil {
		return err
	}
	for _, f := range fl {
		if f.Name == "SCS-1V-2-5" {
			g.flavor = f.ID
		}
	}
	pages, err = images.List(g.s.Image, images.ListOpts{Name: "Ubuntu 24.04"}).AllPages(g.ctx)
	if err != nil {
		return err
	}
	imgs, err := images.ExtractImages(pages)
	if err != nil || len(imgs) == 0 {
		return fmt.Errorf("no Ubuntu 24.04 image: %v", err)
	}
	g.image = imgs[0].ID
	if g.flavor == "" {
		return fmt.Errorf("no flavor SCS-1V-2-5")
	}
	return nil
}

func (g *gen) rest(sc scale) error {
	eg, _ := errgroup.WithContext(g.ctx)
	eg.Go(func() error { return g.servers(sc) })
	eg.Go(func() error { return g.ports(sc) })
	eg.Go(func() error { return g.volumes(sc) })
	eg.Go(func() error { return g.groups(sc) })
	eg.Go(func() error { return g.serverGroups(sc) })
	return eg.Wait()
}

func (g *gen) servers(sc scale) error {
	return g.each(sc.servers, func(ctx context.Context, i int) error {
		opts := servers.CreateOpts{Name: fmt.Sprintf("server-%04d", i), FlavorRef: g.flavor, ImageRef: g.image,
			Networks: []servers.Network{{UUID: g.nets[i%len(g.nets)]}}}
		_, err := servers.Create(ctx, g.s.Compute, opts, nil).Extract()
		return err
	})
}

func (g *gen) ports(sc scale) error {
	return g.each(sc.ports, func(ctx context.Context, i int) error {
		_, err := ports.Create(ctx, g.s.Network, ports.CreateOpts{Name: fmt.Sprintf("port-%04d", i), NetworkID: g.nets[i%len(g.nets)]}).Extract()
		return err
	})
}

func (g *gen) volumes(sc scale) error {
	return g.each(sc.volumes, func(ctx context.Context, i int) error {
		_, err := volumes.Create(ctx, g.s.BlockStorage, volumes.CreateOpts{Name: fmt.Sprintf("volume-%04d", i), Size: 1}, nil).Extract()
		return err
	})
}

func (g *gen) groups(sc scale) error {
	return g.each(sc.groups, func(ctx context.Context, i int) error {
		sg, err := groups.Create(ctx, g.s.Network, groups.CreateOpts{Name: fmt.Sprintf("sg-%04d", i)}).Extract()
		if err != nil {
			return err
		}
		for j := range sc.rulesPerGroup {
			_, err := rules.Create(ctx, g.s.Network, rules.CreateOpts{SecGroupID: sg.ID, Direction: rules.DirIngress,
				EtherType: rules.EtherType4, Protocol: rules.ProtocolTCP, PortRangeMin: 1000 + j, PortRangeMax: 1000 + j}).Extract()
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *gen) serverGroups(sc scale) error {
	return g.each(sc.serverGroups, func(ctx context.Context, i int) error {
		_, err := servergroups.Create(ctx, g.s.Compute, servergroups.CreateOpts{Name: fmt.Sprintf("sg-%03d", i), Policy: "soft-anti-affinity"}).Extract()
		return err
	})
}

// BenchmarkInventory inventories a generated 10,000-resource tenant and
// reports the API calls one inventory makes.
func BenchmarkInventory(b *testing.B) {
	p := sim.SourceProfile()
	p.Quotas = bigQuotas
	e := startSim(b, sim.Options{Profile: p})
	generate(b, e, bigTenant)
	var calls int64
	var doc *inventory.Document
	b.ResetTimer()
	for b.Loop() {
		before := e.s.Calls()
		var err error
		doc, err = inventory.Collect(e.ctx, e.s, inventory.Options{})
		if err != nil {
			b.Fatal(err)
		}
		calls += e.s.Calls() - before
	}
	b.ReportMetric(float64(calls)/float64(b.N), "calls/op")
	b.ReportMetric(float64(bigTenant.resources()), "resources")
	if len(doc.Servers) != bigTenant.servers || len(doc.Volumes) != bigTenant.volumes {
		b.Errorf("inventory has %d servers and %d volumes", len(doc.Servers), len(doc.Volumes))
	}
}

// TestCollectCallsDoNotGrow: ten times the resources, the same number of
// API calls: no call per server, port or volume.
func TestCollectCallsDoNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two tenants")
	}
	calls := func(sc scale) int64 {
		p := sim.SourceProfile()
		p.Quotas = bigQuotas
		e := startSim(t, sim.Options{Profile: p})
		generate(t, e, sc)
		before := e.s.Calls()
		collect(t, e)
		return e.s.Calls() - before
	}
	small := calls(scale{networks: 2, servers: 2, ports: 2, volumes: 2, groups: 1, rulesPerGroup: 2, serverGroups: 1})
	large := calls(scale{networks: 20, servers: 20, ports: 20, volumes: 20, groups: 10, rulesPerGroup: 5, serverGroups: 10})
	if large != small {
		t.Errorf("a tenant with 10× the resources took %d calls, the small one %d", large, small)
	}
	t.Logf("%d calls for either tenant", small)
}
