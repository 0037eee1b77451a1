package conformance

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// waitComputeStatus waits until the server has the status; ERROR fails.
func waitComputeStatus(t *testing.T, e *Env, id, status string) *servers.Server {
	t.Helper()
	var srv *servers.Server
	WaitFor(t, e, "server "+id+" to become "+status, func() (bool, error) {
		var err error
		if srv, err = servers.Get(e.Ctx, e.S.Compute, id).Extract(); err != nil {
			return false, err
		}
		if srv.Status == "ERROR" && status != "ERROR" {
			return false, fmt.Errorf("server went to ERROR: %s", srv.Fault.Message)
		}
		return srv.Status == status, nil
	})
	return srv
}

// waitComputeGone waits until the server answers 404.
func waitComputeGone(t *testing.T, e *Env, id string) {
	t.Helper()
	WaitFor(t, e, "server "+id+" to go away", func() (bool, error) {
		_, err := servers.Get(e.Ctx, e.S.Compute, id).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true, nil
		}
		return false, err
	})
}

// computeFlavorID finds a flavor by name.
func computeFlavorID(t *testing.T, e *Env, name string) string {
	t.Helper()
	pages, err := flavors.ListDetail(e.S.Compute, nil).AllPages(e.Ctx)
	if err != nil {
		t.Fatalf("list flavors: %v", err)
	}
	all, err := flavors.ExtractFlavors(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		if f.Name == name {
			return f.ID
		}
	}
	t.Fatalf("no flavor %q", name)
	return ""
}

