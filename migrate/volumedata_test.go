package migrate_test

import (
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/plans"
)

// assertVolumeData checks that every volume the plan copied holds the
// bytes of its source: verify compares image checksums but can read no
// volume's bytes, so both sides are uploaded to qcow2 images (the
// simulator encodes by content) and their checksums compared.
func (e *env) assertVolumeData(t *testing.T) {
	t.Helper()
	j := e.journal(true)
	defer j.Close()
	n := 0
	for _, s := range e.plan.Steps {
		if s.Kind != plans.StepCopyVolume {
			continue
		}
		target := j.Step(s.ID).TargetID
		if target == "" {
			t.Errorf("%s: no target volume in the journal", s.ID)
			continue
		}
		if a, b := e.volumeDigest(t, e.src, s.SourceID), e.volumeDigest(t, e.dst, target); a != b {
			t.Errorf("%s: the target volume %s holds other bytes than the source volume %s", s.ID, target, s.SourceID)
		}
		n++
	}
	if n == 0 {
		t.Error("the plan copies no volume")
	}
}

// volumeDigest uploads a volume to a qcow2 image and returns the image's
// checksum, deleting the image again.
func (e *env) volumeDigest(t *testing.T, s *cloud.Session, volumeID string) string {
	t.Helper()
	up, err := volumes.UploadImage(e.ctx, s.BlockStorage, volumeID, volumes.UploadImageOpts{
		ImageName: "digest-" + volumeID, DiskFormat: "qcow2", ContainerFormat: "bare", Force: true}).Extract()
	if err != nil {
		t.Fatalf("upload volume %s: %v", volumeID, err)
	}
	defer images.Delete(e.ctx, s.Image, up.ImageID)
	for range 3000 {
		img, err := images.Get(e.ctx, s.Image, up.ImageID).Extract()
		if err != nil {
			t.Fatal(err)
		}
		v, err := volumes.Get(e.ctx, s.BlockStorage, volumeID).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if img.Status == images.ImageStatusActive && (v.Status == "available" || v.Status == "in-use") {
			return img.Checksum
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the upload of volume %s does not finish", volumeID)
	return ""
}
