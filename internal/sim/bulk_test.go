package sim_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/limits"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/quotas"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// openBulkCloud starts a cloud with its data in a test directory and
// opens a session as its tenant.
func openBulkCloud(t *testing.T) (*sim.Cloud, *cloud.Session, string) {
	t.Helper()
	dir := t.TempDir()
	c, err := sim.New(sim.Options{DataDir: filepath.Join(dir, "data"), AsyncDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	file := filepath.Join(dir, "clouds.yaml")
	if err := sim.WriteCloudsYAML(file, []sim.CloudEntry{{Name: "sim", Cloud: c, Project: c.Projects()[0]}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := cloud.Open(ctx, "sim", cloud.Options{CloudsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	return c, s, filepath.Join(dir, "data")
}

func TestSeedBulk(t *testing.T) {
	c, s, data := openBulkCloud(t)
	ctx := context.Background()
	// Quotas are not enforced for bulk resources, only counted.
	one := 1
	if err := c.UpdateQuotas("tenant", sim.TenantQuotas{Instances: &one}); err != nil {
		t.Fatal(err)
	}
	res, err := c.SeedBulk("tenant", sim.BulkSpec{Networks: 4, Routers: 2, SecurityGroups: 3, RulesPerGroup: 2,
		Keypairs: 2, Servers: 6, Ports: 9, Volumes: 8, VolumeType: "ssd", FloatingIPs: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := sim.BulkResult{Networks: 4, Subnets: 4, Routers: 2, Ports: 9 + 4 + 4, SecurityGroups: 3,
		SecurityGroupRules: 12, Keypairs: 2, Servers: 6, Volumes: 8, Attachments: 6, FloatingIPs: 7, Elapsed: res.Elapsed}
	if res != want || res.Total() != 65 {
		t.Errorf("result %+v (total %d), want %+v", res, res.Total(), want)
	}

	all, err := servers.List(s.Compute, nil).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srvs, _ := servers.ExtractServers(all)
	byName := map[string]servers.Server{}
	for _, srv := range srvs {
		byName[srv.Name] = srv
		if srv.Status != "ACTIVE" {
			t.Errorf("%s is %s", srv.Name, srv.Status)
		}
	}
	vm1 := byName["bulk-vm-1"]
	if len(srvs) != 6 || vm1.KeyName != "bulk-key-1" || vm1.SecurityGroups[0]["name"] != "bulk-sg-1" ||
		len(vm1.AttachedVolumes) != 1 || byName["bulk-vm-2"].KeyName != "bulk-key-2" {
		t.Errorf("%d servers; bulk-vm-1: %+v", len(srvs), vm1)
	}
	// Ports 0 and 6 (networks 1 and 3) and floating IP 0 are bulk-vm-1's.
	nets := map[string]int{}
	for name, addrs := range vm1.Addresses {
		nets[name] = len(addrs.([]any))
	}
	if nets["bulk-net-1"] != 2 || nets["bulk-net-3"] != 1 {
		t.Errorf("bulk-vm-1 addresses %v", vm1.Addresses)
	}
	checkBulkPorts(t, s, vm1)
	checkBulkVolumes(t, s, byName)
	checkBulkFloatingIPs(t, s, 6, 1)

	lim, err := limits.Get(ctx, s.Compute, nil).Extract()
	if err != nil || lim.Absolute.TotalInstancesUsed != 6 || lim.Absolute.MaxTotalInstances != 1 {
		t.Errorf("limits %+v %v", lim, err)
	}
	qd, err := quotas.GetDetail(ctx, s.Network, s.ProjectID).Extract()
	if err != nil || qd.Port.Used != 17 || qd.FloatingIP.Used != 7 || qd.SecurityGroupRule.Used != 12+4 {
		t.Errorf("neutron usage %+v %v", qd, err)
	}
	allGroups, _ := groups.List(s.Network, groups.ListOpts{}).AllPages(ctx)
	if gs, _ := groups.ExtractGroups(allGroups); len(gs) != 4 {
		t.Errorf("%d security groups, want 3 and default", len(gs))
	}

	// A bulk server goes away like any other: its ports, the attachment,
	// the floating IP's association and its root disk with it.
	vm6 := byName["bulk-vm-6"]
	if _, err := os.Stat(filepath.Join(data, "disks", vm6.ID)); err != nil {
		t.Fatalf("root disk: %v", err)
	}
	if err := servers.Delete(ctx, s.Compute, vm6.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	waitBulk(t, "server deleted", func() bool { return servers.Get(ctx, s.Compute, vm6.ID).Err != nil })
	left, _ := ports.List(s.Network, ports.ListOpts{DeviceID: vm6.ID}).AllPages(ctx)
	if ps, _ := ports.ExtractPorts(left); len(ps) != 0 {
		t.Errorf("ports of the deleted server: %d", len(ps))
	}
	if _, err := os.Stat(filepath.Join(data, "disks", vm6.ID)); !os.IsNotExist(err) {
		t.Errorf("root disk of the deleted server: %v", err)
	}
	checkBulkFloatingIPs(t, s, 5, 2)
}

// checkBulkPorts: Nova's ports, bound to the server, in its group.
func checkBulkPorts(t *testing.T, s *cloud.Session, srv servers.Server) {
	t.Helper()
	pages, err := ports.List(s.Network, ports.ListOpts{DeviceID: srv.ID}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := ports.ExtractPorts(pages)
	if len(ps) != 2 {
		t.Fatalf("%d ports on %s", len(ps), srv.Name)
	}
	for _, p := range ps {
		if p.DeviceOwner != "compute:nova" || p.Status != "ACTIVE" || len(p.SecurityGroups) != 1 || len(p.FixedIPs) != 1 {
			t.Errorf("port %+v", p)
		}
	}
}

// checkBulkVolumes: volume k is attached to server k in Cinder as in Nova.
func checkBulkVolumes(t *testing.T, s *cloud.Session, byName map[string]servers.Server) {
	t.Helper()
	pages, err := volumes.List(s.BlockStorage, volumes.ListOpts{}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	vols, _ := volumes.ExtractVolumes(pages)
	inUse := 0
	for _, v := range vols {
		if v.Size != 1 || v.VolumeType != "ssd" {
			t.Errorf("volume %s: %d GB %s", v.Name, v.Size, v.VolumeType)
		}
		if v.Status != "in-use" {
			continue
		}
		inUse++
		srv := byName[strings.Replace(v.Name, "-vol-", "-vm-", 1)]
		if len(v.Attachments) != 1 || v.Attachments[0].ServerID != srv.ID || len(srv.AttachedVolumes) != 1 ||
			srv.AttachedVolumes[0].ID != v.ID || v.Attachments[0].Device != "/dev/vdb" {
			t.Errorf("volume %s attachments %+v, server %+v", v.Name, v.Attachments, srv.AttachedVolumes)
		}
	}
	if len(vols) != 8 || inUse != 6 {
		t.Errorf("%d volumes, %d in use", len(vols), inUse)
	}
}

func checkBulkFloatingIPs(t *testing.T, s *cloud.Session, associated, free int) {
	t.Helper()
	pages, err := floatingips.List(s.Network, floatingips.ListOpts{}).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fips, _ := floatingips.ExtractFloatingIPs(pages)
	a, f := 0, 0
	for _, fip := range fips {
		switch {
		case fip.PortID != "" && fip.RouterID != "" && fip.FixedIP != "" && fip.Status == "ACTIVE":
			a++
		case fip.PortID == "":
			f++
		}
	}
	if a != associated || f != free {
		t.Errorf("%d floating IPs associated, %d free; want %d and %d", a, f, associated, free)
	}
}

func waitBulk(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestSeedBulkGrowsTheExternalNetwork(t *testing.T) {
	c, s, _ := openBulkCloud(t)
	ctx := context.Background()
	// 300 floating IPs do not fit in the provider's /24.
	fips := 400
	if err := c.UpdateQuotas("tenant", sim.TenantQuotas{FloatingIPs: &fips}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SeedBulk("tenant", sim.BulkSpec{FloatingIPs: 300}); err != nil {
		t.Fatal(err)
	}
	checkBulkFloatingIPs(t, s, 0, 300)
	pages, _ := networks.List(s.Network, networks.ListOpts{Name: "public"}).AllPages(ctx)
	nets, _ := networks.ExtractNetworks(pages)
	if len(nets) != 1 || len(nets[0].Subnets) != 2 {
		t.Fatalf("external network %+v", nets)
	}
	// The first subnet is full: the API allocates from the second.
	fip, err := floatingips.Create(ctx, s.Network, floatingips.CreateOpts{FloatingNetworkID: nets[0].ID}).Extract()
	if err != nil || !strings.HasPrefix(fip.FloatingIP, "198.19.") {
		t.Errorf("floating IP after bulk: %+v %v", fip, err)
	}
}

func TestSeedBulkErrors(t *testing.T) {
	c, s, _ := openBulkCloud(t)
	for _, tc := range []struct {
		project string
		spec    sim.BulkSpec
		want    string
	}{
		{"nobody", sim.BulkSpec{}, `no project "nobody"`},
		{"tenant", sim.BulkSpec{Servers: -1}, "servers: -1 is negative"},
		{"tenant", sim.BulkSpec{Ports: 3}, "ports: need networks"},
		{"tenant", sim.BulkSpec{Servers: 1, Flavor: "m1.nope"}, `no flavor "m1.nope"`},
		{"tenant", sim.BulkSpec{Servers: 1, Flavor: "SCS-2V-4"}, "too small"},
		{"tenant", sim.BulkSpec{Servers: 1, Image: "Windows"}, `0 images named "Windows"`},
		{"tenant", sim.BulkSpec{Volumes: 1, VolumeType: "gold"}, "Volume type with name gold could not be found."},
		{"tenant", sim.BulkSpec{Networks: 2, Ports: 600}, "more than 252 per network"},
	} {
		if _, err := c.SeedBulk(tc.project, tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %q", tc.spec, err, tc.want)
		}
	}
	// A refused spec leaves no trace: the second run's keypairs clash
	// before any network is made.
	spec := sim.BulkSpec{Networks: 1, Keypairs: 1}
	if _, err := c.SeedBulk("tenant", spec); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SeedBulk("tenant", spec); err == nil || !strings.Contains(err.Error(), `key pair "bulk-key-1" already exists`) {
		t.Errorf("second run: %v", err)
	}
	pages, _ := networks.List(s.Network, networks.ListOpts{Name: "bulk-net-1"}).AllPages(context.Background())
	if nets, _ := networks.ExtractNetworks(pages); len(nets) != 1 {
		t.Errorf("%d networks bulk-net-1 after the refused run", len(nets))
	}
	res, err := c.SeedBulk("tenant", sim.BulkSpec{Networks: 1, Prefix: "again"})
	if err != nil || res.Networks != 1 {
		t.Fatalf("third run: %+v %v", res, err)
	}
}

// TestSeedBulk10k builds examples/tenant-10k.yaml's bulk section and
// pages through its servers with the real client.
func TestSeedBulk10k(t *testing.T) {
	fx, err := sim.LoadTenant("../../examples/tenant-10k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, s, _ := openBulkCloud(t)
	if err := c.UpdateQuotas("tenant", *fx.Quotas); err != nil {
		t.Fatal(err)
	}
	res, err := c.SeedBulk("tenant", *fx.Bulk)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d resources in %v: %+v", res.Total(), res.Elapsed.Round(time.Millisecond), res)
	if res.Total() < 10000 {
		t.Errorf("only %d resources", res.Total())
	}
	start := time.Now()
	n := 0
	err = servers.List(s.Compute, servers.ListOpts{Limit: 200}).EachPage(context.Background(), func(_ context.Context, p pagination.Page) (bool, error) {
		srvs, err := servers.ExtractServers(p)
		n += len(srvs)
		return true, err
	})
	if err != nil || n != 1000 {
		t.Errorf("listed %d servers: %v", n, err)
	}
	lim, err := limits.Get(context.Background(), s.Compute, nil).Extract()
	if err != nil || lim.Absolute.TotalInstancesUsed != 1000 || lim.Absolute.TotalInstancesUsed > lim.Absolute.MaxTotalInstances {
		t.Errorf("limits %+v %v", lim.Absolute, err)
	}
	t.Logf("listed 1000 servers in pages of 200 in %v", time.Since(start).Round(time.Millisecond))
}

// BenchmarkSeedBulk10k measures building examples/tenant-10k.yaml's bulk
// section (target: well under 5 s per tenant).
func BenchmarkSeedBulk10k(b *testing.B) {
	fx, err := sim.LoadTenant("../../examples/tenant-10k.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		c, err := sim.New(sim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.UpdateQuotas("tenant", *fx.Quotas); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := c.SeedBulk("tenant", *fx.Bulk)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Total()), "resources")
		c.Close()
		b.StartTimer()
	}
}
