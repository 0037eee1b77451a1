package conformance

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/availabilityzones"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/backups"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/limits"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumetypes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

const volumeWait = 3 * time.Minute

// waitVolumeStatus polls a volume until it has the status.
func waitVolumeStatus(t *testing.T, e *Env, id, status string) *volumes.Volume {
	t.Helper()
	var v *volumes.Volume
	WaitFor(t, e, "volume "+id+" to become "+status, func() (bool, error) {
		var err error
		v, err = volumes.Get(e.Ctx, e.S.BlockStorage, id).Extract()
		if err != nil {
			return false, err
		}
		if v.Status == "error" && status != "error" {
			t.Fatalf("volume %s went to error", id)
		}
		return v.Status == status, nil
	})
	return v
}

// createTestVolume creates a volume, waits until it is available and
// deletes it (and whatever holds it) at the end of the test.
func createTestVolume(t *testing.T, e *Env, opts volumes.CreateOpts) *volumes.Volume {
	t.Helper()
	if opts.Name == "" {
		opts.Name = RandomName("conf-volume-")
	}
	if opts.Size == 0 && opts.SnapshotID == "" && opts.SourceVolID == "" {
		opts.Size = 1
	}
	v, err := volumes.Create(e.Ctx, e.S.BlockStorage, opts, nil).Extract()
	if err != nil {
		t.Fatalf("create volume: %v", err)
	}
	t.Cleanup(func() { deleteTestVolume(t, e, v.ID) })
	return waitVolumeStatus(t, e, v.ID, "available")
}

// deleteTestVolume deletes a volume once it may be deleted and waits
// until it is gone.
func deleteTestVolume(t *testing.T, e *Env, id string) {
	ctx := context.Background()
	deadline := time.Now().Add(volumeWait)
	for time.Now().Before(deadline) {
		v, err := volumes.Get(ctx, e.S.BlockStorage, id).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return
		}
		if err == nil {
			for _, a := range v.Attachments {
				volumes.Detach(ctx, e.S.BlockStorage, id, volumes.DetachOpts{AttachmentID: a.AttachmentID})
			}
			if v.Status == "available" || v.Status == "error" {
				volumes.Delete(ctx, e.S.BlockStorage, id, volumes.DeleteOpts{Cascade: true})
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("volume %s was not deleted", id)
}

func TestVolumeLifecycle(t *testing.T) {
	e := Open(t)
	v := createTestVolume(t, e, volumes.CreateOpts{Description: "conformance",
		Metadata: map[string]string{"purpose": "conformance"}})
	if v.Size != 1 || v.Bootable != "false" || v.VolumeType == "" || v.AvailabilityZone == "" ||
		v.TenantID != e.S.ProjectID || v.Metadata["purpose"] != "conformance" || len(v.Attachments) != 0 {
		t.Errorf("new volume: %+v", v)
	}
	newName, newDesc := v.Name+"-renamed", "changed"
	got, err := volumes.Update(e.Ctx, e.S.BlockStorage, v.ID, volumes.UpdateOpts{Name: &newName, Description: &newDesc,
		Metadata: map[string]string{"purpose": "changed", "extra": "1"}}).Extract()
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if got.Name != newName || got.Description != newDesc || got.Metadata["purpose"] != "changed" || got.Metadata["extra"] != "1" {
		t.Errorf("updated volume: %+v", got)
	}
	if err := volumes.ExtendSize(e.Ctx, e.S.BlockStorage, v.ID, volumes.ExtendSizeOpts{NewSize: 2}).ExtractErr(); err != nil {
		t.Fatalf("extend: %v", err)
	}
	WaitFor(t, e, "extend to 2 GiB", func() (bool, error) {
		got, err := volumes.Get(e.Ctx, e.S.BlockStorage, v.ID).Extract()
		return err == nil && got.Status == "available" && got.Size == 2, err
	})
	if err := volumes.Delete(e.Ctx, e.S.BlockStorage, v.ID, nil).ExtractErr(); err != nil {
		t.Fatalf("delete: %v", err)
	}
	WaitFor(t, e, "deleted volume to disappear", func() (bool, error) {
		_, err := volumes.Get(e.Ctx, e.S.BlockStorage, v.ID).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true, nil
		}
		return false, err
	})
}

func TestVolumeListPaging(t *testing.T) {
	e := Open(t)
	tag := RandomName("conf-")
	want := map[string]bool{}
	for range 3 {
		v := createTestVolume(t, e, volumes.CreateOpts{Metadata: map[string]string{"conformance": tag}})
		want[v.ID] = true
	}
	seen, pages := map[string]bool{}, 0
	err := volumes.List(e.S.BlockStorage, volumes.ListOpts{Metadata: map[string]string{"conformance": tag}, Limit: 2}).EachPage(e.Ctx,
		func(_ context.Context, page pagination.Page) (bool, error) {
			list, err := volumes.ExtractVolumes(page)
			pages++
			for _, v := range list {
				if seen[v.ID] {
					t.Errorf("volume %s listed twice", v.ID)
				}
				seen[v.ID] = true
			}
			return true, err
		})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(seen) != 3 || pages < 2 {
		t.Errorf("listed %d volumes in %d pages, want 3 in at least 2", len(seen), pages)
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("volume %s not listed", id)
		}
	}
}