// computeImage finds the standard image by name.
func computeImage(t *testing.T, e *Env) *images.Image {
	t.Helper()
	pages, err := images.List(e.S.Image, images.ListOpts{Name: e.StandardImage}).AllPages(e.Ctx)
	if err != nil {
		t.Fatalf("list images: %v", err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil || len(all) == 0 {
		t.Fatalf("no image %q (%v)", e.StandardImage, err)
	}
	return &all[0]
}

// computeNetwork creates a private network with a subnet for servers.
func computeNetwork(t *testing.T, e *Env) *networks.Network {
	t.Helper()
	n, err := networks.Create(e.Ctx, e.S.Network, networks.CreateOpts{Name: RandomName("conf-net-")}).Extract()
	if err != nil {
		t.Fatalf("create network: %v", err)
	}
	t.Cleanup(func() { networks.Delete(e.Ctx, e.S.Network, n.ID) })
	_, err = subnets.Create(e.Ctx, e.S.Network, subnets.CreateOpts{NetworkID: n.ID, CIDR: "10.77.0.0/24",
		IPVersion: gophercloud.IPv4, Name: RandomName("conf-subnet-")}).Extract()
	if err != nil {
		t.Fatalf("create subnet: %v", err)
	}
	return n
}

// computeServer creates a server and deletes it (waiting until it is
// gone, so that its ports free the network) when the test ends.
func computeServer(t *testing.T, e *Env, opts servers.CreateOpts, hints servers.SchedulerHintOptsBuilder) *servers.Server {
	t.Helper()
	srv, err := servers.Create(e.Ctx, e.S.Compute, opts, hints).Extract()
	if err != nil {
		t.Fatalf("create server %q: %v", opts.Name, err)
	}
	t.Cleanup(func() {
		if err := servers.Delete(e.Ctx, e.S.Compute, srv.ID).ExtractErr(); err == nil {
			waitComputeGone(t, e, srv.ID)
		}
	})
	return srv
}

func TestComputeMicroversionNegotiation(t *testing.T) {
	e := Open(t)
	get := func(header string) *http.Response {
		req, _ := http.NewRequestWithContext(e.Ctx, "GET", e.S.Compute.ServiceURL("flavors"), nil)
		req.Header.Set("X-Auth-Token", e.S.Provider.Token())
		if header != "" {
			req.Header.Set("OpenStack-API-Version", header)
		}
		resp, err := e.S.Provider.HTTPClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := get("compute 2.79")
	if resp.StatusCode != 200 || resp.Header.Get("OpenStack-API-Version") != "compute 2.79" ||
		resp.Header.Get("X-OpenStack-Nova-API-Version") != "2.79" {
		t.Errorf("2.79: status %d, headers %v", resp.StatusCode, resp.Header)
	}
	if v := get("").Header.Get("X-OpenStack-Nova-API-Version"); v != "2.1" {
		t.Errorf("no version header: got %s, want 2.1", v)
	}
	latest := get("compute latest").Header.Get("X-OpenStack-Nova-API-Version")
	if minor, err := strconv.Atoi(strings.TrimPrefix(latest, "2.")); err != nil || minor < 79 {
		t.Errorf("latest: got %q, want 2.79 or later", latest)
	}
	if code := get("compute 2.999").StatusCode; code != http.StatusNotAcceptable {
		t.Errorf("unsupported version: status %d, want 406", code)
	}
}

func TestComputeFlavorsPagingAndExtraSpecs(t *testing.T) {
	e := Open(t)
	pages, err := flavors.ListDetail(e.S.Compute, nil).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := flavors.ExtractFlavors(pages)
	var paged []flavors.Flavor
	pageCount := 0
	err = flavors.ListDetail(e.S.Compute, flavors.ListOpts{Limit: 4}).EachPage(e.Ctx, func(_ context.Context, p pagination.Page) (bool, error) {
		fs, err := flavors.ExtractFlavors(p)
		paged, pageCount = append(paged, fs...), pageCount+1
		return true, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if pageCount < 2 || len(paged) != len(all) {
		t.Fatalf("paging: %d flavors in %d pages, want %d", len(paged), pageCount, len(all))
	}
	for i := range all {
		if paged[i].ID != all[i].ID {
			t.Fatalf("paged order differs at %d", i)
		}
	}
	id := computeFlavorID(t, e, e.DiskFlavor)
	f, err := flavors.Get(e.Ctx, e.S.Compute, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if f.VCPUs != 2 || f.RAM != 4096 || f.Disk != 20 {
		t.Errorf("%s: vcpus %d ram %d disk %d", f.Name, f.VCPUs, f.RAM, f.Disk)
	}
	specs, err := flavors.ListExtraSpecs(e.Ctx, e.S.Compute, id).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if specs["scs:name-v2"] != e.DiskFlavor || specs["scs:cpu-type"] == "" {
		t.Errorf("extra specs %v", specs)
	}
	for k, v := range specs {
		if f.ExtraSpecs[k] != v {
			t.Errorf("embedded extra spec %s = %q, want %q", k, f.ExtraSpecs[k], v)
		}
	}
	one, err := flavors.GetExtraSpec(e.Ctx, e.S.Compute, id, "scs:name-v2").Extract()
	if err != nil || one["scs:name-v2"] != e.DiskFlavor {
		t.Errorf("get extra spec: %v %v", one, err)
	}
	_, err = flavors.Get(e.Ctx, e.S.Compute, "no-such-flavor").Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("missing flavor: %v, want 404", err)
	}
}

// computePublicKey makes an OpenSSH ed25519 public key and the
// fingerprint Nova computes for it.
func computePublicKey(t *testing.T) (key, fingerprint string) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var blob bytes.Buffer
	for _, s := range [][]byte{[]byte("ssh-ed25519"), pub} {
		binary.Write(&blob, binary.BigEndian, uint32(len(s)))
		blob.Write(s)
	}
	sum := md5.Sum(blob.Bytes())
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02x", b)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob.Bytes()) + " conformance", strings.Join(hexes, ":")
}

func TestComputeKeypairs(t *testing.T) {
	e := Open(t)
	key, fp := computePublicKey(t)
	name := RandomName("conf-key-")
	kp, err := keypairs.Create(e.Ctx, e.S.Compute, keypairs.CreateOpts{Name: name, PublicKey: key}).Extract()
	if err != nil {
		t.Fatalf("import keypair: %v", err)
	}
	t.Cleanup(func() { keypairs.Delete(e.Ctx, e.S.Compute, name, nil) })
	if kp.Fingerprint != fp || kp.Type != "ssh" || kp.PrivateKey != "" {
		t.Errorf("imported keypair: fingerprint %q (want %q), type %q", kp.Fingerprint, fp, kp.Type)
	}
	got, err := keypairs.Get(e.Ctx, e.S.Compute, name, nil).Extract()
	if err != nil || got.PublicKey != key || got.Fingerprint != fp {
		t.Errorf("get keypair: %+v %v", got, err)
	}
	_, err = keypairs.Create(e.Ctx, e.S.Compute, keypairs.CreateOpts{Name: name, PublicKey: key}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Errorf("duplicate keypair: %v, want 409", err)
	}
	gen := RandomName("conf-gen-")
	created, err := keypairs.Create(e.Ctx, e.S.Compute, keypairs.CreateOpts{Name: gen}).Extract()
	if err != nil {
		t.Fatalf("generate keypair: %v", err)
	}
	t.Cleanup(func() { keypairs.Delete(e.Ctx, e.S.Compute, gen, nil) })
	if !strings.Contains(created.PrivateKey, "PRIVATE KEY") || created.PublicKey == "" {
		t.Errorf("generated keypair lacks keys: %+v", created)
	}
	pages, err := keypairs.List(e.S.Compute, nil).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := keypairs.ExtractKeyPairs(pages)
	names := []string{}
	for _, k := range all {
		names = append(names, k.Name)
	}
	if !slices.Contains(names, name) || !slices.Contains(names, gen) {
		t.Errorf("list lacks the keypairs: %v", names)
	}
	if err := keypairs.Delete(e.Ctx, e.S.Compute, gen, nil).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if _, err := keypairs.Get(e.Ctx, e.S.Compute, gen, nil).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("deleted keypair: %v, want 404", err)
	}
}

func TestComputeServerGroupPolicy(t *testing.T) {
	e := Open(t)
	g, err := servergroups.Create(e.Ctx, e.S.Compute, servergroups.CreateOpts{Name: RandomName("conf-sg-"),
		Policy: "anti-affinity", Rules: &servergroups.Rules{MaxServerPerHost: 1}}).Extract()
	if err != nil {
		t.Fatalf("create server group: %v", err)
	}
	t.Cleanup(func() { servergroups.Delete(e.Ctx, e.S.Compute, g.ID) })
	got, err := servergroups.Get(e.Ctx, e.S.Compute, g.ID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if got.Policy == nil || *got.Policy != "anti-affinity" || got.Rules == nil || got.Rules.MaxServerPerHost != 1 {
		t.Errorf("server group policy %v rules %+v", got.Policy, got.Rules)
	}
	if len(got.Members) != 0 || got.ProjectID != e.S.ProjectID {
		t.Errorf("server group members %v project %q", got.Members, got.ProjectID)
	}
	pages, err := servergroups.List(e.S.Compute, nil).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := servergroups.ExtractServerGroups(pages)
	if !slices.ContainsFunc(all, func(x servergroups.ServerGroup) bool { return x.ID == g.ID }) {
		t.Error("server group missing from the list")
	}
	if err := servergroups.Delete(e.Ctx, e.S.Compute, g.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	if _, err := servergroups.Get(e.Ctx, e.S.Compute, g.ID).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("deleted group: %v, want 404", err)
	}
}

// TestComputeImageServerLifecycle boots from image on a flavor with a
// root disk, stops, snapshots the stopped server, starts it again,
// attaches and detaches a volume, and deletes it.
func TestComputeImageServerLifecycle(t *testing.T) {
	e := Open(t)
	net := computeNetwork(t, e)
	img := computeImage(t, e)
	g, err := servergroups.Create(e.Ctx, e.S.Compute, servergroups.CreateOpts{Name: RandomName("conf-sg-"), Policy: "soft-anti-affinity"}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { servergroups.Delete(e.Ctx, e.S.Compute, g.ID) })
	name := RandomName("conf-srv-")
	created := computeServer(t, e, servers.CreateOpts{Name: name, FlavorRef: computeFlavorID(t, e, e.DiskFlavor),
		ImageRef: img.ID, Networks: []servers.Network{{UUID: net.ID}}, Metadata: map[string]string{"role": "web"},
		Tags: []string{"conformance"}}, servers.SchedulerHintOpts{Group: g.ID})
	srv := waitComputeStatus(t, e, created.ID, "ACTIVE")
	checkComputeServer(t, srv, img.ID, net.Name, g.ID)

	computeStopStart(t, e, srv.ID, func() { computeSnapshot(t, e, srv.ID, img.ID) })
	computeAttachDetach(t, e, srv.ID)

	if err := servers.Delete(e.Ctx, e.S.Compute, srv.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	waitComputeGone(t, e, srv.ID)
	got, err := servergroups.Get(e.Ctx, e.S.Compute, g.ID).Extract()
	if err != nil || len(got.Members) != 0 {
		t.Errorf("group after delete: %+v %v", got, err)
	}
}

func checkComputeServer(t *testing.T, srv *servers.Server, imageID, netName, groupID string) {
	t.Helper()
	if srv.Image["id"] != imageID {
		t.Errorf("image %v, want %s", srv.Image, imageID)
	}
	if srv.Flavor["original_name"] == nil || srv.Flavor["vcpus"] != float64(2) {
		t.Errorf("embedded flavor %v", srv.Flavor)
	}
	if _, ok := srv.Addresses[netName]; !ok {
		t.Errorf("addresses %v lack network %s", srv.Addresses, netName)
	}
	if srv.Metadata["role"] != "web" || srv.Tags == nil || !slices.Contains(*srv.Tags, "conformance") {
		t.Errorf("metadata %v tags %v", srv.Metadata, srv.Tags)
	}
	if srv.ServerGroups == nil || !slices.Contains(*srv.ServerGroups, groupID) {
		t.Errorf("server groups %v, want %s", srv.ServerGroups, groupID)
	}
	if srv.PowerState != servers.RUNNING || srv.VmState != "active" {
		t.Errorf("power state %v vm state %q", srv.PowerState, srv.VmState)
	}
}

// computeStopStart stops the server, runs whileStopped, and starts it.
func computeStopStart(t *testing.T, e *Env, id string, whileStopped func()) {
	t.Helper()
	if err := servers.Stop(e.Ctx, e.S.Compute, id).ExtractErr(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	srv := waitComputeStatus(t, e, id, "SHUTOFF")
	if srv.PowerState != servers.SHUTDOWN {
		t.Errorf("stopped power state %v", srv.PowerState)
	}
	if err := servers.Stop(e.Ctx, e.S.Compute, id).ExtractErr(); !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Errorf("stopping a stopped server: %v, want 409", err)
	}
	whileStopped()
	if err := servers.Start(e.Ctx, e.S.Compute, id).ExtractErr(); err != nil {
		t.Fatalf("start: %v", err)
	}
	waitComputeStatus(t, e, id, "ACTIVE")
}

// computeSnapshot snapshots the server and waits for an active image.
func computeSnapshot(t *testing.T, e *Env, id, baseImage string) {
	t.Helper()
	imageID, err := servers.CreateImage(e.Ctx, e.S.Compute, id, servers.CreateImageOpts{Name: RandomName("conf-snap-"),
		Metadata: map[string]string{"purpose": "conformance"}}).ExtractImageID()
	if err != nil {
		t.Fatalf("create image: %v", err)
	}
	t.Cleanup(func() { images.Delete(e.Ctx, e.S.Image, imageID) })
	// Nova is done when the server's task ends; a real hypervisor has
	// uploaded the disk by then (nova's fake driver uploads nothing and
	// leaves the image queued, which a test cloud may use).
	WaitFor(t, e, "snapshot task of "+id+" to end", func() (bool, error) {
		srv, err := servers.Get(e.Ctx, e.S.Compute, id).Extract()
		return err == nil && srv.TaskState == "", err
	})
	var img *images.Image
	WaitFor(t, e, "snapshot "+imageID+" to become active", func() (bool, error) {
		if img, err = images.Get(e.Ctx, e.S.Image, imageID).Extract(); err != nil {
			return false, err
		}
		if img.Status == images.ImageStatusKilled {
			return false, fmt.Errorf("snapshot was killed")
		}
		return img.Status == images.ImageStatusActive || e.Real() && img.Status == images.ImageStatusQueued, nil
	})
	p := img.Properties
	if p["image_type"] != "snapshot" || p["instance_uuid"] != id || p["purpose"] != "conformance" || p["base_image_ref"] != baseImage {
		t.Errorf("snapshot properties %v", p)
	}
	if img.Status == images.ImageStatusActive && img.SizeBytes == 0 {
		t.Error("snapshot of an image-backed server has no bytes")
	}
	waitComputeStatus(t, e, id, "SHUTOFF")
}

// computeAttachDetach attaches a new volume and detaches it again.
func computeAttachDetach(t *testing.T, e *Env, serverID string) {
	t.Helper()
	vol, err := volumes.Create(e.Ctx, e.S.BlockStorage, volumes.CreateOpts{Size: 1, Name: RandomName("conf-vol-")}, nil).Extract()
	if err != nil {
		t.Fatalf("create volume: %v", err)
	}
	t.Cleanup(func() { volumes.Delete(e.Ctx, e.S.BlockStorage, vol.ID, nil) })
	waitVolumeStatus(t, e, vol.ID, "available")
	att, err := volumeattach.Create(e.Ctx, e.S.Compute, serverID, volumeattach.CreateOpts{VolumeID: vol.ID}).Extract()
	if err != nil {
		t.Fatalf("attach: %v", err)
	}
	if att.VolumeID != vol.ID || att.ServerID != serverID || !strings.HasPrefix(att.Device, "/dev/") {
		t.Errorf("attachment %+v", att)
	}
	waitVolumeStatus(t, e, vol.ID, "in-use")
	got, err := volumeattach.Get(e.Ctx, e.S.Compute, serverID, vol.ID).Extract()
	if err != nil || got.Device != att.Device || got.DeleteOnTermination == nil {
		t.Errorf("get attachment: %+v %v", got, err)
	}
	srv, err := servers.Get(e.Ctx, e.S.Compute, serverID).Extract()
	if err != nil || !slices.ContainsFunc(srv.AttachedVolumes, func(a servers.AttachedVolume) bool { return a.ID == vol.ID }) {
		t.Errorf("server volumes %+v %v", srv.AttachedVolumes, err)
	}
	if err := volumeattach.Delete(e.Ctx, e.S.Compute, serverID, vol.ID).ExtractErr(); err != nil {
		t.Fatalf("detach: %v", err)
	}
	waitVolumeStatus(t, e, vol.ID, "available")
	if _, err := volumeattach.Get(e.Ctx, e.S.Compute, serverID, vol.ID).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("detached attachment: %v, want 404", err)
	}
}

func TestComputeZeroDiskFlavorNeedsVolume(t *testing.T) {
	e := Open(t)
	img := computeImage(t, e)
	_, err := servers.Create(e.Ctx, e.S.Compute, servers.CreateOpts{Name: RandomName("conf-srv-"),
		FlavorRef: computeFlavorID(t, e, e.DisklessFlavor), ImageRef: img.ID, Networks: "none"}, nil).Extract()
	var code gophercloud.ErrUnexpectedResponseCode
	if !gophercloud.ResponseCodeIs(err, http.StatusForbidden) || !errors.As(err, &code) ||
		!strings.Contains(string(code.Body), "Only volume-backed servers are allowed for flavors with zero disk.") {
		t.Fatalf("image boot on a zero-disk flavor: %v, want Nova's 403", err)
	}
}

func TestComputeBootFromVolume(t *testing.T) {
	e := Open(t)
	img := computeImage(t, e)
	size := max(img.MinDiskGigabytes, int((img.SizeBytes+1<<30-1)>>30), 1)
	created := computeServer(t, e, servers.CreateOpts{Name: RandomName("conf-bfv-"),
		FlavorRef: computeFlavorID(t, e, e.DisklessFlavor), Networks: "none",
		BlockDevice: []servers.BlockDevice{{SourceType: servers.SourceImage, UUID: img.ID,
			DestinationType: servers.DestinationVolume, VolumeSize: size, BootIndex: 0, DeleteOnTermination: true}}}, nil)
	srv := waitComputeStatus(t, e, created.ID, "ACTIVE")
	if srv.Image != nil {
		t.Errorf("volume-backed server shows image %v", srv.Image)
	}
	if len(srv.AttachedVolumes) != 1 {
		t.Fatalf("attached volumes %+v", srv.AttachedVolumes)
	}
	volID := srv.AttachedVolumes[0].ID
	vol := waitVolumeStatus(t, e, volID, "in-use")
	if vol.Size != size || vol.Bootable != "true" {
		t.Errorf("boot volume size %d bootable %q", vol.Size, vol.Bootable)
	}
	if err := servers.Delete(e.Ctx, e.S.Compute, srv.ID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	waitComputeGone(t, e, srv.ID)
	WaitFor(t, e, "boot volume deleted with its server", func() (bool, error) {
		_, err := volumes.Get(e.Ctx, e.S.BlockStorage, volID).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true, nil
		}
		return false, err
	})
}

func TestComputeServerListPaging(t *testing.T) {
	e := Open(t)
	img := computeImage(t, e)
	flavor := computeFlavorID(t, e, e.DiskFlavor)
	prefix := RandomName("conf-page-")
	var ids []string
	for i := range 3 {
		srv := computeServer(t, e, servers.CreateOpts{Name: fmt.Sprintf("%s-%d", prefix, i), FlavorRef: flavor,
			ImageRef: img.ID, Networks: "none"}, nil)
		ids = append(ids, srv.ID)
	}
	// Real Nova merges servers still waiting for a host (build requests)
	// into the pages of placed ones, and can list one of them twice while
	// they build: page once they are all ACTIVE, as the inventory of a
	// settled tenant does.
	for _, id := range ids {
		waitComputeStatus(t, e, id, "ACTIVE")
	}
	var seen []string
	pages := 0
	err := servers.List(e.S.Compute, servers.ListOpts{Name: "^" + prefix, Limit: 2}).EachPage(e.Ctx, func(_ context.Context, p pagination.Page) (bool, error) {
		all, err := servers.ExtractServers(p)
		for _, s := range all {
			seen = append(seen, s.ID)
		}
		pages++
		return true, err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	slices.Sort(seen)
	if !slices.Equal(ids, seen) || pages < 2 {
		t.Errorf("paged list: %v in %d pages, want %v", seen, pages, ids)
	}
	if _, err := servers.Get(e.Ctx, e.S.Compute, "00000000-0000-4000-8000-000000000000").Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("missing server: %v, want 404", err)
	}
}
