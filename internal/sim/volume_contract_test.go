package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
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
	volID, err := c.volume.CreateFromImageLocked(project, "", 2, imageID, "", "")
	c.Unlock()
	if !ok || info.Path == "" || info.Properties["os_distro"] != "ubuntu" || err != nil {
		t.Fatalf("image info %+v (%v), create volume: %v", info, ok, err)
	}
	var vi core.VolumeInfo
	waitLocked(t, c, "volume from image", func() bool {
		vi, _ = c.volume.InfoLocked(project, volID)
		return vi.Status == "available"
	})
	if !vi.Bootable || vi.ImageMetadata["image_id"] != imageID || vi.SizeGB != 2 || vi.VolumeType == "" {
		t.Errorf("volume info: %+v", vi)
	}
	if fi, err := os.Stat(vi.Path); err != nil || fi.Size() != 2<<30 {
		t.Errorf("volume file: %v, %v", fi, err)
	}
	c.Lock()
	defer c.Unlock()
	if err := c.volume.AttachLocked(volID, "server-1", "/dev/vda"); err != nil {
		t.Fatalf("attach: %v", err)
	}
	if err := c.volume.AttachLocked(volID, "server-2", "/dev/vdb"); err == nil || !strings.Contains(err.Error(), "in-use") {
		t.Errorf("second attach of a single-attach volume: %v", err)
	}
	snapID, err := c.volume.SnapshotLocked(project, volID, "snap of in-use")
	if _, ok := c.volume.SnapshotInfoLocked(project, snapID); err != nil || !ok {
		t.Fatalf("snapshot of an in-use volume: %v", err)
	}
	if err := c.volume.DetachLocked(volID, "server-1"); err != nil {
		t.Fatalf("detach: %v", err)
	}
	if vi, _ := c.volume.InfoLocked(project, volID); vi.Status != "available" {
		t.Fatalf("detached volume is %s", vi.Status)
	}
	if _, ok := c.volume.InfoLocked("someone-else", volID); ok {
		t.Error("another project sees the volume")
	}
	c.volume.DeleteLocked(volID)
	if vi, _ := c.volume.InfoLocked(project, volID); vi.Status != "deleting" {
		t.Errorf("deleted volume is %s", vi.Status)
	}
}

func TestNewImageContract(t *testing.T) {
	c, project := newContractCloud(t)
	c.Lock()
	id, path := c.image.NewImageLocked(project, core.NewImage{Name: "snap", DiskFormat: "raw", ContainerFormat: "bare",
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
	failedID, failedPath := c.image.NewImageLocked(project, core.NewImage{Name: "broken"})
	os.WriteFile(failedPath, []byte("half"), 0o600)
	c.image.FailLocked(failedID)
	_, failedOK := c.image.InfoLocked(project, failedID)
	c.Unlock()
	if info.Status != core.ImageActive || info.Size != 14 || info.Checksum != d.MD5 || info.Path != path {
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