func TestVolumeFromImage(t *testing.T) {
	e := Open(t)
	data := imageBytes(3, 1<<20)
	im := uploadTestImage(t, e, data, images.CreateOpts{MinDisk: 1,
		Properties: map[string]string{"os_distro": "ubuntu", "conf_prop": "carried"}})
	v := createTestVolume(t, e, volumes.CreateOpts{Size: 1, ImageID: im.ID})
	md := v.VolumeImageMetadata
	if v.Bootable != "true" || md["image_id"] != im.ID || md["image_name"] != im.Name ||
		md["checksum"] != im.Checksum || md["conf_prop"] != "carried" || md["os_distro"] != "ubuntu" ||
		md["disk_format"] != "raw" || md["container_format"] != "bare" {
		t.Errorf("volume from image: bootable %s volume_image_metadata %v", v.Bootable, md)
	}
	std := standardImage(t, e)
	sv := createTestVolume(t, e, volumes.CreateOpts{Size: max(1, std.MinDiskGigabytes), ImageID: std.ID})
	if sv.Bootable != "true" || sv.VolumeImageMetadata["image_id"] != std.ID {
		t.Errorf("volume from %s: bootable %s metadata %v", std.Name, sv.Bootable, sv.VolumeImageMetadata)
	}
	meta := map[string]string{"conf_set": "yes"}
	if err := volumes.SetImageMetadata(e.Ctx, e.S.BlockStorage, v.ID, volumes.ImageMetadataOpts{Metadata: meta}).ExtractErr(); err != nil {
		t.Fatalf("set image metadata: %v", err)
	}
	got, _ := volumes.Get(e.Ctx, e.S.BlockStorage, v.ID).Extract()
	if got.VolumeImageMetadata["conf_set"] != "yes" {
		t.Errorf("image metadata after set: %v", got.VolumeImageMetadata)
	}
	_, err := volumes.Create(e.Ctx, e.S.BlockStorage, volumes.CreateOpts{Size: 1, ImageID: "0a3e7bde-3e4e-4f0b-8c2b-7a1b2c3d4e5f"}, nil).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) && !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		t.Errorf("volume from a missing image: got %v, want 404 or 400", err)
	}
}

