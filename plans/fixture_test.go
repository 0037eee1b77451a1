package plans

import (
	"time"

	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// The demo tenant of examples/tenant.yaml as an inventory would record
// it on "Alpha Cloud", and "Beta Cloud" as ReadTarget would see it. IDs
// are readable so that golden files are easy to review.

var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func intp(v int) *int { return &v }

func stdFlavor(name string) inventory.Flavor {
	s, ok := scs.LookupStandardFlavor(name)
	if !ok {
		panic("not a standard flavor: " + name)
	}
	return inventory.Flavor{ID: "flv-" + name, Name: name, VCPUs: s.VCPUs, RAMMiB: s.RAMMiB, DiskGB: s.DiskGB, ExtraSpecs: s.ExtraSpecs, Public: true}
}

func stdImage(id, name, distro, version string) inventory.Image {
	return inventory.Image{ID: id, Name: name, Status: "active", Visibility: "public", Owner: "provider",
		DiskFormat: "qcow2", ContainerFormat: "bare", SizeBytes: 600 << 20, MinDiskGB: 8,
		Properties: map[string]string{"os_distro": distro, "os_version": version, "os_purpose": "generic", "architecture": "x86_64",
			"hw_disk_bus": "scsi", "image_original_user": distro, "image_build_date": "2026-10-01",
			"image_source": "https://cloud-images.ubuntu.com/noble/", "image_description": "https://docs.scs.community", "replace_frequency": "monthly",
			"uuid_validity": "last-3", "provided_until": "none", "hotfix_hours": "0"},
		CreatedAt: "2026-10-01T00:00:00Z"}
}

func demoInventory() *inventory.Document {
	ssh22, ssh443, pg, hc := intp(22), intp(443), intp(5432), intp(8080)
	return &inventory.Document{
		APIVersion: inventory.APIVersion, Kind: inventory.Kind,
		Cloud: inventory.CloudInfo{Name: "sim-source", AuthURL: "http://alpha.example/identity/v3", Region: "RegionOne",
			ProjectID: "p-alpha", ProjectName: "webshop",
			Services:         []string{"compute", "identity", "image", "load-balancer", "network", "placement", "volumev3"},
			ExternalNetworks: []inventory.ExternalNetwork{{ID: "net-public", Name: "public"}}},
		Servers: []inventory.Server{
			{ID: "srv-bastion", Name: "bastion", Status: "ACTIVE", FlavorName: "SCS-1V-2-5", ImageID: "img-debian12",
				Ports: []string{"port-bastion"}, SecurityGroups: []string{"bastion"}, KeyName: "ops", AvailabilityZone: "nova",
				Metadata: map[string]string{"role": "bastion"}},
			{ID: "srv-db-1", Name: "db-1", Status: "ACTIVE", FlavorName: "SCS-4V-16", BootFromVolume: true,
				BlockDevices: []inventory.BlockDevice{{VolumeID: "vol-db-1-root", Device: "/dev/vda", BootIndex: 0},
					{VolumeID: "vol-db-data", Device: "/dev/vdb", BootIndex: -1}},
				Ports: []string{"port-db-1"}, SecurityGroups: []string{"db"}, KeyName: "ops", AvailabilityZone: "nova"},
			{ID: "srv-reporting", Name: "reporting", Status: "SHUTOFF", FlavorName: "alpha.c4.m12", BootFromVolume: true,
				BlockDevices: []inventory.BlockDevice{{VolumeID: "vol-reporting-root", Device: "/dev/vda", BootIndex: 0, DeleteOnTermination: true}},
				Ports:        []string{"port-reporting-0", "port-reporting-1"}, SecurityGroups: []string{"db", "web"}, AvailabilityZone: "nova"},
			{ID: "srv-web-1", Name: "web-1", Status: "ACTIVE", FlavorName: "SCS-2V-4-20s", ImageID: "img-webshop",
				BlockDevices: []inventory.BlockDevice{{VolumeID: "vol-uploads", Device: "/dev/vdb", BootIndex: -1}},
				Ports:        []string{"port-web-1"}, SecurityGroups: []string{"web"}, KeyName: "ops", ServerGroupID: "sg-web-spread", AvailabilityZone: "nova"},
			{ID: "srv-web-2", Name: "web-2", Status: "ACTIVE", FlavorName: "SCS-2V-4-20s", ImageID: "img-webshop",
				Ports: []string{"port-web-2"}, SecurityGroups: []string{"web"}, KeyName: "ops", ServerGroupID: "sg-web-spread", AvailabilityZone: "nova"},
		},
		Flavors: []inventory.Flavor{
			stdFlavor("SCS-1V-2-5"), stdFlavor("SCS-2V-4-20s"), stdFlavor("SCS-4V-16"),
			{ID: "flv-alpha-c4-m12", Name: "alpha.c4.m12", VCPUs: 4, RAMMiB: 12288, Public: true},
		},
		Images: []inventory.Image{
			stdImage("img-debian12", "Debian 12", "debian", "12"),
			{ID: "img-legacy", Name: "legacy-reporting", Status: "active", Visibility: "private", Owner: "p-alpha", OwnedByTenant: true,
				DiskFormat: "raw", ContainerFormat: "bare", SizeBytes: 6 << 20, MinDiskGB: 5,
				Properties: map[string]string{"architecture": "x86_64", "os_distro": "debian"}, CreatedAt: "2026-01-10T00:00:00Z",
				UsedBy: []string{"vol-reporting-root"}},
			stdImage("img-ubuntu2404", "Ubuntu 24.04", "ubuntu", "24.04"),
			{ID: "img-webshop", Name: "webshop-app-2026.11", Status: "active", Visibility: "private", Owner: "p-alpha", OwnedByTenant: true,
				DiskFormat: "raw", ContainerFormat: "bare", SizeBytes: 12 << 20, MinDiskGB: 20, MinRAMMiB: 1024,
				Tags: []string{"golden", "webshop"},
				Properties: map[string]string{"architecture": "x86_64", "hw_disk_bus": "scsi", "hw_scsi_model": "virtio-scsi",
					"hw_qemu_guest_agent": "yes", "os_distro": "ubuntu", "os_version": "24.04", "os_purpose": "custom",
					"image_build_date": "2026-11-02", "image_original_user": "ubuntu", "image_source": "private",
					"image_description": "web shop application image, built by CI"},
				CreatedAt: "2026-11-02T00:00:00Z", UsedBy: []string{"srv-web-1", "srv-web-2"}},
		},
		Volumes: []inventory.Volume{
			{ID: "vol-archive", Name: "archive-2025", SizeGB: 1, VolumeType: "__DEFAULT__", Status: "available", AvailabilityZone: "nova"},
			{ID: "vol-db-1-root", Name: "db-1-root", SizeGB: 10, VolumeType: "ssd", Status: "in-use", Bootable: true, AvailabilityZone: "nova",
				Attachments: []inventory.VolumeAttachment{{ServerID: "srv-db-1", Device: "/dev/vda"}}, SourceImageID: "img-ubuntu2404"},
			{ID: "vol-db-data", Name: "db-data", SizeGB: 4, VolumeType: "ssd-encrypted", Status: "in-use", Encrypted: true, AvailabilityZone: "nova",
				Attachments: []inventory.VolumeAttachment{{ServerID: "srv-db-1", Device: "/dev/vdb"}}},
			{ID: "vol-reporting-root", Name: "reporting-root", SizeGB: 5, VolumeType: "ssd", Status: "in-use", Bootable: true, AvailabilityZone: "nova",
				Attachments: []inventory.VolumeAttachment{{ServerID: "srv-reporting", Device: "/dev/vda"}}, SourceImageID: "img-legacy"},
			{ID: "vol-uploads", Name: "uploads", SizeGB: 2, VolumeType: "ssd", Status: "in-use", AvailabilityZone: "nova",
				Attachments: []inventory.VolumeAttachment{{ServerID: "srv-web-1", Device: "/dev/vdb"}}},
		},
		VolumeTypes: []inventory.VolumeType{
			{ID: "vt-default", Name: "__DEFAULT__", Description: "Default Volume Type"},
			{ID: "vt-ssd", Name: "ssd", Description: "[scs:replicated] Ceph RBD, 3 replicas", Aspects: []string{"replicated"}},
			{ID: "vt-ssd-enc", Name: "ssd-encrypted", Description: "[scs:encrypted, replicated] Ceph RBD with LUKS",
				ExtraSpecs: map[string]string{"encrypted": "true"}, Aspects: []string{"encrypted", "replicated"}},
		},
		Networks: []inventory.Network{
			{ID: "net-backend", Name: "backend", MTU: 1400, AdminStateUp: true, PortSecurityEnabled: true},
			{ID: "net-frontend", Name: "frontend", MTU: 1500, AdminStateUp: true, PortSecurityEnabled: true},
		},
		Subnets: []inventory.Subnet{
			{ID: "sub-backend-v4", Name: "backend-v4", NetworkID: "net-backend", IPVersion: 4, CIDR: "10.10.2.0/24", GatewayIP: "10.10.2.1", EnableDHCP: true},
			{ID: "sub-frontend-v4", Name: "frontend-v4", NetworkID: "net-frontend", IPVersion: 4, CIDR: "10.10.1.0/24", GatewayIP: "10.10.1.1", EnableDHCP: true},
		},
		Routers: []inventory.Router{{ID: "rtr-edge", Name: "edge", AdminStateUp: true,
			ExternalGateway: &inventory.RouterGateway{NetworkID: "net-public", NetworkName: "public", EnableSNAT: true},
			Interfaces: []inventory.RouterInterface{{SubnetID: "sub-frontend-v4", PortID: "port-rtr-fe", IPAddress: "10.10.1.1"},
				{SubnetID: "sub-backend-v4", PortID: "port-rtr-be", IPAddress: "10.10.2.1"}},
			Routes: []inventory.Route{{Destination: "172.16.50.0/24", NextHop: "10.10.2.254"}}}},
		SecurityGroups: []inventory.SecurityGroup{
			{ID: "sg-bastion", Name: "bastion", Rules: []inventory.SecurityGroupRule{
				{ID: "r-b1", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ssh22, PortRangeMax: ssh22, RemoteIPPrefix: "198.18.0.0/24"},
				{ID: "r-b2", Direction: "egress", EtherType: "IPv4"}}},
			{ID: "sg-db", Name: "db", Rules: []inventory.SecurityGroupRule{
				{ID: "r-d1", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: pg, PortRangeMax: pg, RemoteGroupID: "sg-web"},
				{ID: "r-d2", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ssh22, PortRangeMax: ssh22, RemoteGroupID: "sg-bastion"},
				{ID: "r-d3", Direction: "ingress", EtherType: "IPv4", Protocol: "icmp", RemoteGroupID: "sg-db"}}},
			{ID: "sg-default", Name: "default", Rules: []inventory.SecurityGroupRule{
				{ID: "r-x1", Direction: "egress", EtherType: "IPv4"}, {ID: "r-x2", Direction: "ingress", EtherType: "IPv4", RemoteGroupID: "sg-default"}}},
			{ID: "sg-web", Name: "web", Rules: []inventory.SecurityGroupRule{
				{ID: "r-w1", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ssh443, PortRangeMax: ssh443, RemoteIPPrefix: "0.0.0.0/0"},
				{ID: "r-w2", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: hc, PortRangeMax: hc, RemoteIPPrefix: "10.10.1.0/24"},
				{ID: "r-w3", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: ssh22, PortRangeMax: ssh22, RemoteGroupID: "sg-bastion"}}},
		},
		Ports: []inventory.Port{
			port("port-bastion", "net-frontend", "sub-frontend-v4", "10.10.1.5", "compute:nova", "srv-bastion", "sg-bastion"),
			port("port-db-1", "net-backend", "sub-backend-v4", "10.10.2.20", "compute:nova", "srv-db-1", "sg-db"),
			port("port-dhcp-fe", "net-frontend", "sub-frontend-v4", "10.10.1.2", "network:dhcp", "dhcp"),
			port("port-lb-vip", "net-frontend", "sub-frontend-v4", "10.10.1.50", "Octavia", "lb-shop"),
			port("port-reporting-0", "net-backend", "sub-backend-v4", "10.10.2.30", "compute:nova", "srv-reporting", "sg-db", "sg-web"),
			port("port-reporting-1", "net-frontend", "sub-frontend-v4", "10.10.1.30", "compute:nova", "srv-reporting", "sg-db", "sg-web"),
			port("port-rtr-be", "net-backend", "sub-backend-v4", "10.10.2.1", "network:router_interface", "rtr-edge"),
			port("port-rtr-fe", "net-frontend", "sub-frontend-v4", "10.10.1.1", "network:router_interface", "rtr-edge"),
			port("port-web-1", "net-frontend", "sub-frontend-v4", "10.10.1.11", "compute:nova", "srv-web-1", "sg-web"),
			port("port-web-2", "net-frontend", "sub-frontend-v4", "10.10.1.12", "compute:nova", "srv-web-2", "sg-web"),
		},
		FloatingIPs: []inventory.FloatingIP{{ID: "fip-bastion", FloatingIPAddress: "203.0.113.10", FloatingNetworkID: "net-public",
			FloatingNetworkName: "public", PortID: "port-bastion", FixedIPAddress: "10.10.1.5"}},
		Keypairs:     []inventory.Keypair{{Name: "ops", Type: "ssh", PublicKey: "ssh-ed25519 AAAA ops@webshop", Fingerprint: "aa:bb"}},
		ServerGroups: []inventory.ServerGroup{{ID: "sg-web-spread", Name: "web-spread", Policy: "anti-affinity", Members: []string{"srv-web-1", "srv-web-2"}}},
		LoadBalancers: []inventory.LoadBalancer{{ID: "lb-shop", Name: "shop-lb", VIPSubnetID: "sub-frontend-v4", VIPNetworkID: "net-frontend",
			VIPAddress: "10.10.1.50", VIPPortID: "port-lb-vip", Provider: "amphora",
			Listeners: []inventory.Listener{{ID: "lis-http", Name: "http", Protocol: "HTTP", ProtocolPort: 80, DefaultPoolID: "pool-http", ConnectionLimit: -1}},
			Pools: []inventory.Pool{{ID: "pool-http", Name: "http", Protocol: "HTTP", LBAlgorithm: "ROUND_ROBIN", ListenerID: "lis-http",
				Members: []inventory.Member{{ID: "m1", Address: "10.10.1.11", ProtocolPort: 8080, SubnetID: "sub-frontend-v4", Weight: 1},
					{ID: "m2", Address: "10.10.1.12", ProtocolPort: 8080, SubnetID: "sub-frontend-v4", Weight: 1}},
				HealthMonitor: &inventory.HealthMonitor{ID: "hm", Type: "HTTP", Delay: 5, Timeout: 3, MaxRetries: 3, URLPath: "/healthz"}}}}},
		Containers: []inventory.Container{
			{Name: "webshop-assets", Objects: 202, Bytes: 21791744, LargestObject: 20971520, LargeObjects: 1, S3: true,
				Metadata: map[string]string{"owner": "shop-team"}},
			{Name: "webshop-backups", Objects: 1, Bytes: 3145728, LargestObject: 3145728, S3: true,
				Settings: s3.Settings{Versioning: "Enabled"}},
		},
	}
}

func port(id, net, subnet, ip, owner, device string, groups ...string) inventory.Port {
	return inventory.Port{ID: id, NetworkID: net, MACAddress: "fa:16:3e:00:00:01", FixedIPs: []inventory.FixedIP{{SubnetID: subnet, IPAddress: ip}},
		SecurityGroups: groups, DeviceOwner: owner, DeviceID: device, AdminStateUp: true, PortSecurityEnabled: true}
}

func demoTarget() *Target {
	t := &Target{
		Endpoint: Endpoint{Cloud: "sim-target", AuthURL: "http://beta.example/identity/v3", Region: "de-west-1", ProjectID: "p-beta", ProjectName: "webshop"},
		Services: []string{"compute", "identity", "image", "load-balancer", "network", "object-store", "placement", "volumev3"},
		Images: []inventory.Image{
			stdImage("t-img-debian12", "Debian 12", "debian", "12"),
			stdImage("t-img-ubuntu2204", "Ubuntu 22.04", "ubuntu", "22.04"),
			stdImage("t-img-ubuntu2404", "Ubuntu 24.04", "ubuntu", "24.04"),
		},
		VolumeTypes: []inventory.VolumeType{
			{ID: "t-vt-luks", Name: "LUKS", Description: "[scs:encrypted, replicated] encrypted, triple-replicated", Aspects: []string{"encrypted", "replicated"}},
			{ID: "t-vt-nvme", Name: "local-nvme", Description: "fast, not replicated"},
			{ID: "t-vt-standard", Name: "standard", Description: "[scs:replicated] triple-replicated block storage", Aspects: []string{"replicated"}},
		},
		DefaultVolumeType: "standard",
		ExternalNetworks:  []inventory.ExternalNetwork{{ID: "t-net-ext", Name: "ext-net"}},
		ComputeAZs:        []string{"az1", "az2"},
		VolumeAZs:         []string{"az1", "az2"},
		Quotas: []inventory.Quota{
			{Service: "compute", Resource: "cores", Limit: 64}, {Service: "compute", Resource: "instances", Limit: 20},
			{Service: "compute", Resource: "key_pairs", Limit: 100}, {Service: "compute", Resource: "ram", Limit: 256000},
			{Service: "compute", Resource: "server_groups", Limit: 10},
			{Service: "volume", Resource: "gigabytes", Limit: 2000}, {Service: "volume", Resource: "volumes", Limit: 50},
			{Service: "network", Resource: "floatingip", Limit: 50}, {Service: "network", Resource: "network", Limit: 100},
			{Service: "network", Resource: "port", Limit: 500}, {Service: "network", Resource: "router", Limit: 10},
			{Service: "network", Resource: "security_group", Limit: 10, InUse: 1},
			{Service: "network", Resource: "security_group_rule", Limit: 100, InUse: 4},
			{Service: "network", Resource: "subnet", Limit: 100},
			{Service: "load-balancer", Resource: "load_balancer", Limit: 10},
		},
		Existing: Existing{SecurityGroups: []string{"default"}},
	}
	for _, s := range scs.StandardFlavors() {
		t.Flavors = append(t.Flavors, stdFlavor(s.Name))
	}
	t.Flavors = append(t.Flavors,
		inventory.Flavor{ID: "flv-SCS-4V-12", Name: "SCS-4V-12", VCPUs: 4, RAMMiB: 12288, Public: true,
			ExtraSpecs: map[string]string{"scs:name-v1": "SCS-4V:12", "scs:name-v2": "SCS-4V-12", "scs:cpu-type": "shared-core"}},
		inventory.Flavor{ID: "flv-SCS-4C-16", Name: "SCS-4C-16", VCPUs: 4, RAMMiB: 16384, Public: true,
			ExtraSpecs: map[string]string{"scs:name-v1": "SCS-4C:16", "scs:name-v2": "SCS-4C-16", "scs:cpu-type": "dedicated-core"}},
		inventory.Flavor{ID: "flv-beta-huge", Name: "beta.huge", VCPUs: 32, RAMMiB: 262144, DiskGB: 200, Public: true},
	)
	return t
}

// buildDemo plans the demo tenant with a fixed ID and time.
func buildDemo(inv *inventory.Document, tgt *Target, ov *Overrides) (*Plan, error) {
	return Build(inv, tgt, BuildOptions{Overrides: ov, ID: "plan-0123456789abcdef", Now: fixedNow, BandwidthMbps: 1000})
}

// troubled is the demo tenant against a target that lacks much: no
// dedicated-core flavor for the reporting server, no encrypted volume
// type, no load balancer service, two external networks, too few
// instances, and a network name and CIDR already in use.
func troubled() (*inventory.Document, *Target) {
	inv := demoInventory()
	for i := range inv.Flavors {
		if inv.Flavors[i].Name == "alpha.c4.m12" {
			inv.Flavors[i].ExtraSpecs = map[string]string{"scs:cpu-type": "dedicated-core"}
		}
	}
	inv.Images = append(inv.Images, stdImage("img-ubuntu2004", "Ubuntu 20.04", "ubuntu", "20.04"))
	tgt := demoTarget()
	var flavors []inventory.Flavor
	for _, f := range tgt.Flavors {
		if f.Name != "SCS-4C-16" {
			flavors = append(flavors, f)
		}
	}
	tgt.Flavors = flavors
	tgt.VolumeTypes = tgt.VolumeTypes[1:] // no LUKS
	tgt.Services = []string{"compute", "identity", "image", "network", "placement", "volumev3"}
	tgt.ExternalNetworks = []inventory.ExternalNetwork{{ID: "t-net-a", Name: "internet"}, {ID: "t-net-b", Name: "provider-net"}}
	for i, q := range tgt.Quotas {
		if q.Resource == "instances" {
			tgt.Quotas[i].Limit, tgt.Quotas[i].InUse = 4, 1
		}
	}
	tgt.Existing.Networks = []string{"frontend"}
	tgt.Existing.Subnets = []ExistingSubnet{{Name: "office", CIDR: "10.10.0.0/16"}}
	return inv, tgt
}
