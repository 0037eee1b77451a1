package transfer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// uploadFormats are tried in this order for the temporary image of a
// volume: qcow2 leaves zero clusters out, so unwritten blocks do not
// cross the wire; raw is what every backend can do.
var uploadFormats = []string{"qcow2", "raw"}

// sourceImage turns the source volume into an active image on the source
// cloud. An in-use volume is snapshotted first and the image made from a
// temporary volume of that snapshot. Everything created is on cl; the
// returned steps remove it and may run as soon as the image has crossed.
func (c *Copier) sourceImage(ctx context.Context, cl *cleanups, vol *volumes.Volume) (*images.Image, []*cleanupStep, error) {
	var steps []*cleanupStep
	uploadFrom := vol.ID
	switch vol.Status {
	case "available":
	case "in-use":
		id, more, err := c.detachedCopy(ctx, cl, vol)
		steps = append(steps, more...)
		if err != nil {
			return nil, steps, err
		}
		uploadFrom = id
	default:
		return nil, nil, cloud.Permanent(fmt.Errorf("the volume is %s; a copy needs it available or in-use: %w", vol.Status, ErrBadState))
	}
	c.stage(vol.ID, "preparing image on source")
	var lastErr error
	for _, format := range uploadFormats {
		img, step, err := c.uploadVolume(ctx, cl, uploadFrom, vol.ID, format)
		if step != nil {
			steps = append(steps, step)
		}
		if err == nil {
			return img, steps, nil
		}
		lastErr = err
		if !refusedFormat(err) {
			break
		}
		if step != nil {
			if err := cl.now(ctx, step); err != nil {
				return nil, steps, err
			}
		}
	}
	return nil, steps, lastErr
}

// refusedFormat reports whether an upload failed in a way that another
// disk format may not: the request was refused (400), or the image never
// became active (Cinder deletes the image of a failed upload).
func refusedFormat(err error) bool {
	return cloud.StatusOf(err) == http.StatusBadRequest || errors.Is(err, ErrBadState) || errors.Is(err, ErrNotFound)
}

// detachedCopy snapshots an in-use volume and makes a temporary volume
// of the snapshot, which can be uploaded while the original stays
// attached.
func (c *Copier) detachedCopy(ctx context.Context, cl *cleanups, vol *volumes.Volume) (string, []*cleanupStep, error) {
	bs := c.Source.BlockStorage
	snap, steps, err := c.snapshotInUse(ctx, cl, vol)
	if err != nil {
		return "", steps, err
	}
	tmp, err := volumes.Create(ctx, bs, volumes.CreateOpts{
		Size: vol.Size, SnapshotID: snap.ID, VolumeType: vol.VolumeType, AvailabilityZone: vol.AvailabilityZone,
		Name: TempName("volume", vol.ID), Description: "temporary volume of scs-migrate, removed when the copy ends"}, nil).Extract()
	if err != nil {
		return "", steps, cloud.Wrap("create a temporary volume from the snapshot", err)
	}
	steps = append(steps, cl.push("delete temporary volume "+tmp.ID, func(ctx context.Context) error {
		return c.deleteVolume(ctx, bs, tmp.ID)
	}))
	if _, err := c.waitVolume(ctx, bs, tmp.ID); err != nil {
		return "", steps, err
	}
	return tmp.ID, steps, nil
}

// snapshotAttempts bounds the tries at a snapshot of an in-use volume.
const snapshotAttempts = 4

// snapshotInUse takes the temporary snapshot of an in-use volume. Cinder
// drivers that snapshot an attached volume through Nova (assisted
// snapshots: NFS, local directories) put the snapshot in error while the
// instance is busy — Nova refuses while it takes an image of the same
// server's root disk — so a snapshot that ends in error is removed and
// taken again after a pause, up to snapshotAttempts times.
func (c *Copier) snapshotInUse(ctx context.Context, cl *cleanups, vol *volumes.Volume) (*snapshots.Snapshot, []*cleanupStep, error) {
	bs := c.Source.BlockStorage
	var steps []*cleanupStep
	for attempt := 1; ; attempt++ {
		c.stage(vol.ID, "snapshotting")
		snap, err := snapshots.Create(ctx, bs, snapshots.CreateOpts{
			VolumeID: vol.ID, Force: true, Name: TempName("snapshot", vol.ID),
			Description: "temporary snapshot of scs-migrate, removed when the copy ends"}).Extract()
		if err != nil {
			return nil, steps, cloud.Wrap("snapshot the in-use volume", err)
		}
		step := cl.push("delete temporary snapshot "+snap.ID, func(ctx context.Context) error {
			return c.deleteSnapshot(ctx, bs, snap.ID)
		})
		steps = append(steps, step)
		_, err = c.waitSnapshot(ctx, bs, snap.ID)
		if err == nil || !errors.Is(err, cloud.ErrBadState) || attempt == snapshotAttempts {
			if err != nil && attempt > 1 {
				err = fmt.Errorf("%w (attempt %d of %d)", err, attempt, snapshotAttempts)
			}
			return snap, steps, err
		}
		if err := cl.now(ctx, step); err != nil {
			return nil, steps, err
		}
		c.stage(vol.ID, fmt.Sprintf("the snapshot failed (%v); trying again", err))
		if err := cloud.Sleep(ctx, time.Duration(attempt)*2*c.backoff); err != nil {
			return nil, steps, err
		}
	}
}

// uploadVolume makes an image of a volume on the source
// (os-volume_upload_image), waits until it is active and the volume has
// settled again, and returns the image.
func (c *Copier) uploadVolume(ctx context.Context, cl *cleanups, volumeID, sourceID, format string) (*images.Image, *cleanupStep, error) {
	bs := c.Source.BlockStorage
	up, err := volumes.UploadImage(ctx, bs, volumeID, volumes.UploadImageOpts{
		ContainerFormat: "bare", DiskFormat: format, ImageName: TempName("upload", sourceID), Visibility: "private",
	}).Extract()
	if err != nil {
		return nil, nil, cloud.Wrap(fmt.Sprintf("upload volume %s to a %s image", volumeID, format), err)
	}
	step := cl.push("delete temporary image "+up.ImageID+" on the source", func(ctx context.Context) error {
		return deleteImage(ctx, c.Source.Image, up.ImageID)
	})
	img, imgErr := c.waitImageActive(ctx, c.Source.Image, up.ImageID)
	if _, err := c.waitVolume(ctx, bs, volumeID); err != nil {
		return nil, step, errors.Join(imgErr, err)
	}
	if imgErr != nil {
		return nil, step, fmt.Errorf("upload volume %s to a %s image: %w", volumeID, format, imgErr)
	}
	return img, step, nil
}