// standardImage finds the environment's standard public image.
func standardImage(t *testing.T, e *Env) images.Image {
	t.Helper()
	all, err := images.List(e.S.Image, images.ListOpts{Name: e.StandardImage}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := images.ExtractImages(all)
	if len(list) == 0 {
		t.Fatalf("no image %q", e.StandardImage)
	}
	return list[0]
}

func TestVolumeUploadToImage(t *testing.T) {
	e := Open(t)
	data := imageBytes(4, 1<<20)
	im := uploadTestImage(t, e, data, images.CreateOpts{Properties: map[string]string{"conf_prop": "round-trip"}})
	v := createTestVolume(t, e, volumes.CreateOpts{Size: 1, ImageID: im.ID})
	up, err := volumes.UploadImage(e.Ctx, e.S.BlockStorage, v.ID, volumes.UploadImageOpts{
		ImageName: RandomName("conf-upload-"), DiskFormat: "raw", ContainerFormat: "bare"}).Extract()
	if err != nil {
		t.Fatalf("upload to image: %v", err)
	}
	t.Cleanup(func() { images.Delete(context.Background(), e.S.Image, up.ImageID) })
	if up.ImageID == "" || up.VolumeID != v.ID || up.DiskFormat != "raw" {
		t.Errorf("upload answer: %+v", up)
	}
	out := waitImageStatus(t, e, up.ImageID, images.ImageStatusActive)
	waitVolumeStatus(t, e, v.ID, "available")
	if out.SizeBytes != 1<<30 || out.Properties["conf_prop"] != "round-trip" {
		t.Errorf("uploaded image: size %d properties %v", out.SizeBytes, out.Properties)
	}
	body, err := imagedata.Download(e.Ctx, e.S.Image, up.ImageID).Extract()
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	defer body.Close()
	checkVolumeImage(t, body, data, 1<<30)

	q, err := volumes.UploadImage(e.Ctx, e.S.BlockStorage, v.ID, volumes.UploadImageOpts{
		ImageName: RandomName("conf-upload-"), DiskFormat: "qcow2", ContainerFormat: "bare"}).Extract()
	if err != nil {
		t.Fatalf("upload to qcow2 image: %v", err)
	}
	t.Cleanup(func() { images.Delete(context.Background(), e.S.Image, q.ImageID) })
	qi := waitImageStatus(t, e, q.ImageID, images.ImageStatusActive)
	if qi.DiskFormat != "qcow2" || qi.SizeBytes >= 64<<20 || (qi.VirtualSize != 0 && qi.VirtualSize != 1<<30) {
		t.Errorf("qcow2 image: disk_format %s size %d virtual_size %d", qi.DiskFormat, qi.SizeBytes, qi.VirtualSize)
	}
	waitVolumeStatus(t, e, v.ID, "available")
	// Cinder records signature_verified in the image metadata of a volume
	// made from an image, and upload-to-image carries it into the new
	// image; a volume made from that image would fail (GlanceMetadataExists).
	// A migration removes it first, as here.
	if _, ok := qi.Properties["signature_verified"]; !ok {
		t.Errorf("uploaded image lacks the signature_verified Cinder carried over: %v", qi.Properties)
	}
	if _, err := images.Update(e.Ctx, e.S.Image, q.ImageID, images.UpdateOpts{
		images.UpdateImageProperty{Op: images.RemoveOp, Name: "signature_verified"}}).Extract(); err != nil {
		t.Fatalf("remove signature_verified: %v", err)
	}
	back := createTestVolume(t, e, volumes.CreateOpts{Size: 1, ImageID: q.ImageID})
	if back.VolumeImageMetadata["image_id"] != q.ImageID {
		t.Errorf("volume from the qcow2 image: %v", back.VolumeImageMetadata)
	}
}

// checkVolumeImage checks that r holds data followed by zeros up to size
// bytes, streaming.
func checkVolumeImage(t *testing.T, r io.Reader, data []byte, size int64) {
	t.Helper()
	head := make([]byte, len(data))
	if _, err := io.ReadFull(r, head); err != nil || !bytes.Equal(head, data) {
		t.Fatalf("image does not start with the volume's data (%v)", err)
	}
	buf, zeros := make([]byte, 1<<20), make([]byte, 1<<20)
	n := int64(len(data))
	for {
		k, err := r.Read(buf)
		if !bytes.Equal(buf[:k], zeros[:k]) {
			t.Fatalf("non-zero byte after the data, in the %d bytes at offset %d", k, n)
		}
		n += int64(k)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read image: %v", err)
		}
	}
	if n != size {
		t.Errorf("image holds %d bytes, want %d", n, size)
	}
}

func TestVolumeAttachConflicts(t *testing.T) {
	e := Open(t)
	v := createTestVolume(t, e, volumes.CreateOpts{})
	server := "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
	if err := volumes.Attach(e.Ctx, e.S.BlockStorage, v.ID, volumes.AttachOpts{MountPoint: "/dev/vdb",
		InstanceUUID: server, Mode: volumes.ReadWrite}).ExtractErr(); err != nil {
		t.Fatalf("attach: %v", err)
	}
	in := waitVolumeStatus(t, e, v.ID, "in-use")
	if len(in.Attachments) != 1 || in.Attachments[0].ServerID != server {
		t.Errorf("attachments: %+v", in.Attachments)
	}
	err := volumes.Delete(e.Ctx, e.S.BlockStorage, v.ID, nil).ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		t.Errorf("delete in-use volume: got %v, want 400", err)
	}
	_, err = volumes.UploadImage(e.Ctx, e.S.BlockStorage, v.ID, volumes.UploadImageOpts{ImageName: RandomName("conf-")}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		t.Errorf("upload in-use volume without force: got %v, want 400", err)
	}
	if err := volumes.Detach(e.Ctx, e.S.BlockStorage, v.ID, volumes.DetachOpts{AttachmentID: in.Attachments[0].AttachmentID}).ExtractErr(); err != nil {
		t.Fatalf("detach: %v", err)
	}
	waitVolumeStatus(t, e, v.ID, "available")
}

