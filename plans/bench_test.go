package plans

import (
	"fmt"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// bigInventory generates a tenant of over 10,000 resources: 1,800
// servers (half booting from volumes), 3,600 ports, 2,300 volumes, 200
// networks and subnets, 20 routers, 200 security groups with 1,000
// rules, 900 floating IPs, 50 load balancers, flavors and images.
func bigInventory() *inventory.Document {
	inv := demoInventory()
	inv.Servers, inv.Ports, inv.Volumes, inv.FloatingIPs, inv.LoadBalancers = nil, nil, nil, nil, nil
	inv.Networks, inv.Subnets, inv.Routers, inv.SecurityGroups = nil, nil, nil, nil
	for i := range 200 {
		net, sub := fmt.Sprintf("net-%d", i), fmt.Sprintf("sub-%d", i)
		inv.Networks = append(inv.Networks, inventory.Network{ID: net, Name: net})
		inv.Subnets = append(inv.Subnets, inventory.Subnet{ID: sub, Name: sub, NetworkID: net, CIDR: fmt.Sprintf("10.%d.%d.0/24", i/250, i%250)})
	}
	for r := range 20 {
		rt := inventory.Router{ID: fmt.Sprintf("rtr-%d", r), Name: fmt.Sprintf("rtr-%d", r),
			ExternalGateway: &inventory.RouterGateway{NetworkID: "net-public", NetworkName: "public"},
			Routes:          []inventory.Route{{Destination: "172.16.0.0/24", NextHop: fmt.Sprintf("10.0.%d.254", r*10)}}}
		for i := r * 10; i < r*10+10; i++ {
			rt.Interfaces = append(rt.Interfaces, inventory.RouterInterface{SubnetID: fmt.Sprintf("sub-%d", i)})
		}
		inv.Routers = append(inv.Routers, rt)
	}
	for g := range 200 {
		sg := inventory.SecurityGroup{ID: fmt.Sprintf("sg-%d", g), Name: fmt.Sprintf("sg-%d", g)}
		for r := range 5 {
			sg.Rules = append(sg.Rules, inventory.SecurityGroupRule{ID: fmt.Sprintf("r-%d-%d", g, r), Direction: "ingress",
				RemoteGroupID: fmt.Sprintf("sg-%d", (g+r)%200)})
		}
		inv.SecurityGroups = append(inv.SecurityGroups, sg)
	}
	flavors := []string{"SCS-1V-2-5", "SCS-2V-4-20s", "SCS-4V-16", "alpha.c4.m12"}
	for s := range 1800 {
		id, net := fmt.Sprintf("srv-%d", s), s%200
		srv := inventory.Server{ID: id, Name: id, Status: "ACTIVE", FlavorName: flavors[s%4], AvailabilityZone: "nova", KeyName: "ops"}
		for p := range 2 {
			pid := fmt.Sprintf("port-%d-%d", s, p)
			srv.Ports = append(srv.Ports, pid)
			inv.Ports = append(inv.Ports, port(pid, fmt.Sprintf("net-%d", (net+p)%200), fmt.Sprintf("sub-%d", (net+p)%200),
				fmt.Sprintf("10.%d.%d.%d", 0, (net+p)%250, 10+s/200), "compute:nova", id, fmt.Sprintf("sg-%d", s%200)))
		}
		if s%2 == 0 {
			srv.BootFromVolume = true
			root := fmt.Sprintf("vol-root-%d", s)
			srv.BlockDevices = append(srv.BlockDevices, inventory.BlockDevice{VolumeID: root, BootIndex: 0})
			inv.Volumes = append(inv.Volumes, inventory.Volume{ID: root, SizeGB: 20, VolumeType: "ssd", Status: "in-use", AvailabilityZone: "nova",
				Bootable: true, Attachments: []inventory.VolumeAttachment{{ServerID: id, Device: "/dev/vda"}}})
		} else {
			srv.ImageID = "img-webshop"
			data := fmt.Sprintf("vol-data-%d", s)
			srv.BlockDevices = append(srv.BlockDevices, inventory.BlockDevice{VolumeID: data, BootIndex: -1})
			inv.Volumes = append(inv.Volumes, inventory.Volume{ID: data, SizeGB: 50, VolumeType: "ssd-encrypted", Status: "in-use", AvailabilityZone: "nova",
				Attachments: []inventory.VolumeAttachment{{ServerID: id, Device: "/dev/vdb"}}})
		}
		if s%2 == 0 {
			inv.FloatingIPs = append(inv.FloatingIPs, inventory.FloatingIP{ID: fmt.Sprintf("fip-%d", s), FloatingNetworkID: "net-public",
				FloatingNetworkName: "public", PortID: srv.Ports[0], FloatingIPAddress: fmt.Sprintf("203.0.%d.%d", s/250, s%250)})
		}
		inv.Servers = append(inv.Servers, srv)
	}
	for v := range 500 {
		inv.Volumes = append(inv.Volumes, inventory.Volume{ID: fmt.Sprintf("vol-free-%d", v), SizeGB: 10, VolumeType: "__DEFAULT__", Status: "available", AvailabilityZone: "nova"})
	}
	for l := range 50 {
		lb := inventory.LoadBalancer{ID: fmt.Sprintf("lb-%d", l), Name: fmt.Sprintf("lb-%d", l), VIPSubnetID: fmt.Sprintf("sub-%d", l)}
		pool := inventory.Pool{ID: fmt.Sprintf("pool-%d", l)}
		for m := range 4 {
			p := inv.Ports[(l*8+m)*2]
			pool.Members = append(pool.Members, inventory.Member{Address: p.FixedIPs[0].IPAddress, SubnetID: p.FixedIPs[0].SubnetID})
		}
		lb.Pools = []inventory.Pool{pool}
		inv.LoadBalancers = append(inv.LoadBalancers, lb)
	}
	return inv
}

func resourceCount(inv *inventory.Document) int {
	n := len(inv.Servers) + len(inv.Ports) + len(inv.Volumes) + len(inv.Networks) + len(inv.Subnets) + len(inv.Routers) +
		len(inv.SecurityGroups) + len(inv.FloatingIPs) + len(inv.LoadBalancers) + len(inv.Flavors) + len(inv.Images) +
		len(inv.Keypairs) + len(inv.ServerGroups)
	for _, g := range inv.SecurityGroups {
		n += len(g.Rules)
	}
	return n
}

func BenchmarkBuild10k(b *testing.B) {
	inv, tgt := bigInventory(), demoTarget()
	b.ReportMetric(float64(resourceCount(inv)), "resources")
	b.ResetTimer()
	for b.Loop() {
		p, err := Build(inv, tgt, BuildOptions{ID: "bench", Now: fixedNow})
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Steps) < 8000 {
			b.Fatalf("only %d steps", len(p.Steps))
		}
	}
}

// TestBuildLarge checks the generated tenant plans cleanly and well
// within the one-second budget (a loose bound, for slow CI machines).
func TestBuildLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	inv := bigInventory()
	if n := resourceCount(inv); n < 10000 {
		t.Fatalf("only %d resources", n)
	}
	res := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			if _, err := Build(inv, demoTarget(), BuildOptions{ID: "x", Now: fixedNow}); err != nil {
				b.Fatal(err)
			}
		}
	})
	p, err := Build(inv, demoTarget(), BuildOptions{ID: "x", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(p.Blocked) > 0 {
		t.Errorf("blocked: %v", p.Blocked[0])
	}
	t.Logf("%d resources → %d steps in %v", resourceCount(inv), len(p.Steps), res.T/time.Duration(res.N))
}
