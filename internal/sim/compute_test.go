package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// novaTest is a cloud and a token of its tenant, for raw API calls.
type novaTest struct {
	t     *testing.T
	c     *Cloud
	s     *cloud.Session
	token string
}

func newNovaTest(t *testing.T, opts Options) *novaTest {
	t.Helper()
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	file := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := WriteCloudsYAML(file, []CloudEntry{{Name: "sim", Cloud: c, Project: c.Projects()[0]}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	s, err := cloud.Open(ctx, "sim", cloud.Options{CloudsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	return &novaTest{t: t, c: c, s: s, token: s.Provider.Token()}
}

// call makes a Nova request at a microversion ("" for none) and decodes
// a JSON answer.
func (n *novaTest) call(method, path, version string, body any) (int, http.Header, map[string]any) {
	n.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.c.URL()+"/compute/v2.1"+path, rd)
	req.Header.Set("X-Auth-Token", n.token)
	if version != "" {
		req.Header.Set("OpenStack-API-Version", "compute "+version)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, resp.Header, out
}

// flavorID finds a flavor by name.
func (n *novaTest) flavorID(name string) string {
	_, _, body := n.call("GET", "/flavors", "", nil)
	for _, f := range body["flavors"].([]any) {
		if f := f.(map[string]any); f["name"] == name {
			return f["id"].(string)
		}
	}
	n.t.Fatalf("no flavor %s", name)
	return ""
}

func (n *novaTest) imageID() string {
	n.t.Helper()
	pages, err := images.List(n.s.Image, images.ListOpts{Name: "Ubuntu 24.04"}).AllPages(context.Background())
	if err != nil {
		n.t.Fatal(err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil || len(all) == 0 {
		n.t.Fatalf("no standard image: %v", err)
	}
	return all[0].ID
}

func (n *novaTest) waitStatus(id, status string) map[string]any {
	n.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		code, _, body := n.call("GET", "/servers/"+id, "2.79", nil)
		if code == 200 {
			srv := body["server"].(map[string]any)
			if srv["status"] == status {
				return srv
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	n.t.Fatalf("server %s never became %s", id, status)
	return nil
}

func message(body map[string]any) string {
	for _, v := range body {
		if m, ok := v.(map[string]any); ok {
			s, _ := m["message"].(string)
			return s
		}
	}
	return ""
}

func TestComputeVersionDocumentsNeedNoToken(t *testing.T) {
	n := newNovaTest(t, Options{})
	for _, path := range []string{"/compute", "/compute/", "/compute/v2.1", "/compute/v2.1/"} {
		resp, err := http.Get(n.c.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"2.96"`) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	if code, _, _ := n.call("GET", "/no-such-thing", "", nil); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
}

func TestComputeFlavorsPerCloud(t *testing.T) {
	a, b := newNovaTest(t, Options{}), newNovaTest(t, Options{Profile: TargetProfile()})
	want := len(scs.StandardFlavors()) + len(SourceProfile().ExtraFlavors)
	_, _, all := a.call("GET", "/flavors", "", nil)
	if got := len(all["flavors"].([]any)); got != want {
		t.Errorf("source has %d flavors, want %d", got, want)
	}
	if a.flavorID("SCS-2V-4-20s") == b.flavorID("SCS-2V-4-20s") {
		t.Error("two clouds share a flavor ID")
	}
	_, _, body := a.call("GET", "/flavors/"+a.flavorID("SCS-2V-4-20s"), "2.79", nil)
	f := body["flavor"].(map[string]any)
	specs := f["extra_specs"].(map[string]any)
	if f["disk"] != 20.0 || f["swap"] != 0.0 || specs["scs:name-v2"] != "SCS-2V-4-20s" {
		t.Errorf("2.79 flavor %v", f)
	}
	_, _, body = a.call("GET", "/flavors/"+a.flavorID("SCS-2V-4-20s"), "", nil)
	f = body["flavor"].(map[string]any)
	if _, ok := f["extra_specs"]; ok || f["swap"] != "" {
		t.Errorf("2.1 flavor %v", f)
	}
}

func TestComputeOldMicroversionShapes(t *testing.T) {
	n := newNovaTest(t, Options{})
	code, _, body := n.call("POST", "/os-keypairs", "", map[string]any{"keypair": map[string]any{"name": "k1"}})
	kp, _ := body["keypair"].(map[string]any)
	if code != 200 || kp["private_key"] == nil || kp["type"] != nil {
		t.Errorf("2.1 keypair create: %d %v", code, body)
	}
	if code, _, _ := n.call("DELETE", "/os-keypairs/k1", "", nil); code != 202 {
		t.Errorf("2.1 keypair delete: %d", code)
	}
	code, _, body = n.call("POST", "/os-server-groups", "2.60", map[string]any{"server_group": map[string]any{
		"name": "g", "policies": []string{"affinity"}}})
	g, _ := body["server_group"].(map[string]any)
	if code != 200 || g["policy"] != nil || g["policies"] == nil {
		t.Errorf("2.60 server group: %d %v", code, body)
	}
	code, _, body = n.call("POST", "/os-keypairs", "2.92", map[string]any{"keypair": map[string]any{"name": "k2"}})
	if code != 400 {
		t.Errorf("2.92 keypair without public key: %d %v", code, body)
	}
}

func TestComputeServerCreateErrors(t *testing.T) {
	n := newNovaTest(t, Options{})
	flavor, image := n.flavorID("SCS-2V-4-20s"), n.imageID()
	server := func(mut func(map[string]any)) map[string]any {
		s := map[string]any{"name": "x", "flavorRef": flavor, "imageRef": image, "networks": "none"}
		mut(s)
		return map[string]any{"server": s}
	}
	for _, tc := range []struct {
		name   string
		mut    func(map[string]any)
		status int
		msg    string
	}{
		{"flavor", func(s map[string]any) { s["flavorRef"] = "nope" }, 400, "Invalid flavorRef provided."},
		{"image", func(s map[string]any) { s["imageRef"] = "nope" }, 400, "Can not find requested image"},
		{"keypair", func(s map[string]any) { s["key_name"] = "nope" }, 400, "Invalid key_name provided."},
		{"zone", func(s map[string]any) { s["availability_zone"] = "nope" }, 400, "The requested availability zone is not available"},
		{"networks", func(s map[string]any) { delete(s, "networks") }, 400, "'networks' is a required property"},
		{"zero disk", func(s map[string]any) { s["flavorRef"] = n.flavorID("SCS-2V-4") }, 403,
			"Only volume-backed servers are allowed for flavors with zero disk."},
		{"no root", func(s map[string]any) { s["imageRef"] = "" }, 400, "Missing imageRef attribute"},
		{"group", func(s map[string]any) {}, 400, "Instance group 00000000-0000-4000-8000-000000000000 could not be found."},
	} {
		body := server(tc.mut)
		if tc.name == "group" {
			body["os:scheduler_hints"] = map[string]any{"group": "00000000-0000-4000-8000-000000000000"}
		}
		code, _, resp := n.call("POST", "/servers", "2.79", body)
		if code != tc.status || !strings.Contains(message(resp), tc.msg) {
			t.Errorf("%s: %d %q, want %d %q", tc.name, code, message(resp), tc.status, tc.msg)
		}
	}
	if err := n.c.SetQuotas("tenant", Quotas{Instances: 10, Cores: 3, RAMMiB: 51200, KeyPairs: 10, ServerGroups: 10}); err != nil {
		t.Fatal(err)
	}
	code, _, resp := n.call("POST", "/servers", "2.79", server(func(map[string]any) {}))
	if code != 202 {
		t.Fatalf("first server: %d %v", code, resp)
	}
	code, hdr, resp := n.call("POST", "/servers", "2.79", server(func(map[string]any) {}))
	want := "Quota exceeded for cores: Requested 2, but already used 2 of 3 cores"
	if code != 403 || message(resp) != want || hdr.Get("Retry-After") != "0" {
		t.Errorf("quota: %d %q", code, message(resp))
	}
}

func TestComputeServerDiskDeleteAndSnapshotLocation(t *testing.T) {
	n := newNovaTest(t, Options{AsyncDelay: 100 * time.Millisecond})
	code, hdr, body := n.call("POST", "/servers", "2.79", map[string]any{"server": map[string]any{
		"name": "web", "flavorRef": n.flavorID("SCS-2V-4-20s"), "imageRef": n.imageID(), "networks": "none"}})
	if code != 202 || hdr.Get("Location") == "" {
		t.Fatalf("create: %d %v", code, body)
	}
	id := body["server"].(map[string]any)["id"].(string)
	n.waitStatus(id, "ACTIVE")
	disk := n.c.BlobPath("disks", id)
	if st, err := os.Stat(disk); err != nil || st.Size() == 0 {
		t.Fatalf("root disk: %v", err)
	}
	code, hdr, _ = n.call("POST", "/servers/"+id+"/action", "2.44", map[string]any{"createImage": map[string]any{"name": "snap"}})
	if code != 202 || !strings.Contains(hdr.Get("Location"), "/images/") {
		t.Errorf("2.44 createImage: %d Location %q", code, hdr.Get("Location"))
	}
	code, _, body = n.call("GET", "/limits", "2.79", nil)
	abs := body["limits"].(map[string]any)["absolute"].(map[string]any)
	if code != 200 || abs["totalInstancesUsed"] != 1.0 || abs["totalCoresUsed"] != 2.0 || abs["totalRAMUsed"] != 4096.0 {
		t.Errorf("limits %v", abs)
	}
	if code, _, _ := n.call("GET", "/os-quota-sets/someone-else/detail", "2.79", nil); code != 403 {
		t.Errorf("foreign quota set: %d", code)
	}
	n.waitTaskDone(id)
	if code, _, _ := n.call("DELETE", "/servers/"+id, "2.79", nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	seen := map[string]bool{}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !seen["gone"]; time.Sleep(5 * time.Millisecond) {
		code, _, body := n.call("GET", "/servers/"+id, "2.79", nil)
		if code == 404 {
			seen["gone"] = true
		} else {
			seen[body["server"].(map[string]any)["status"].(string)] = true
		}
	}
	if !seen["DELETED"] || !seen["gone"] {
		t.Errorf("delete went through %v, want DELETED then 404", seen)
	}
	if _, err := os.Stat(disk); !os.IsNotExist(err) {
		t.Errorf("root disk left behind: %v", err)
	}
}

func (n *novaTest) waitTaskDone(id string) {
	n.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		_, _, body := n.call("GET", "/servers/"+id, "2.79", nil)
		if body["server"].(map[string]any)["OS-EXT-STS:task_state"] == nil {
			return
		}
	}
	n.t.Fatalf("server %s stays busy", id)
}

func TestComputeVolumeBackedSnapshot(t *testing.T) {
	n := newNovaTest(t, Options{})
	image := n.imageID()
	n.c.Lock()
	info, _ := n.c.image.InfoLocked(n.s.ProjectID, image)
	n.c.Unlock()
	const gib = 1 << 30
	size := max(info.MinDisk, int((info.Size+gib-1)/gib), 1)
	code, _, body := n.call("POST", "/servers", "2.79", map[string]any{"server": map[string]any{
		"name": "bfv", "flavorRef": n.flavorID("SCS-2V-4"), "imageRef": "", "networks": "none",
		"block_device_mapping_v2": []map[string]any{{"source_type": "image", "uuid": image, "destination_type": "volume",
			"volume_size": size, "boot_index": 0, "delete_on_termination": true}}}})
	if code != 202 {
		t.Fatalf("create: %d %v", code, body)
	}
	id := body["server"].(map[string]any)["id"].(string)
	srv := n.waitStatus(id, "ACTIVE")
	if srv["image"] != "" || len(srv["os-extended-volumes:volumes_attached"].([]any)) != 1 {
		t.Errorf("volume-backed server: image %v volumes %v", srv["image"], srv["os-extended-volumes:volumes_attached"])
	}
	_, _, body = n.call("GET", "/servers/"+id+"/os-volume_attachments", "2.79", nil)
	atts := body["volumeAttachments"].([]any)
	root := atts[0].(map[string]any)
	if len(atts) != 1 || root["device"] != "/dev/vda" || root["delete_on_termination"] != true {
		t.Fatalf("attachments %v", atts)
	}
	code, _, body = n.call("DELETE", "/servers/"+id+"/os-volume_attachments/"+root["volumeId"].(string), "2.79", nil)
	if code != 400 || message(body) != "Cannot detach a root device volume" {
		t.Errorf("detach root: %d %v", code, body)
	}
	code, _, body = n.call("POST", "/servers/"+id+"/action", "2.79", map[string]any{"createImage": map[string]any{"name": "bfv-snap"}})
	imageID, _ := body["image_id"].(string)
	if code != 202 || imageID == "" {
		t.Fatalf("createImage: %d %v", code, body)
	}
	n.c.Lock()
	snap, ok := n.c.image.InfoLocked(n.s.ProjectID, imageID)
	n.c.Unlock()
	var mapping []map[string]any
	json.Unmarshal([]byte(snap.Properties["block_device_mapping"]), &mapping)
	if !ok || snap.Status != "active" || snap.Size != 0 || snap.Properties["bdm_v2"] != "True" ||
		snap.Properties["root_device_name"] != "/dev/vda" || len(mapping) != 1 ||
		mapping[0]["snapshot_id"] == nil || mapping[0]["boot_index"] != 0.0 || mapping[0]["source_type"] != "snapshot" {
		t.Errorf("volume-backed snapshot: %+v mapping %v", snap, mapping)
	}
}

func TestComputeServerPorts(t *testing.T) {
	n := newNovaTest(t, Options{})
	ctx := context.Background()
	net, err := networks.Create(ctx, n.s.Network, networks.CreateOpts{Name: "net"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subnets.Create(ctx, n.s.Network, subnets.CreateOpts{NetworkID: net.ID, CIDR: "10.1.0.0/24", IPVersion: 4}).Extract(); err != nil {
		t.Fatal(err)
	}
	userPort, err := ports.Create(ctx, n.s.Network, ports.CreateOpts{NetworkID: net.ID}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := n.call("POST", "/servers", "2.79", map[string]any{"server": map[string]any{
		"name": "p", "flavorRef": n.flavorID("SCS-2V-4-20s"), "imageRef": n.imageID(),
		"networks": []map[string]string{{"port": userPort.ID}, {"uuid": net.ID, "fixed_ip": "10.1.0.50"}}}})
	if code != 202 {
		t.Fatalf("create: %d %v", code, body)
	}
	id := body["server"].(map[string]any)["id"].(string)
	srv := n.waitStatus(id, "ACTIVE")
	addrs := srv["addresses"].(map[string]any)["net"].([]any)
	if len(addrs) != 2 || addrs[1].(map[string]any)["addr"] != "10.1.0.50" {
		t.Errorf("addresses %v", addrs)
	}
	code, _, body = n.call("POST", "/servers/"+id+"/os-interface", "2.79", map[string]any{"interfaceAttachment": map[string]any{"net_id": net.ID}})
	added, _ := body["interfaceAttachment"].(map[string]any)
	if code != 200 || added["net_id"] != net.ID || added["port_state"] != "ACTIVE" {
		t.Fatalf("attach interface: %d %v", code, body)
	}
	_, _, body = n.call("GET", "/servers/"+id+"/os-interface", "2.79", nil)
	if got := len(body["interfaceAttachments"].([]any)); got != 3 {
		t.Errorf("%d interfaces, want 3", got)
	}
	if code, _, _ := n.call("DELETE", "/servers/"+id+"/os-interface/"+added["port_id"].(string), "2.79", nil); code != 202 {
		t.Errorf("detach interface: %d", code)
	}
	if _, err := ports.Get(ctx, n.s.Network, added["port_id"].(string)).Extract(); err == nil {
		t.Error("the port Nova created for the interface survived its detach")
	}
	n.call("DELETE", "/servers/"+id, "2.79", nil)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if code, _, _ := n.call("GET", "/servers/"+id, "2.79", nil); code == 404 {
			break
		}
	}
	p, err := ports.Get(ctx, n.s.Network, userPort.ID).Extract()
	if err != nil || p.DeviceID != "" {
		t.Errorf("user port after delete: %+v %v", p, err)
	}
	all, _ := ports.List(n.s.Network, ports.ListOpts{NetworkID: net.ID}).AllPages(ctx)
	left, _ := ports.ExtractPorts(all)
	for _, p := range left {
		if strings.HasPrefix(p.DeviceOwner, "compute:") || p.DeviceOwner == "" && p.ID != userPort.ID {
			t.Errorf("port %s (%q) left behind", p.ID, p.DeviceOwner)
		}
	}
}

// waitVolumeStatus polls a volume through Cinder until it has the status.
func (n *novaTest) waitVolumeStatus(id, status string) *volumes.Volume {
	n.t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		v, err := volumes.Get(context.Background(), n.s.BlockStorage, id).Extract()
		if err == nil && v.Status == status {
			return v
		}
	}
	n.t.Fatalf("volume %s never became %s", id, status)
	return nil
}

// snapshotOfImageVolume makes a 2 GB "ssd" volume from the standard
// image and an available snapshot of it.
func (n *novaTest) snapshotOfImageVolume() (volumeID, snapshotID string) {
	n.t.Helper()
	ctx := context.Background()
	v, err := volumes.Create(ctx, n.s.BlockStorage, volumes.CreateOpts{Size: 2, ImageID: n.imageID(), VolumeType: "ssd"}, nil).Extract()
	if err != nil {
		n.t.Fatal(err)
	}
	n.waitVolumeStatus(v.ID, "available")
	sn, err := snapshots.Create(ctx, n.s.BlockStorage, snapshots.CreateOpts{VolumeID: v.ID, Name: "base"}).Extract()
	if err != nil {
		n.t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		got, err := snapshots.Get(ctx, n.s.BlockStorage, sn.ID).Extract()
		if err == nil && got.Status == "available" {
			return v.ID, sn.ID
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("snapshot %s never became available", sn.ID)
		}
	}
}

func TestComputeBootFromSnapshot(t *testing.T) {
	n := newNovaTest(t, Options{})
	_, snap := n.snapshotOfImageVolume()
	boot := func(bdms ...map[string]any) (int, map[string]any) {
		code, _, body := n.call("POST", "/servers", "2.79", map[string]any{"server": map[string]any{
			"name": "from-snap", "flavorRef": n.flavorID("SCS-2V-4"), "networks": "none",
			"block_device_mapping_v2": bdms}})
		return code, body
	}
	root := map[string]any{"source_type": "snapshot", "uuid": snap, "destination_type": "volume",
		"boot_index": 0, "delete_on_termination": true}
	blank := map[string]any{"source_type": "blank", "destination_type": "volume", "volume_size": 1,
		"boot_index": -1, "delete_on_termination": true}
	code, body := boot(root, blank)
	if code != 202 {
		t.Fatalf("create: %d %v", code, body)
	}
	id := body["server"].(map[string]any)["id"].(string)
	n.waitStatus(id, "ACTIVE")
	_, _, body = n.call("GET", "/servers/"+id+"/os-volume_attachments", "2.79", nil)
	atts := body["volumeAttachments"].([]any)
	if len(atts) != 2 {
		t.Fatalf("attachments %v", atts)
	}
	byDevice := map[string]*volumes.Volume{}
	for _, a := range atts {
		a := a.(map[string]any)
		v, err := volumes.Get(context.Background(), n.s.BlockStorage, a["volumeId"].(string)).Extract()
		if err != nil {
			t.Fatal(err)
		}
		byDevice[a["device"].(string)] = v
	}
	rv, dv := byDevice["/dev/vda"], byDevice["/dev/vdb"]
	if rv == nil || rv.SnapshotID != snap || rv.Size != 2 || rv.VolumeType != "ssd" || rv.Bootable != "true" ||
		rv.VolumeImageMetadata["image_id"] != n.imageID() || rv.Status != "in-use" {
		t.Errorf("root volume from the snapshot: %+v", rv)
	}
	if dv == nil || dv.SnapshotID != "" || dv.Size != 1 || dv.Bootable != "false" || len(dv.VolumeImageMetadata) != 0 {
		t.Errorf("blank data volume: %+v", dv)
	}

	code, body = boot(map[string]any{"source_type": "snapshot", "uuid": "00000000-0000-4000-8000-000000000000",
		"destination_type": "volume", "boot_index": 0})
	if want := "Block Device Mapping is Invalid: failed to get snapshot 00000000-0000-4000-8000-000000000000."; code != 400 || message(body) != want {
		t.Errorf("unknown snapshot: %d %q", code, message(body))
	}
	// Nova leaves the size to Cinder, which refuses it while the server builds.
	small := maps.Clone(root)
	small["volume_size"] = 1
	code, body = boot(small)
	if code != 202 {
		t.Fatalf("create with a small volume: %d %v", code, body)
	}
	srv := n.waitStatus(body["server"].(map[string]any)["id"].(string), "ERROR")
	fault, _ := srv["fault"].(map[string]any)
	if msg, _ := fault["message"].(string); !strings.Contains(msg, "cannot be smaller than the snapshot size 2GB") {
		t.Errorf("fault %v", fault)
	}
}

func TestComputeNetworksAuto(t *testing.T) {
	n := newNovaTest(t, Options{})
	ctx := context.Background()
	create := func(version string) (int, map[string]any) {
		code, _, body := n.call("POST", "/servers", version, map[string]any{"server": map[string]any{
			"name": "auto", "flavorRef": n.flavorID("SCS-2V-4-20s"), "imageRef": n.imageID(), "networks": "auto"}})
		return code, body
	}
	// Only the provider's external network is in sight: Nova would have to
	// auto-allocate a topology, which the cloud does not offer.
	code, body := create("2.37")
	if want := "Unable to automatically allocate a network for project " + n.s.ProjectID; code != 400 || message(body) != want {
		t.Errorf("no network: %d %q", code, message(body))
	}
	net1, err := networks.Create(ctx, n.s.Network, networks.CreateOpts{Name: "only"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := subnets.Create(ctx, n.s.Network, subnets.CreateOpts{NetworkID: net1.ID, CIDR: "10.7.0.0/24", IPVersion: 4}).Extract(); err != nil {
		t.Fatal(err)
	}
	code, body = create("2.37")
	if code != 202 {
		t.Fatalf("one network: %d %v", code, body)
	}
	srv := n.waitStatus(body["server"].(map[string]any)["id"].(string), "ACTIVE")
	if addrs, _ := srv["addresses"].(map[string]any)["only"].([]any); len(addrs) != 1 {
		t.Errorf("auto picked %v", srv["addresses"])
	}
	if _, err := networks.Create(ctx, n.s.Network, networks.CreateOpts{Name: "second"}).Extract(); err != nil {
		t.Fatal(err)
	}
	code, body = create("2.37")
	if want := "Multiple possible networks found, use a Network ID to be more specific."; code != 409 || message(body) != want {
		t.Errorf("two networks: %d %q", code, message(body))
	}
	if code, body = create("2.36"); code != 400 || !strings.Contains(message(body), "is not of type 'array'") {
		t.Errorf("auto before 2.37: %d %q", code, message(body))
	}
}

func TestComputeNeutronErrorStatus(t *testing.T) {
	n := newNovaTest(t, Options{})
	n.c.Lock()
	external := n.c.network.ExternalNetworkIDLocked()
	n.c.Unlock()
	code, _, body := n.call("POST", "/servers", "2.79", map[string]any{"server": map[string]any{
		"name": "on-public", "flavorRef": n.flavorID("SCS-2V-4-20s"), "imageRef": n.imageID(),
		"networks": []map[string]string{{"uuid": external}}}})
	if want := "It is not allowed to create an interface on external network " + external; code != 403 || message(body) != want {
		t.Errorf("external network: %d %q", code, message(body))
	}

}