func TestVolumeSnapshots(t *testing.T) {
	e := Open(t)
	v := createTestVolume(t, e, volumes.CreateOpts{})
	sn, err := snapshots.Create(e.Ctx, e.S.BlockStorage, snapshots.CreateOpts{VolumeID: v.ID, Name: RandomName("conf-snap-")}).Extract()
	if err != nil {
		t.Fatalf("create snapshot: %v", err)
	}
	WaitFor(t, e, "snapshot available", func() (bool, error) {
		got, err := snapshots.Get(e.Ctx, e.S.BlockStorage, sn.ID).Extract()
		return err == nil && got.Status == "available", err
	})
	all, err := snapshots.ListDetail(e.S.BlockStorage, snapshots.ListOpts{VolumeID: v.ID}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := snapshots.ExtractSnapshots(all)
	if len(list) != 1 || list[0].ID != sn.ID || list[0].Size != v.Size {
		t.Errorf("snapshots of the volume: %+v", list)
	}
	err = volumes.Delete(e.Ctx, e.S.BlockStorage, v.ID, nil).ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		t.Errorf("delete volume with snapshot: got %v, want 400", err)
	}
	clone := createTestVolume(t, e, volumes.CreateOpts{SnapshotID: sn.ID})
	if clone.Size != v.Size || clone.SnapshotID != sn.ID {
		t.Errorf("volume from snapshot: size %d snapshot_id %q", clone.Size, clone.SnapshotID)
	}
	src := createTestVolume(t, e, volumes.CreateOpts{SourceVolID: v.ID})
	if src.SourceVolID != v.ID {
		t.Errorf("cloned volume: source_volid %q", src.SourceVolID)
	}
	if err := snapshots.Delete(e.Ctx, e.S.BlockStorage, sn.ID).ExtractErr(); err != nil {
		t.Fatalf("delete snapshot: %v", err)
	}
	WaitFor(t, e, "snapshot deleted", func() (bool, error) {
		_, err := snapshots.Get(e.Ctx, e.S.BlockStorage, sn.ID).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true, nil
		}
		return false, err
	})
}

func TestVolumeBackupRestore(t *testing.T) {
	e := Open(t)
	im := uploadTestImage(t, e, imageBytes(5, 256<<10), images.CreateOpts{})
	v := createTestVolume(t, e, volumes.CreateOpts{Size: 1, ImageID: im.ID})
	b, err := backups.Create(e.Ctx, e.S.BlockStorage, backups.CreateOpts{VolumeID: v.ID, Name: RandomName("conf-backup-")}).Extract()
	if err != nil {
		t.Fatalf("create backup: %v", err)
	}
	t.Cleanup(func() { deleteTestBackup(t, e, b.ID) })
	waitBackupStatus(t, e, b.ID, "available")
	waitVolumeStatus(t, e, v.ID, "available")
	r, err := backups.RestoreFromBackup(e.Ctx, e.S.BlockStorage, b.ID, backups.RestoreOpts{Name: RandomName("conf-restored-")}).Extract()
	if err != nil {
		t.Fatalf("restore to a new volume: %v", err)
	}
	t.Cleanup(func() { deleteTestVolume(t, e, r.VolumeID) })
	restored := waitVolumeStatus(t, e, r.VolumeID, "available")
	if restored.Size != v.Size || r.BackupID != b.ID {
		t.Errorf("restored volume: size %d, restore answer %+v", restored.Size, r)
	}
	waitBackupStatus(t, e, b.ID, "available")
	target := createTestVolume(t, e, volumes.CreateOpts{Size: 1})
	if _, err := backups.RestoreFromBackup(e.Ctx, e.S.BlockStorage, b.ID, backups.RestoreOpts{VolumeID: target.ID}).Extract(); err != nil {
		t.Fatalf("restore into a volume: %v", err)
	}
	waitBackupStatus(t, e, b.ID, "available")
	waitVolumeStatus(t, e, target.ID, "available")
	all, err := backups.ListDetail(e.S.BlockStorage, nil).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := backups.ExtractBackups(all)
	found := false
	for _, x := range list {
		found = found || (x.ID == b.ID && x.VolumeID == v.ID && x.Size == v.Size)
	}
	if !found {
		t.Errorf("backup %s not in the detailed list", b.ID)
	}
}

func waitBackupStatus(t *testing.T, e *Env, id, status string) {
	t.Helper()
	WaitFor(t, e, "backup "+id+" to become "+status, func() (bool, error) {
		b, err := backups.Get(e.Ctx, e.S.BlockStorage, id).Extract()
		if err == nil && b.Status == "error" {
			t.Fatalf("backup %s went to error: %s", id, b.FailReason)
		}
		return err == nil && b.Status == status, err
	})
}

