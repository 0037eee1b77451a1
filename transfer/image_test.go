package transfer_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/transfer"
)

var ubuntuProps = map[string]string{
	"hw_disk_bus": "scsi", "hw_scsi_model": "virtio-scsi", "hw_rng_model": "virtio",
	"os_distro": "ubuntu", "os_version": "24.04", "architecture": "x86_64",
	"image_source":     "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img",
	"image_build_date": "2026-11-01", "owner_specified.openstack.md5": "x",
}

func TestCopyImageIsByteIdenticalAndKeepsProperties(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	data := content{size: 3<<20 + 12345, seed: 1}
	id := e.createImage(e.src, "ubuntu-noble", data, ubuntuProps)
	rec := newRecorder()
	e.copier.Observer = rec

	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{Properties: map[string]string{"scs_migrate_source": id}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Size != data.size || res.BytesOnWire != data.size || res.Retries != 0 || res.Adopted {
		t.Errorf("result %+v, want size and bytes on wire %d, no retries", res, data.size)
	}
	if got := e.imageSHA512(e.dst, res.TargetID); got != data.sha512() || res.SHA512 != got {
		t.Errorf("target data sha512 %.16s, result %.16s, want %.16s", got, res.SHA512, data.sha512())
	}
	src, dst := e.waitImage(e.src, id, "active"), e.waitImage(e.dst, res.TargetID, "active")
	if dst.Checksum != src.Checksum || dst.Properties["os_hash_value"] != src.Properties["os_hash_value"] {
		t.Errorf("target checksums %s/%v differ from the source's %s/%v", dst.Checksum, dst.Properties["os_hash_value"], src.Checksum, src.Properties["os_hash_value"])
	}
	for k, v := range ubuntuProps {
		if dst.Properties[k] != v {
			t.Errorf("property %s = %v, want %q", k, dst.Properties[k], v)
		}
	}
	if dst.Properties["scs_migrate_source"] != id {
		t.Errorf("marker property missing: %v", dst.Properties)
	}
	if dst.Name != "ubuntu-noble" || dst.Visibility != images.ImageVisibilityPrivate || dst.DiskFormat != "raw" ||
		dst.ContainerFormat != "bare" || dst.MinDiskGigabytes != 1 || dst.MinRAMMegabytes != 512 || len(dst.Tags) != 2 {
		t.Errorf("target image %+v does not match the source's core attributes", dst)
	}
	if rec.started[id] != data.size || rec.progress[id] != data.size || rec.finished[id] != nil {
		t.Errorf("observer heard started %d, progress %d, finished %v", rec.started[id], rec.progress[id], rec.finished[id])
	}
}

func TestCopyImageAdoptsAnEarlierCopy(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	id := e.createImage(e.src, "app", content{size: 1 << 20, seed: 2}, nil)
	opts := transfer.ImageOptions{Adopt: true, Properties: map[string]string{"scs_migrate_source": id, "scs_migrate_run": "r1"}}
	first, err := e.copier.CopyImage(e.ctx, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	second, err := e.copier.CopyImage(e.ctx, id, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !second.Adopted || second.TargetID != first.TargetID || second.BytesOnWire != 0 || second.SHA512 != first.SHA512 {
		t.Errorf("second copy %+v, want the first (%s) adopted with 0 bytes moved", second, first.TargetID)
	}
	if n := len(e.imageNames(e.dst)); n != 1 {
		t.Errorf("%d images on the target, want 1", n)
	}
}

func TestCopyImageReplacesAnUnfinishedCopy(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	data := content{size: 1 << 20, seed: 3}
	id := e.createImage(e.src, "app", data, nil)
	markers := map[string]string{"scs_migrate_source": id}
	vis := images.ImageVisibilityPrivate
	stale, err := images.Create(e.ctx, e.dst.Image, images.CreateOpts{Name: "app", Visibility: &vis,
		DiskFormat: "raw", ContainerFormat: "bare", Properties: markers}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{Adopt: true, Properties: markers})
	if err != nil {
		t.Fatal(err)
	}
	if res.Adopted || res.TargetID == stale.ID || res.BytesOnWire != data.size {
		t.Errorf("result %+v: want a fresh copy instead of the queued %s", res, stale.ID)
	}
	if _, err := images.Get(e.ctx, e.dst.Image, stale.ID).Extract(); err == nil {
		t.Errorf("the unfinished copy %s is still there", stale.ID)
	}
}

func TestCopyImageChecksumMismatchIsRetried(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	data := content{size: 2 << 20, seed: 4}
	id := e.createImage(e.src, "flaky-path", data, nil)
	transfer.SetCorrupt(e.copier, func(attempt int, p []byte) {
		if attempt == 0 {
			p[0] ^= 0xff
		}
	})
	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Retries != 1 || res.BytesOnWire != 2*data.size {
		t.Errorf("result %+v: want 1 retry and the image streamed twice", res)
	}
	if got := e.imageSHA512(e.dst, res.TargetID); got != data.sha512() {
		t.Errorf("target data differs from the source")
	}
	if n := len(e.imageNames(e.dst)); n != 1 {
		t.Errorf("%d images on the target, want only the good copy", n)
	}
}

func TestCopyImageChecksumMismatchGivesUp(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	id := e.createImage(e.src, "foo", content{size: 1 << 20, seed: 5}, nil)
	e.copier.Retries = 2
	transfer.SetCorrupt(e.copier, func(_ int, p []byte) { p[len(p)-1]++ })
	_, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{})
	if !errors.Is(err, transfer.ErrChecksumMismatch) {
		t.Fatalf("got %v, want a checksum mismatch", err)
	}
	want := fmt.Sprintf("copy image \"foo\" (id %s): checksum mismatch", id)
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("error %q, want it to start with %q and count 3 attempts", err, want)
	}
	if names := e.imageNames(e.dst); len(names) != 0 {
		t.Errorf("images left on the target: %v", names)
	}
}

func TestCopyImagesInParallel(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	e.copier.Transfers = 3
	rec := newRecorder()
	e.copier.Observer = rec
	var ids []string
	var data []content
	for i := range 6 {
		c := content{size: int64(1<<20 + i*4096), seed: uint64(10 + i)}
		data = append(data, c)
		ids = append(ids, e.createImage(e.src, fmt.Sprintf("img-%d", i), c, nil))
	}
	results := make([]transfer.Result, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { results[i], errs[i] = e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{}) })
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil {
			t.Errorf("copy %d: %v", i, errs[i])
			continue
		}
		if got := e.imageSHA512(e.dst, results[i].TargetID); got != data[i].sha512() {
			t.Errorf("copy %d: data differs", i)
		}
		if rec.progress[ids[i]] != data[i].size {
			t.Errorf("copy %d: observer counted %d bytes, want %d", i, rec.progress[ids[i]], data[i].size)
		}
	}
}

func TestCopyImageOfMissingImageNamesIt(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	_, err := e.copier.CopyImage(e.ctx, "00000000-0000-0000-0000-000000000000", transfer.ImageOptions{})
	if !errors.Is(err, transfer.ErrNotFound) || !strings.Contains(err.Error(), "00000000-0000-0000-0000-000000000000") {
		t.Errorf("got %v, want a not-found error naming the image", err)
	}
}
