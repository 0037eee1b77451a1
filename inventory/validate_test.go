package inventory_test

import (
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// sampleDocument is a small, whole tenant: one server on one network
// with a volume, a security group that refers to itself, a router and a
// floating IP.
func sampleDocument() *inventory.Document {
	port := 22
	d := &inventory.Document{
		APIVersion: inventory.APIVersion, Kind: inventory.Kind,
		Cloud: inventory.CloudInfo{AuthURL: "http://keystone/v3", Region: "RegionOne", ProjectID: "p1", ProjectName: "tenant",
			Services: []string{"compute", "network"}, ExternalNetworks: []inventory.ExternalNetwork{{ID: "ext", Name: "public"}}},
		Servers: []inventory.Server{{ID: "s1", Name: "web", Status: "ACTIVE", PowerState: "running", FlavorID: "f1",
			FlavorName: "SCS-2V-4-20s", ImageID: "i1", Ports: []string{"port1"}, SecurityGroups: []string{"web"},
			BlockDevices:  []inventory.BlockDevice{{VolumeID: "v1", Device: "/dev/vdb", BootIndex: -1}},
			ServerGroupID: "g1", Metadata: map[string]string{"role": "web"}}},
		Flavors: []inventory.Flavor{{ID: "f1", Name: "SCS-2V-4-20s", VCPUs: 2, RAMMiB: 4096, DiskGB: 20}},
		Images:  []inventory.Image{{ID: "i1", Name: "Ubuntu 24.04", Visibility: "public", UsedBy: []string{"s1"}}},
		Volumes: []inventory.Volume{{ID: "v1", Name: "data", SizeGB: 10, VolumeType: "ssd", Status: "in-use",
			Attachments: []inventory.VolumeAttachment{{ServerID: "s1", Device: "/dev/vdb"}}}},
		VolumeSnapshots: []inventory.VolumeSnapshot{{ID: "snap1", Name: "data-snap", VolumeID: "v1", SizeGB: 10}},
		VolumeTypes:     []inventory.VolumeType{{ID: "t1", Name: "ssd", Aspects: []string{"replicated"}}},
		Networks:        []inventory.Network{{ID: "n1", Name: "app", MTU: 1500}},
		Subnets:         []inventory.Subnet{{ID: "sn1", Name: "app-v4", NetworkID: "n1", IPVersion: 4, CIDR: "10.0.0.0/24"}},
		Routers: []inventory.Router{{ID: "r1", Name: "gw", ExternalGateway: &inventory.RouterGateway{NetworkID: "ext", NetworkName: "public"},
			Interfaces: []inventory.RouterInterface{{SubnetID: "sn1", PortID: "port2", IPAddress: "10.0.0.1"}}}},
		SecurityGroups: []inventory.SecurityGroup{{ID: "sg1", Name: "web", Rules: []inventory.SecurityGroupRule{
			{ID: "rule1", Direction: "ingress", EtherType: "IPv4", Protocol: "tcp", PortRangeMin: &port, PortRangeMax: &port, RemoteGroupID: "sg1"}}}},
		Ports: []inventory.Port{
			{ID: "port1", NetworkID: "n1", MACAddress: "fa:16:3e:00:00:01", DeviceID: "s1", DeviceOwner: "compute:nova",
				FixedIPs: []inventory.FixedIP{{SubnetID: "sn1", IPAddress: "10.0.0.10"}}, SecurityGroups: []string{"sg1"}},
			{ID: "port2", NetworkID: "n1", MACAddress: "fa:16:3e:00:00:02", DeviceID: "r1", DeviceOwner: "network:router_interface",
				FixedIPs: []inventory.FixedIP{{SubnetID: "sn1", IPAddress: "10.0.0.1"}}},
		},
		FloatingIPs:  []inventory.FloatingIP{{ID: "fip1", FloatingIPAddress: "203.0.113.5", FloatingNetworkID: "ext", PortID: "port1", FixedIPAddress: "10.0.0.10"}},
		ServerGroups: []inventory.ServerGroup{{ID: "g1", Name: "web", Policy: "anti-affinity", Members: []string{"s1"}}},
	}
	d.Normalize()
	return d
}

func TestValidateAcceptsWholeDocument(t *testing.T) {
	if err := sampleDocument().Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestValidateNamesBrokenReferences breaks one reference at a time and
// checks that the error names the field and the value.
func TestValidateNamesBrokenReferences(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(d *inventory.Document)
		want   string
	}{
		{"server port", func(d *inventory.Document) { d.Servers[0].Ports[0] = "nope" }, `servers[0] "web": ports[0]: "nope" is not in ports`},
		{"server volume", func(d *inventory.Document) { d.Servers[0].BlockDevices[0].VolumeID = "gone" }, `blockDevices[0].volumeID: "gone" is not in volumes`},
		{"server flavor", func(d *inventory.Document) { d.Servers[0].FlavorID = "f9" }, `flavorID: "f9" is not in flavors`},
		{"server group", func(d *inventory.Document) { d.Servers[0].ServerGroupID = "g9" }, `serverGroupID: "g9" is not in serverGroups`},
		{"boot flag", func(d *inventory.Document) { d.Servers[0].BootFromVolume = true }, `bootFromVolume is true but imageID is "i1"`},
		{"attachment", func(d *inventory.Document) { d.Volumes[0].Attachments[0].ServerID = "s9" }, `volumes[0] "data": attachments[0].serverID: "s9" is not in servers`},
		{"volume type", func(d *inventory.Document) { d.Volumes[0].VolumeType = "gold" }, `volumeType: "gold" is not in volumeTypes`},
		{"snapshot", func(d *inventory.Document) { d.VolumeSnapshots[0].VolumeID = "v9" }, `volumeSnapshots[0] "data-snap": volumeID: "v9" is not in volumes`},
		{"subnet network", func(d *inventory.Document) { d.Subnets[0].NetworkID = "n9" }, `subnets[0] "app-v4": networkID: "n9" is not in networks`},
		{"port subnet", func(d *inventory.Document) { port(d, "port1").FixedIPs[0].SubnetID = "sn9" }, `fixedIPs[0].subnetID: "sn9" is not in subnets`},
		{"port group", func(d *inventory.Document) { port(d, "port1").SecurityGroups[0] = "sg9" }, `securityGroups[0]: "sg9" is not in securityGroups`},
		{"rule remote", func(d *inventory.Document) { d.SecurityGroups[0].Rules[0].RemoteGroupID = "sg9" }, `rules[0].remoteGroupID: "sg9" is not in securityGroups`},
		{"router port", func(d *inventory.Document) { d.Routers[0].Interfaces[0].PortID = "port9" }, `interfaces[0].portID: "port9" is not in ports`},
		{"router gateway", func(d *inventory.Document) { d.Routers[0].ExternalGateway.NetworkID = "n9" }, `externalGateway.networkID: "n9" is not in cloud.externalNetworks`},
		{"floating port", func(d *inventory.Document) { d.FloatingIPs[0].PortID = "port9" }, `floatingIPs[0] "203.0.113.5": portID: "port9" is not in ports`},
		{"group member", func(d *inventory.Document) { d.ServerGroups[0].Members[0] = "s9" }, `serverGroups[0] "web": members[0]: "s9" is not in servers`},
		{"image user", func(d *inventory.Document) { d.Images[0].UsedBy[0] = "s9" }, `usedBy[0]: "s9" is not in servers or volumes`},
		{"duplicate id", func(d *inventory.Document) { port(d, "port2").ID = "port1" }, `ports[1]: id "port1" appears twice`},
		{"empty id", func(d *inventory.Document) { d.Networks[0].ID = "" }, `networks[0]: id is empty`},
		{"kind", func(d *inventory.Document) { d.Kind = "Plan" }, `apiVersion/kind is "scs-migrate.io/v1alpha1"/"Plan"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := sampleDocument()
			tc.break_(d)
			err := d.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want it to say %q", err, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	d := sampleDocument()
	d.Images[0].OwnedByTenant, d.Images[0].SizeBytes = true, 3<<30
	d.Warnings = []inventory.Warning{{Kind: "loadBalancers", Message: "forbidden"}}
	s := inventory.Summarize(d)
	if s.ImageBytes != 3<<30 || s.VolumeBytes != 10<<30 {
		t.Errorf("bytes: images %d, volumes %d", s.ImageBytes, s.VolumeBytes)
	}
	counts := map[string]int{}
	for _, c := range s.Counts {
		counts[c.Kind] = c.Count
	}
	if counts["servers"] != 1 || counts["ports"] != 2 || len(s.Warnings) != 1 {
		t.Errorf("summary %+v", s)
	}
	if _, ok := counts["clusters"]; ok {
		t.Error("clusters counted although there are none")
	}
}

func port(d *inventory.Document, id string) *inventory.Port {
	for i := range d.Ports {
		if d.Ports[i].ID == id {
			return &d.Ports[i]
		}
	}
	panic("no port " + id)
}