func deleteTestBackup(t *testing.T, e *Env, id string) {
	ctx := context.Background()
	deadline := time.Now().Add(volumeWait)
	for time.Now().Before(deadline) {
		b, err := backups.Get(ctx, e.S.BlockStorage, id).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return
		}
		if err == nil && (b.Status == "available" || b.Status == "error") {
			backups.Delete(ctx, e.S.BlockStorage, id)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("backup %s was not deleted", id)
}

func TestVolumeTypesZonesLimits(t *testing.T) {
	e := Open(t)
	all, err := volumetypes.List(e.S.BlockStorage, nil).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	types, _ := volumetypes.ExtractVolumeTypes(all)
	if len(types) == 0 {
		t.Fatal("no volume types")
	}
	vt, err := volumetypes.Get(e.Ctx, e.S.BlockStorage, types[0].ID).Extract()
	if err != nil || vt.Name != types[0].Name || !vt.IsPublic {
		t.Errorf("get type %s: %+v, %v", types[0].ID, vt, err)
	}
	var def struct {
		VolumeType volumetypes.VolumeType `json:"volume_type"`
	}
	_, err = e.S.BlockStorage.Get(e.Ctx, e.S.BlockStorage.ServiceURL("types", "default"), &def, nil)
	if err != nil || def.VolumeType.ID == "" {
		t.Errorf("default type: %+v, %v", def, err)
	}
	zp, err := availabilityzones.List(e.S.BlockStorage).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	zones, _ := availabilityzones.ExtractAvailabilityZones(zp)
	if len(zones) == 0 || !zones[0].ZoneState.Available {
		t.Errorf("availability zones: %+v", zones)
	}
	before, err := limits.Get(e.Ctx, e.S.BlockStorage).Extract()
	if err != nil {
		t.Fatal(err)
	}
	createTestVolume(t, e, volumes.CreateOpts{VolumeType: vt.Name, AvailabilityZone: zones[0].ZoneName})
	after, err := limits.Get(e.Ctx, e.S.BlockStorage).Extract()
	if err != nil {
		t.Fatal(err)
	}
	a := after.Absolute
	if a.TotalVolumesUsed != before.Absolute.TotalVolumesUsed+1 || a.TotalGigabytesUsed < before.Absolute.TotalGigabytesUsed+1 {
		t.Errorf("limits before %+v, after %+v", before.Absolute, a)
	}
	usage, err := quotasets.GetUsage(e.Ctx, e.S.BlockStorage, e.S.ProjectID).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if usage.Volumes.InUse != a.TotalVolumesUsed || usage.Volumes.Limit != a.MaxTotalVolumes {
		t.Errorf("quota usage %+v, limits %+v", usage.Volumes, a)
	}
}

func TestVolumeErrors(t *testing.T) {
	e := Open(t)
	missing := "6b0a39bb-0d5a-4a89-9e42-7d2f6a0e1c11"
	_, err := volumes.Get(e.Ctx, e.S.BlockStorage, missing).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("get missing volume: got %v, want 404", err)
	}
	err = volumes.Delete(e.Ctx, e.S.BlockStorage, missing, nil).ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("delete missing volume: got %v, want 404", err)
	}
	_, err = snapshots.Get(e.Ctx, e.S.BlockStorage, missing).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("get missing snapshot: got %v, want 404", err)
	}
	_, err = backups.Get(e.Ctx, e.S.BlockStorage, missing).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("get missing backup: got %v, want 404", err)
	}
	_, err = volumes.Create(e.Ctx, e.S.BlockStorage, volumes.CreateOpts{Size: 1, AvailabilityZone: "no-such-zone"}, nil).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		t.Errorf("create in an unknown zone: got %v, want 400", err)
	}
	_, err = volumes.Create(e.Ctx, e.S.BlockStorage, volumes.CreateOpts{Size: 1, VolumeType: "no-such-type"}, nil).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("create with an unknown type: got %v, want 404", err)
	}
	lim, err := limits.Get(e.Ctx, e.S.BlockStorage).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if max := lim.Absolute.MaxTotalVolumeGigabytes; max >= 0 {
		size := max - lim.Absolute.TotalGigabytesUsed + 1
		v, err := volumes.Create(e.Ctx, e.S.BlockStorage, volumes.CreateOpts{Size: size}, nil).Extract()
		if err == nil {
			deleteTestVolume(t, e, v.ID)
		}
		if !gophercloud.ResponseCodeIs(err, http.StatusRequestEntityTooLarge) {
			t.Errorf("create beyond the gigabytes quota: got %v, want 413", err)
		}
	}
}
