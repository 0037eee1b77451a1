package volume

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// users is the one user of every project.
type users struct{}

func (users) UserOfProjectLocked(string) string { return "user-1" }

// newRoom is a Cinder room on its own, playing the target profile.
func newRoom(t *testing.T) (*core.Cloud, *Room) {
	t.Helper()
	c := core.New(core.Config{Profile: core.TargetProfile(), Delay: time.Millisecond, DataDir: t.TempDir()})
	s := New(c, users{}, nil)
	c.Lock()
	s.SeedLocked()
	c.SetQuotaLocked("project-1", c.Profile().FilledQuotas())
	c.Unlock()
	t.Cleanup(func() { c.MarkClosed(); c.Wait() })
	return c, s
}

// waitLocked polls cond under the cloud lock.
func waitLocked(t *testing.T, c *core.Cloud, what string, cond func() bool) {
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

func TestCreateFromSnapshotContract(t *testing.T) {
	c, s := newRoom(t)
	project := "project-1"
	c.Lock()
	luks, _ := s.ResolveTypeLocked("LUKS")
	src, err := s.AddEmptyLocked(project, "user-1", "src", 3, luks, "az2")
	if err != nil {
		c.Unlock()
		t.Fatal(err)
	}
	src.Bootable, src.ImageMetadata = true, map[string]string{"image_id": "img-1", "os_distro": "debian"}
	snapID, err := s.SnapshotLocked(project, src.ID, "s")
	c.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	waitLocked(t, c, "snapshot", func() bool { return s.snapshots[snapID].Status == volAvailable })

	c.Lock()
	si, ok := s.SnapshotInfoLocked(project, snapID)
	_, foreign := s.SnapshotInfoLocked("someone-else", snapID)
	id, err := s.CreateFromSnapshotLocked(project, "copy", 0, snapID, "", "")
	c.Unlock()
	if !ok || foreign || si.SizeGB != 3 || si.VolumeID != src.ID || !si.Bootable || si.ImageMetadata["os_distro"] != "debian" {
		t.Errorf("snapshot info %+v (%v), seen by another project: %v", si, ok, foreign)
	}
	if err != nil {
		t.Fatal(err)
	}
	var vi core.VolumeInfo
	waitLocked(t, c, "volume from snapshot", func() bool {
		vi, _ = s.InfoLocked(project, id)
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
		_, err := s.CreateFromSnapshotLocked(project, "", tc.size, tc.snap, tc.az, tc.vtype)
		var ce *apiError
		if !errors.As(err, &ce) || ce.Status != tc.status || !strings.Contains(ce.Message, tc.msg) {
			t.Errorf("%+v: got %v", tc, err)
		}
	}
	// A requested type wins over the snapshot's.
	id, err = s.CreateFromSnapshotLocked(project, "", 4, snapID, "", "standard")
	if v := s.volumes[id]; err != nil || s.typeName(v.TypeID) != "standard" || v.SizeGB != 4 {
		t.Errorf("volume from snapshot with a type: %v %+v", err, v)
	}
	// An empty image ID still makes a blank volume.
	id, err = s.CreateFromImageLocked(project, "", 1, "", "", "")
	if v := s.volumes[id]; err != nil || v.Bootable || v.ImageMetadata != nil || v.AZ != "az1" || s.typeName(v.TypeID) != "standard" {
		t.Errorf("blank volume: %v %+v", err, v)
	}
}
