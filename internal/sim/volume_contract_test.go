package sim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/image"
)

// newContractCloud is a cloud for testing the cross-service methods
// directly, with the project ID of its tenant.
func newContractCloud(t *testing.T) (*Cloud, string) {
	t.Helper()
	c, err := New(Options{AsyncDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, c.ProjectID("tenant")
}

// waitLocked polls cond under the cloud lock.
func waitLocked(t *testing.T, c *Cloud, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.Lock()
		ok := cond()
		c.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func standardImageID(t *testing.T, c *Cloud, name string) string {
	t.Helper()
	c.Lock()
	defer c.Unlock()
	im, err := c.image.ByNameLocked(c.identity.ProjectIDLocked(c.Projects()[0].Name), name)
	if err != nil {
		t.Fatalf("image %q: %v", name, err)
	}
	return im.ID
}

func TestNovaVolumeContract(t *testing.T) {
	c, project := newContractCloud(t)
	imageID := standardImageID(t, c, "Ubuntu 24.04")
	c.Lock()
	info, ok := c.image.InfoLocked(project, imageID)
	volID, err := c.volume.createFromImageLocked(project, "", 2, imageID, "", "")
	c.Unlock()
	if !ok || info.Path == "" || info.Properties["os_distro"] != "ubuntu" || err != nil {
		t.Fatalf("image info %+v (%v), create volume: %v", info, ok, err)
	}
	var vi volumeInfo
	waitLocked(t, c, "volume from image", func() bool {
		vi, _ = c.volume.infoLocked(project, volID)
		return vi.Status == volAvailable
	})
	if !vi.Bootable || vi.ImageMetadata["image_id"] != imageID || vi.SizeGB != 2 || vi.VolumeType == "" {
		t.Errorf("volume info: %+v", vi)
	}
	if fi, err := os.Stat(vi.Path); err != nil || fi.Size() != 2<<30 {
		t.Errorf("volume file: %v, %v", fi, err)
	}
	c.Lock()
	defer c.Unlock()
	if err := c.volume.attachLocked(volID, "server-1", "/dev/vda"); err != nil {
		t.Fatalf("attach: %v", err)
	}
	if err := c.volume.attachLocked(volID, "server-2", "/dev/vdb"); err == nil || !strings.Contains(err.Error(), "in-use") {
		t.Errorf("second attach of a single-attach volume: %v", err)
	}
	snapID, err := c.volume.snapshotLocked(project, volID, "snap of in-use")
	if err != nil || c.volume.snapshots[snapID] == nil {
		t.Fatalf("snapshot of an in-use volume: %v", err)
	}
	if err := c.volume.detachLocked(volID, "server-1"); err != nil || c.volume.volumes[volID].Status != volAvailable {
		t.Fatalf("detach: %v, status %s", err, c.volume.volumes[volID].Status)
	}
	if _, ok := c.volume.infoLocked("someone-else", volID); ok {
		t.Error("another project sees the volume")
	}
	c.volume.deleteLocked(volID)
	if c.volume.volumes[volID].Status != volDeleting {
		t.Errorf("deleted volume is %s", c.volume.volumes[volID].Status)
	}
}

func TestNewImageContract(t *testing.T) {
	c, project := newContractCloud(t)
	c.Lock()
	id, path := c.image.NewImageLocked(project, image.NewImage{Name: "snap", DiskFormat: "raw", ContainerFormat: "bare",
		Properties: map[string]string{"image_type": "snapshot"}})
	info, ok := c.image.InfoLocked(project, id)
	c.Unlock()
	if !ok || info.Status != "saving" || info.Path != "" || info.Visibility != "private" {
		t.Fatalf("new image: %+v", info)
	}
	d, err := blob.WriteFile(path, strings.NewReader("snapshot bytes"), -1)
	if err != nil {
		t.Fatal(err)
	}
	c.Lock()
	c.image.ActivateLocked(id, d)
	info, _ = c.image.InfoLocked(project, id)
	failedID, failedPath := c.image.NewImageLocked(project, image.NewImage{Name: "broken"})
	os.WriteFile(failedPath, []byte("half"), 0o600)
	c.image.FailLocked(failedID)
	_, failedOK := c.image.InfoLocked(project, failedID)
	c.Unlock()
	if info.Status != image.StatusActive || info.Size != 14 || info.Checksum != d.MD5 || info.Path != path {
		t.Errorf("activated image: %+v", info)
	}
	if _, err := os.Stat(failedPath); failedOK || !os.IsNotExist(err) {
		t.Errorf("failed image still there (%v) or its file (%v)", failedOK, err)
	}
}

func TestVolumeVersionsAndMicroversions(t *testing.T) {
	c, project := newContractCloud(t)
	get := func(path string, hdr map[string]string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, c.URL()+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	if r := get("/volume/", nil); r.StatusCode != http.StatusMultipleChoices {
		t.Errorf("GET /volume/: %d", r.StatusCode)
	}
	var doc struct {
		Versions []struct{ ID, Status, Version string } `json:"versions"`
	}
	r := get("/volume/v3/", nil)
	json.NewDecoder(r.Body).Decode(&doc)
	if r.StatusCode != http.StatusOK || len(doc.Versions) != 1 || doc.Versions[0].Version != "3.70" {
		t.Errorf("GET /volume/v3/: %d %+v", r.StatusCode, doc)
	}
	if r := get("/image/", nil); r.StatusCode != http.StatusMultipleChoices {
		t.Errorf("GET /image/: %d", r.StatusCode)
	}
	token := issueTestToken(t, c)
	auth := map[string]string{"X-Auth-Token": token, "OpenStack-API-Version": "volume 3.64"}
	r = get("/volume/v3/"+project+"/types", auth)
	if r.StatusCode != http.StatusOK || r.Header.Get("OpenStack-API-Version") != "volume 3.64" {
		t.Errorf("types at 3.64: %d %q", r.StatusCode, r.Header.Get("OpenStack-API-Version"))
	}
	auth["OpenStack-API-Version"] = "volume 3.99"
	if r := get("/volume/v3/"+project+"/types", auth); r.StatusCode != http.StatusNotAcceptable {
		t.Errorf("microversion 3.99: %d, want 406", r.StatusCode)
	}
	delete(auth, "OpenStack-API-Version")
	if r := get("/volume/v3/not-my-project/types", auth); r.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign project in the URL: %d, want 400", r.StatusCode)
	}
}

// issueTestToken authenticates as the default tenant user.
func issueTestToken(t *testing.T, c *Cloud) string {
	t.Helper()
	p := c.Projects()[0]
	body := `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"` + p.User +
		`","domain":{"id":"default"},"password":"` + p.Password + `"}}},"scope":{"project":{"name":"` + p.Name +
		`","domain":{"id":"default"}}}}}`
	resp, err := http.Post(c.AuthURL()+"/auth/tokens", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("issue token: %d", resp.StatusCode)
	}
	return resp.Header.Get("X-Subject-Token")
}

func TestCreateFromSnapshotContract(t *testing.T) {
	c, err := New(Options{AsyncDelay: time.Millisecond, Profile: TargetProfile()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	project := c.ProjectID("tenant")
	c.Lock()
	luks, _ := c.volume.resolveTypeLocked("LUKS")
	src, err := c.volume.addEmptyVolumeLocked(project, c.identity.UserOfProjectLocked(project), "src", 3, luks, "az2")
	if err != nil {
		c.Unlock()
		t.Fatal(err)
	}
	src.Bootable, src.ImageMetadata = true, map[string]string{"image_id": "img-1", "os_distro": "debian"}
	snapID, err := c.volume.snapshotLocked(project, src.ID, "s")
	c.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	waitLocked(t, c, "snapshot", func() bool { return c.volume.snapshots[snapID].Status == volAvailable })

	c.Lock()
	si, ok := c.volume.snapshotInfoLocked(project, snapID)
	_, foreign := c.volume.snapshotInfoLocked("someone-else", snapID)
	id, err := c.volume.createFromSnapshotLocked(project, "copy", 0, snapID, "", "")
	c.Unlock()
	if !ok || foreign || si.SizeGB != 3 || si.VolumeID != src.ID || !si.Bootable || si.ImageMetadata["os_distro"] != "debian" {
		t.Errorf("snapshot info %+v (%v), seen by another project: %v", si, ok, foreign)
	}
	if err != nil {
		t.Fatal(err)
	}
	var vi volumeInfo
	waitLocked(t, c, "volume from snapshot", func() bool {
		vi, _ = c.volume.infoLocked(project, id)
		return vi.Status == volAvailable
	})
	// Cinder takes size, type and zone from the snapshot, and the source
	// volume's bootable flag and image metadata.
	if vi.Name != "copy" || vi.SizeGB != 3 || vi.VolumeType != "LUKS" || vi.AZ != "az2" || !vi.Bootable || vi.ImageMetadata["image_id"] != "img-1" {
		t.Errorf("volume from snapshot: %+v", vi)
	}

	c.Lock()
	defer c.Unlock()
	for _, tc := range []struct {
		size            int
		snap, az, vtype string
		status          int
		msg             string
	}{
		{2, snapID, "", "", 400, "cannot be smaller than the snapshot size 3GB"},
		{0, "no-such-snapshot", "", "", 404, "Snapshot no-such-snapshot could not be found."},
		{0, snapID, "az1", "", 400, "Volume must be in the same availability zone as the snapshot"},
		{0, snapID, "", "no-such-type", 404, "Volume type with name no-such-type could not be found."},
	} {
		_, err := c.volume.createFromSnapshotLocked(project, "", tc.size, tc.snap, tc.az, tc.vtype)
		var ce *cinderError
		if !errors.As(err, &ce) || ce.status != tc.status || !strings.Contains(ce.msg, tc.msg) {
			t.Errorf("%+v: got %v", tc, err)
		}
	}
	// A requested type wins over the snapshot's.
	id, err = c.volume.createFromSnapshotLocked(project, "", 4, snapID, "", "standard")
	if v := c.volume.volumes[id]; err != nil || c.volume.typeName(v.TypeID) != "standard" || v.SizeGB != 4 {
		t.Errorf("volume from snapshot with a type: %v %+v", err, v)
	}
	// An empty image ID still makes a blank volume.
	id, err = c.volume.createFromImageLocked(project, "", 1, "", "", "")
	if v := c.volume.volumes[id]; err != nil || v.Bootable || v.ImageMetadata != nil || v.AZ != "az1" || c.volume.typeName(v.TypeID) != "standard" {
		t.Errorf("blank volume: %v %+v", err, v)
	}
}
