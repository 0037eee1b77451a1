package transfer_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// createVolume makes a volume on s; with an image it is bootable and
// carries the image's properties as volume_image_metadata.
func (e *env) createVolume(s *cloud.Session, name string, sizeGB int, imageID string, meta map[string]string) string {
	e.t.Helper()
	v, err := volumes.Create(e.ctx, s.BlockStorage, volumes.CreateOpts{Name: name, Size: sizeGB, ImageID: imageID, Metadata: meta}, nil).Extract()
	if err != nil {
		e.t.Fatalf("create volume %s: %v", name, err)
	}
	e.waitVolume(s, v.ID, "available")
	return v.ID
}

func (e *env) waitVolume(s *cloud.Session, id, status string) *volumes.Volume {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		v, err := volumes.Get(e.ctx, s.BlockStorage, id).Extract()
		if err != nil {
			e.t.Fatalf("get volume %s: %v", id, err)
		}
		if v.Status == status {
			return v
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("volume %s is %s, want %s", id, v.Status, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bootServer boots a server from the standard image on the source and
// waits until it is active.
func (e *env) bootServer(name string) string {
	e.t.Helper()
	s := e.src
	srv, err := servers.Create(e.ctx, s.Compute, servers.CreateOpts{
		Name: name, FlavorRef: flavorID(e, s, "SCS-2V-4-20s"), ImageRef: imageID(e, s, "Ubuntu 24.04"), Networks: "none",
	}, nil).Extract()
	if err != nil {
		e.t.Fatalf("create server: %v", err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := servers.Get(e.ctx, s.Compute, srv.ID).Extract()
		if err != nil {
			e.t.Fatal(err)
		}
		if got.Status == "ACTIVE" {
			return srv.ID
		}
		if got.Status == "ERROR" || time.Now().After(deadline) {
			e.t.Fatalf("server is %s", got.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// attach boots a server on the source and attaches the volume to it.
func (e *env) attach(volumeID string) {
	e.t.Helper()
	srv := e.bootServer("holder")
	if _, err := volumeattach.Create(e.ctx, e.src.Compute, srv, volumeattach.CreateOpts{VolumeID: volumeID}).Extract(); err != nil {
		e.t.Fatalf("attach volume: %v", err)
	}
	e.waitVolume(e.src, volumeID, "in-use")
}

// volumeDigest uploads a volume to a qcow2 image and returns the
// image's checksum: equal volumes give equal checksums, and nothing is
// downloaded.
func (e *env) volumeDigest(s *cloud.Session, volumeID string) string {
	e.t.Helper()
	up, err := volumes.UploadImage(e.ctx, s.BlockStorage, volumeID, volumes.UploadImageOpts{
		ImageName: "digest-" + volumeID, DiskFormat: "qcow2", ContainerFormat: "bare", Force: true}).Extract()
	if err != nil {
		e.t.Fatalf("upload volume %s: %v", volumeID, err)
	}
	img := e.waitImage(s, up.ImageID, "active")
	e.waitVolumeSettled(s, volumeID)
	if err := images.Delete(e.ctx, s.Image, up.ImageID).ExtractErr(); err != nil {
		e.t.Fatal(err)
	}
	return img.Checksum
}

func (e *env) waitVolumeSettled(s *cloud.Session, id string) {
	e.t.Helper()
	for range 3000 {
		v, err := volumes.Get(e.ctx, s.BlockStorage, id).Extract()
		if err != nil {
			e.t.Fatal(err)
		}
		if v.Status == "available" || v.Status == "in-use" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.t.Fatalf("volume %s does not settle", id)
}

func TestCopyAvailableBootableVolume(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	img := e.createImage(e.src, "noble", content{size: 3 << 20, seed: 20}, ubuntuProps)
	vol := e.createVolume(e.src, "root", 2, img, map[string]string{"role": "db"})
	src := e.waitVolume(e.src, vol, "available")
	rec := newRecorder()
	e.copier.Observer = rec

	res, err := e.copier.CopyVolume(e.ctx, vol, transfer.VolumeOptions{VolumeType: "standard",
		Metadata: map[string]string{"scs_migrate_source": vol}})
	if err != nil {
		t.Fatal(err)
	}
	dst := e.waitVolume(e.dst, res.TargetID, "available")
	if dst.Size != 2 || dst.Name != "root" || dst.VolumeType != "standard" || dst.Bootable != "true" {
		t.Errorf("target volume %+v: want 2 GiB, named root, type standard, bootable", dst)
	}
	if dst.Metadata["role"] != "db" || dst.Metadata["scs_migrate_source"] != vol {
		t.Errorf("target metadata %v lacks the source's or the marker", dst.Metadata)
	}
	for k, v := range ubuntuProps {
		if src.VolumeImageMetadata[k] == v && dst.VolumeImageMetadata[k] != v {
			t.Errorf("volume_image_metadata %s = %q, want %q", k, dst.VolumeImageMetadata[k], v)
		}
	}
	t.Logf("%+v", res)
	if res.Size != 2<<30 || res.BytesOnWire <= 0 || res.BytesOnWire > 4<<20 {
		t.Errorf("result %+v: want size 2 GiB and a few MiB on the wire (qcow2)", res)
	}
	if rec.finished[vol] != nil || rec.progress[vol] != res.BytesOnWire {
		t.Errorf("observer: progress %d, finished %v", rec.progress[vol], rec.finished[vol])
	}
	if a, b := e.volumeDigest(e.src, vol), e.volumeDigest(e.dst, res.TargetID); a != b {
		t.Errorf("target volume data differs from the source's (%s vs %s)", b, a)
	}
	e.noTemporaries()
	if names := e.imageNames(e.dst); len(names) != 0 {
		t.Errorf("images left on the target: %v", names)
	}
}

func TestCopyInUseVolume(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	img := e.createImage(e.src, "data-seed", content{size: 2 << 20, seed: 21}, nil)
	vol := e.createVolume(e.src, "data", 1, img, nil)
	if err := volumes.SetBootable(e.ctx, e.src.BlockStorage, vol, volumes.BootableOpts{Bootable: false}).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	e.attach(vol)
	before := len(e.volumeNames(e.src))

	res, err := e.copier.CopyVolume(e.ctx, vol, transfer.VolumeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dst := e.waitVolume(e.dst, res.TargetID, "available")
	if dst.Bootable != "false" || dst.Size != 1 {
		t.Errorf("target volume bootable=%s size=%d: want a non-bootable 1 GiB volume", dst.Bootable, dst.Size)
	}
	if v := e.waitVolume(e.src, vol, "in-use"); len(v.Attachments) != 1 {
		t.Errorf("the source volume lost its attachment: %+v", v.Attachments)
	}
	if a, b := e.volumeDigest(e.src, vol), e.volumeDigest(e.dst, res.TargetID); a != b {
		t.Errorf("target volume data differs from the source's")
	}
	if after := len(e.volumeNames(e.src)); after != before {
		t.Errorf("%d volumes on the source after the copy, %d before", after, before)
	}
	e.noTemporaries()
}

func TestCopyVolumeAdopts(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	vol := e.createVolume(e.src, "blank", 1, "", nil)
	opts := transfer.VolumeOptions{Adopt: true, Metadata: map[string]string{"scs_migrate_source": vol}}
	first, err := e.copier.CopyVolume(e.ctx, vol, opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.copier.CopyVolume(e.ctx, vol, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Adopted || second.TargetID != first.TargetID || second.BytesOnWire != 0 {
		t.Errorf("second copy %+v: want the first (%s) adopted", second, first.TargetID)
	}
	e.noTemporaries()
}

func TestCopyVolumeOverTargetQuotaLeavesNothing(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	q := sim.DefaultQuotas
	q.Gigabytes = 1
	if err := e.pair.Target.SetQuotas("tenant", q); err != nil {
		t.Fatal(err)
	}
	vol := e.createVolume(e.src, "big", 2, "", nil)
	_, err := e.copier.CopyVolume(e.ctx, vol, transfer.VolumeOptions{})
	if !errors.Is(err, transfer.ErrQuotaExceeded) {
		t.Fatalf("got %v, want a quota error", err)
	}
	t.Log(err)
	e.noTemporaries()
	if names := e.volumeNames(e.dst); len(names) != 0 {
		t.Errorf("volumes left on the target: %v", names)
	}
	if names := e.imageNames(e.dst); len(names) != 0 {
		t.Errorf("images left on the target: %v", names)
	}
}

// startedHook calls fn when the first stream starts.
type startedHook struct {
	*recorder
	once sync.Once
	fn   func()
}

func (h *startedHook) Started(id, name string, total int64) {
	h.recorder.Started(id, name, total)
	h.once.Do(h.fn)
}

func TestCopyVolumeQuotaUsedUpDuringCopyLeavesNothing(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	q := sim.DefaultQuotas
	q.Gigabytes = 3
	if err := e.pair.Target.SetQuotas("tenant", q); err != nil {
		t.Fatal(err)
	}
	img := e.createImage(e.src, "seed", content{size: 1 << 20, seed: 22}, nil)
	vol := e.createVolume(e.src, "big", 2, img, nil)
	// The quota check before the copy passes; while the image crosses,
	// someone else takes the room.
	e.copier.Observer = &startedHook{recorder: newRecorder(), fn: func() { e.createVolume(e.dst, "squatter", 2, "", nil) }}
	_, err := e.copier.CopyVolume(e.ctx, vol, transfer.VolumeOptions{})
	if !errors.Is(err, transfer.ErrQuotaExceeded) {
		t.Fatalf("got %v, want a quota error", err)
	}
	t.Log(err)
	e.noTemporaries()
	if names := e.volumeNames(e.dst); len(names) != 1 {
		t.Errorf("volumes on the target: %v, want only the squatter", names)
	}
	if names := e.imageNames(e.dst); len(names) != 0 {
		t.Errorf("images left on the target: %v", names)
	}
}

func TestSnapshotServerThenCopy(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	srv := e.bootServer("web")
	snap, err := e.copier.SnapshotServer(e.ctx, srv, "web-snapshot")
	if err != nil {
		t.Fatal(err)
	}
	img := e.waitImage(e.src, snap, "active")
	if img.SizeBytes == 0 {
		t.Fatalf("the snapshot of an image-backed server has no data: %+v", img)
	}
	res, err := e.copier.CopyImage(e.ctx, snap, transfer.ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.imageSHA512(e.dst, res.TargetID), e.imageSHA512(e.src, snap); got != want {
		t.Error("the copied snapshot differs")
	}
}

func TestCleanupOrphans(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	vol := e.createVolume(e.src, transfer.TempName("volume", "gone"), 1, "", nil)
	vis := images.ImageVisibilityPrivate
	if _, err := images.Create(e.ctx, e.dst.Image, images.CreateOpts{Name: transfer.TempName("image", "gone"),
		Visibility: &vis, DiskFormat: "raw", ContainerFormat: "bare"}).Extract(); err != nil {
		t.Fatal(err)
	}
	keep := e.createVolume(e.src, "keep-me", 1, "", nil)
	removed, err := e.copier.CleanupOrphans(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Errorf("removed %v, want the temporary volume %s and image", removed, vol)
	}
	e.noTemporaries()
	e.waitVolume(e.src, keep, "available")
}

func flavorID(e *env, s *cloud.Session, name string) string {
	e.t.Helper()
	pages, err := flavors.ListDetail(s.Compute, flavors.ListOpts{}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	all, err := flavors.ExtractFlavors(pages)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, f := range all {
		if f.Name == name {
			return f.ID
		}
	}
	e.t.Fatalf("no flavor %q", name)
	return ""
}

func imageID(e *env, s *cloud.Session, name string) string {
	e.t.Helper()
	pages, err := images.List(s.Image, images.ListOpts{Name: name}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil || len(all) == 0 {
		e.t.Fatalf("no image %q: %v", name, err)
	}
	return all[0].ID
}
