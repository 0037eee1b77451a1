package plans

import (
	"slices"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// ancestors are the steps a step depends on, directly or not.
func ancestors(t *testing.T, p *Plan, id string) map[string]bool {
	t.Helper()
	g, err := NewGraph(p.Steps)
	if err != nil {
		t.Fatal(err)
	}
	i, ok := g.Index(id)
	if !ok {
		t.Fatalf("no step %s", id)
	}
	seen := map[string]bool{}
	for queue := []int{i}; len(queue) > 0; queue = queue[1:] {
		for _, d := range g.Deps(queue[0]) {
			if id := g.Step(d).ID; !seen[id] {
				seen[id] = true
				queue = append(queue, d)
			}
		}
	}
	return seen
}

// ownSteps are the steps that belong to a server: its stop, snapshot,
// server step, ports and disk copies.
func ownSteps(inv *inventory.Document, s inventory.Server) []string {
	ids := []string{stepID(StepStopServer, s.ID), stepID(StepSnapshotServer, s.ID), stepID(StepServer, s.ID)}
	for _, p := range s.Ports {
		ids = append(ids, stepID(StepPort, p))
	}
	for _, bd := range s.BlockDevices {
		ids = append(ids, stepID(StepCopyVolume, bd.VolumeID))
	}
	return ids
}

// wantBefore are the steps a server's stop must wait for: its ports,
// their networks, subnets and security groups (and rules), and its
// keypair.
func wantBefore(inv *inventory.Document, s inventory.Server) []string {
	ix := inventory.NewIndex(inv)
	var ids []string
	for _, pid := range s.Ports {
		p := ix.Ports[pid]
		ids = append(ids, stepID(StepPort, pid), stepID(StepNetwork, p.NetworkID))
		for _, ip := range p.FixedIPs {
			ids = append(ids, stepID(StepSubnet, ip.SubnetID))
		}
		for _, g := range p.SecurityGroups {
			ids = append(ids, stepID(StepSecurityGroup, g), stepID(StepSecurityGroupRules, g))
		}
	}
	if s.KeyName != "" {
		ids = append(ids, stepID(StepKeypair, s.KeyName))
	}
	return ids
}

// TestEachServerStopsWhenItsTargetIsReady: in the demo plan a server is
// stopped only after its own network prerequisites exist on the target,
// and never waits for another server.
func TestEachServerStopsWhenItsTargetIsReady(t *testing.T) {
	inv := demoInventory()
	p := mustBuild(t, inv, demoTarget(), nil)
	stops := 0
	for _, s := range inv.Servers {
		id := stepID(StepStopServer, s.ID)
		if !hasStep(p, id) {
			continue
		}
		stops++
		before := ancestors(t, p, id)
		for _, w := range wantBefore(inv, s) {
			if !before[w] {
				t.Errorf("%s does not wait for %s", id, w)
			}
		}
		for _, other := range inv.Servers {
			if other.ID == s.ID {
				continue
			}
			for _, o := range ownSteps(inv, other) {
				if before[o] {
					t.Errorf("%s waits for %s, a step of another server", id, o)
				}
			}
		}
		if s.ID == "srv-web-1" {
			for _, w := range []string{"router-interface/rtr-edge/sub-frontend-v4", "server-group/sg-web-spread", "copy-image/img-webshop"} {
				if !before[w] {
					t.Errorf("web-1's stop does not wait for %s", w)
				}
			}
		}
	}
	if stops != 4 {
		t.Errorf("%d stops, want 4 (reporting is already SHUTOFF)", stops)
	}
	// the disks follow the stop
	for _, c := range [][2]string{{"snapshot-server/srv-web-1", "stop-server/srv-web-1"}, {"copy-volume/vol-uploads", "stop-server/srv-web-1"}, {"copy-volume/vol-db-1-root", "stop-server/srv-db-1"}} {
		if !slices.Contains(stepByID(t, p, c[0]).DependsOn, c[1]) {
			t.Errorf("%s does not wait for %s", c[0], c[1])
		}
	}
}

// TestStopsComeAfterTheNetworkIsBuilt: in the written order the first
// stop comes after every network, subnet, security group and port of
// the stopped server.
func TestStopsComeAfterTheNetworkIsBuilt(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	if p.Steps[0].Kind == StepStopServer {
		t.Fatalf("the plan starts by stopping %s", p.Steps[0].Name)
	}
	pos := map[string]int{}
	for i, s := range p.Steps {
		pos[s.ID] = i
	}
	if pos["stop-server/srv-web-1"] < pos["port/port-web-1"] || pos["stop-server/srv-web-1"] < pos["network/net-frontend"] {
		t.Error("web-1 is stopped before its port or network exist")
	}
}

const shopWave = `apiVersion: scs-migrate.io/v1alpha1
kind: Mapping
waves:
  - name: shop
    servers: [web-1, db-1]
`

func TestWaveMembersStopTogether(t *testing.T) {
	ov, err := ParseMapping("waves.yaml", []byte(shopWave))
	if err != nil {
		t.Fatal(err)
	}
	inv := demoInventory()
	p := mustBuild(t, inv, demoTarget(), ov)
	web, db := stepByID(t, p, "stop-server/srv-web-1"), stepByID(t, p, "stop-server/srv-db-1")
	if !slices.Equal(web.DependsOn, db.DependsOn) {
		t.Errorf("the stops of one wave wait for different steps:\n  web-1 %v\n  db-1  %v", web.DependsOn, db.DependsOn)
	}
	for _, s := range []inventory.Server{inv.Servers[1], inv.Servers[3]} { // db-1, web-1
		before := ancestors(t, p, stepID(StepStopServer, s.ID))
		for _, w := range append(wantBefore(inv, inv.Servers[1]), wantBefore(inv, inv.Servers[3])...) {
			if !before[w] {
				t.Errorf("%s does not wait for its wave's %s", s.Name, w)
			}
		}
	}
	if web.Wave != "shop" || db.Wave != "shop" || stepByID(t, p, "server/srv-db-1").Wave != "shop" {
		t.Errorf("waves on the steps: %q %q", web.Wave, db.Wave)
	}
	if w := stepByID(t, p, "stop-server/srv-web-2"); w.Wave != "" || slices.Contains(w.DependsOn, "port/port-db-1") {
		t.Errorf("web-2, in no wave, waits for the shop wave: %v", w.DependsOn)
	}
	want := []Wave{{Name: "shop", Servers: []string{"srv-web-1", "srv-db-1"}, From: "waves.yaml:4"}}
	if !slices.EqualFunc(p.Waves, want, func(a, b Wave) bool {
		return a.Name == b.Name && a.From == b.From && slices.Equal(a.Servers, b.Servers)
	}) {
		t.Errorf("waves %+v, want %+v", p.Waves, want)
	}
	// the members are down together: each waits for the data of both
	dt := map[string]Downtime{}
	for _, d := range p.Downtime {
		dt[d.Name] = d
	}
	both := 600<<20 + 4*gib + 2*gib + 12<<20 // db-1 root (Ubuntu image), db-data, uploads, web-1 snapshot
	if dt["web-1"].DataBytes != both || dt["db-1"].DataBytes != both || dt["web-1"].Wave != "shop" {
		t.Errorf("wave downtime data: web-1 %+v, db-1 %+v, want %d bytes each", dt["web-1"], dt["db-1"], both)
	}
}

func TestWaveFromMetadataAndTheFileWins(t *testing.T) {
	inv := demoInventory()
	inv.Servers[4].Metadata = map[string]string{WaveMetadataKey: "shop"}  // web-2 joins the file's wave
	inv.Servers[3].Metadata = map[string]string{WaveMetadataKey: "other"} // web-1: the file says shop
	inv.Servers[0].Metadata = map[string]string{WaveMetadataKey: "ops"}   // bastion: a wave of its own name
	ov, err := ParseMapping("waves.yaml", []byte(shopWave))
	if err != nil {
		t.Fatal(err)
	}
	p := mustBuild(t, inv, demoTarget(), ov)
	for id, want := range map[string]string{"srv-web-1": "shop", "srv-web-2": "shop", "srv-db-1": "shop", "srv-bastion": "ops"} {
		if got := stepByID(t, p, stepID(StepStopServer, id)).Wave; got != want {
			t.Errorf("%s in wave %q, want %q", id, got, want)
		}
	}
	if len(p.Waves) != 2 || p.Waves[0].From != "waves.yaml:4, metadata scs-migrate.wave" || len(p.Waves[0].Servers) != 3 {
		t.Errorf("waves %+v", p.Waves)
	}
}

// TestMultiAttachVolumeMakesNoCycle: a volume attached to two servers is
// copied once both are stopped, in a wave or not.
func TestMultiAttachVolumeMakesNoCycle(t *testing.T) {
	for _, waves := range []bool{false, true} {
		inv := demoInventory()
		inv.Volumes = append(inv.Volumes, inventory.Volume{ID: "vol-shared", Name: "shared", SizeGB: 3, VolumeType: "ssd", Status: "in-use",
			Multiattach: true, AvailabilityZone: "nova", Attachments: []inventory.VolumeAttachment{
				{ServerID: "srv-web-1", Device: "/dev/vdc"}, {ServerID: "srv-db-1", Device: "/dev/vdc"}}})
		inv.Servers[1].BlockDevices = append(inv.Servers[1].BlockDevices, inventory.BlockDevice{VolumeID: "vol-shared", Device: "/dev/vdc", BootIndex: -1})
		inv.Servers[3].BlockDevices = append(inv.Servers[3].BlockDevices, inventory.BlockDevice{VolumeID: "vol-shared", Device: "/dev/vdc", BootIndex: -1})
		var ov *Overrides
		if waves {
			var err error
			if ov, err = ParseMapping("waves.yaml", []byte(shopWave)); err != nil {
				t.Fatal(err)
			}
		}
		p := mustBuild(t, inv, demoTarget(), ov) // Validate orders the graph: a cycle fails
		if got := stepByID(t, p, "copy-volume/vol-shared").DependsOn; !slices.Equal(got, []string{"stop-server/srv-db-1", "stop-server/srv-web-1"}) {
			t.Errorf("waves %v: the shared copy waits for %v", waves, got)
		}
		if b := ancestors(t, p, "stop-server/srv-web-1"); b["stop-server/srv-db-1"] || b["copy-volume/vol-shared"] {
			t.Errorf("waves %v: web-1's stop waits for db-1's stop or the shared copy", waves)
		}
	}
}

// TestBlockedRouterDoesNotBlockServers: the cutover edges order, they
// do not block; a router that cannot be built is left out of the stops'
// prerequisites.
func TestBlockedRouterDoesNotBlockServers(t *testing.T) {
	inv, tgt := troubled()
	p := mustBuild(t, inv, tgt, nil)
	if hasStep(p, "router/rtr-edge") {
		t.Fatal("the troubled target's router is not blocked")
	}
	if !hasStep(p, "stop-server/srv-web-1") || !hasStep(p, "server/srv-web-1") {
		t.Error("a blocked router removes web-1")
	}
}

// TestDowntimeEstimate checks the numbers of the demo plan at 1000 Mbit/s.
func TestDowntimeEstimate(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	want := []Downtime{
		// snapshot of the Debian 12 image it booted (600 MiB): stop, snapshot, server
		{ServerID: "srv-bastion", Name: "bastion", DataBytes: 600 << 20, DataBasis: DataImageSize, Steps: 3, Seconds: 6 + 15},
		// root from Ubuntu 24.04 (600 MiB) + db-data 4 GiB provisioned: stop, copy, server, attach
		{ServerID: "srv-db-1", Name: "db-1", DataBytes: 600<<20 + 4*gib, DataBasis: DataProvisioned, Steps: 4, Seconds: 40 + 20},
		// webshop image 12 MiB + uploads 2 GiB provisioned
		{ServerID: "srv-web-1", Name: "web-1", DataBytes: 12<<20 + 2*gib, DataBasis: DataProvisioned, Steps: 4, Seconds: 18 + 20},
		{ServerID: "srv-web-2", Name: "web-2", DataBytes: 12 << 20, DataBasis: DataImageSize, Steps: 3, Seconds: 1 + 15},
	}
	if !slices.Equal(p.Downtime, want) {
		t.Errorf("downtime\n  %+v\nwant\n  %+v", p.Downtime, want)
	}
	if got := EstimateDowntime(want[2], 200); got.Seconds() != 87+20 {
		t.Errorf("web-1 at 200 Mbit/s: %s", got)
	}
	tot := Summarize(p)
	if tot.Bytes >= tot.ProvisionedBytes || !tot.UpperBound {
		t.Errorf("totals %+v: the data estimate should be below the provisioned sizes, and an upper bound", tot)
	}
}

// TestVolumeDataFromImageMetadata: a volume made from an image the
// inventory lacks is estimated from its image metadata's size.
func TestVolumeDataFromImageMetadata(t *testing.T) {
	inv := demoInventory()
	inv.Volumes[1].SourceImageID = "img-gone" // db-1-root
	inv.Volumes[1].ImageMetadata = map[string]string{"image_id": "img-gone", "size": "123456789"}
	p := mustBuild(t, inv, demoTarget(), nil)
	if s := stepByID(t, p, "copy-volume/vol-db-1-root"); s.DataBytes != 123456789 || s.DataBasis != DataImageSize || s.Bytes != 10*gib {
		t.Errorf("db-1-root: %d bytes by %s (provisioned %d)", s.DataBytes, s.DataBasis, s.Bytes)
	}
}

// TestOldPlanWithoutEstimates: a plan written before waves and data
// estimates loads, and its totals fall back to the provisioned sizes.
func TestOldPlanWithoutEstimates(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	p.Waves, p.Downtime = nil, nil
	var provisioned int64
	for i := range p.Steps {
		p.Steps[i].DataBytes, p.Steps[i].DataBasis, p.Steps[i].Wave = 0, "", ""
		provisioned += p.Steps[i].Bytes
	}
	b, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"waves"`, `"downtime"`, `"dataBytes"`, `"dataBasis"`, `"wave"`} {
		if strings.Contains(string(b), key) {
			t.Errorf("an old plan's JSON has %s", key)
		}
	}
	q, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if tot := Summarize(q); tot.Bytes != provisioned || !tot.UpperBound {
		t.Errorf("old plan totals %+v, want %d bytes, an upper bound", tot, provisioned)
	}
}

// TestUnnamedVolumesAreNamedInAudits: a volume without a name (Nova
// names none of the root volumes it creates) shows in audit tables as
// the plan names it, not as "-".
func TestUnnamedVolumesAreNamedInAudits(t *testing.T) {
	inv := demoInventory()
	inv.Volumes[1].Name = "" // db-1's root
	inv.Volumes[0].Name = "" // archive, detached
	for _, tgt := range []*Target{nil, demoTarget()} {
		r := AuditWith(inv, tgt, AuditOptions{Now: fixedNow})
		names := map[string]string{}
		for _, it := range r.Items {
			if it.Kind == "volume" {
				names[it.SourceID] = it.Name
			}
		}
		if names["vol-db-1-root"] != "db-1 root disk" || names["vol-archive"] != "vol-archive" {
			t.Errorf("target %v: unnamed volumes show as %q and %q", tgt != nil, names["vol-db-1-root"], names["vol-archive"])
		}
	}
}
