package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// VolumeOptions shape the copy of a volume.
type VolumeOptions struct {
	// Name and Description of the copy; empty means the source's.
	Name, Description string
	// Label names the copy in progress reports (e.g. "db-1 root disk"
	// for a volume Nova made without a name); empty means its name, else
	// its ID.
	Label string
	// VolumeType and AvailabilityZone on the target; empty means the
	// target's defaults.
	VolumeType, AvailabilityZone string
	// Metadata is set on the copy on top of the source's metadata, e.g.
	// markers by which a later run finds its copy again.
	Metadata map[string]string
	// Adopt looks for an earlier copy on the target carrying all of
	// Metadata: one that is available (or in use) with the source's size
	// is the result and no bytes move; any other is deleted and the copy
	// made again.
	Adopt bool
}

// CopyVolume copies the source volume sourceVolumeID to the target. An
// available volume is uploaded to a temporary image directly; an in-use
// one through a temporary snapshot (crash-consistent, like pulling the
// plug) and a volume made from it. The image crosses as one verified
// stream and the target volume is made from it, under a temporary name
// until it has been checked. Temporary resources on both clouds are
// removed when the copy ends, however it ends. A copy that fails on a
// transient error is made again from the start.
func (c *Copier) CopyVolume(ctx context.Context, sourceVolumeID string, opts VolumeOptions) (res Result, err error) {
	start := time.Now()
	release, err := c.acquire(ctx)
	if err != nil {
		return Result{SourceID: sourceVolumeID}, fmt.Errorf("copy volume %s: %w", sourceVolumeID, err)
	}
	defer release()
	defer func() { c.observer().Finished(sourceVolumeID, err) }()
	vol, err := getVolume(ctx, c.Source.BlockStorage, sourceVolumeID)
	if err != nil {
		return Result{SourceID: sourceVolumeID}, fmt.Errorf("copy volume %s: %w", sourceVolumeID, err)
	}
	res, err = c.copyVolume(ctx, vol, opts)
	res.Duration = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("copy volume %q (id %s): %w", vol.Name, vol.ID, err)
	}
	return res, nil
}

func (c *Copier) copyVolume(ctx context.Context, vol *volumes.Volume, opts VolumeOptions) (res Result, err error) {
	res = Result{SourceID: vol.ID, Name: cmp.Or(opts.Name, vol.Name), Size: int64(vol.Size) << 30}
	if opts.Adopt {
		adopted, ok, err := c.adoptVolume(ctx, vol, opts)
		if err != nil || ok {
			return adopted, err
		}
	}
	if err := c.checkVolumeQuota(ctx, vol.Size); err != nil {
		return res, err
	}
	var wire int64
	var resumes int
	var last error
	err = cloud.Retry(ctx, c.retries(), c.backoff, func(attempt int) error {
		if attempt > 0 {
			// A call that failed may have created its resource all the
			// same; all of them carry the temporary names of this copy.
			if _, serr := c.sweep(ctx, func(name string) bool { return isTempFor(name, vol.ID) }); serr != nil {
				return cloud.Permanent(fmt.Errorf("%w; then: %w", last, serr))
			}
		}
		res, last = c.copyVolumeOnce(ctx, vol, opts)
		wire += res.BytesOnWire
		resumes += res.Resumes
		res.BytesOnWire, res.Resumes, res.Retries = wire, resumes, res.Retries+attempt
		return last
	})
	return res, err
}

// copyVolumeOnce makes one attempt at a volume copy, from the source
// volume to the verified target volume, and removes its temporaries.
func (c *Copier) copyVolumeOnce(ctx context.Context, vol *volumes.Volume, opts VolumeOptions) (res Result, err error) {
	spec := volumeCreateOpts(vol, opts)
	res = Result{SourceID: vol.ID, Name: spec.Name, Size: int64(vol.Size) << 30}
	var cl cleanups
	defer func() {
		cerr := cl.run(ctx, err != nil)
		switch {
		case cerr == nil:
		case err == nil: // the copy is good; only hygiene failed
			res.Leftovers = strings.Split(cerr.Error(), "\n")
		default:
			err = errors.Join(err, fmt.Errorf("clean up temporary resources (CleanupOrphans retries): %w", cerr))
		}
	}()
	img, sourceSteps, err := c.sourceImage(ctx, &cl, vol)
	if err != nil {
		return res, err
	}
	c.stage(vol.ID, "streaming")
	carried := carriedImageMetadata(vol)
	moved, err := c.copyImage(ctx, img, ImageOptions{Name: TempName("image", vol.ID), Properties: carried}, vol.ID, cmp.Or(opts.Label, spec.Name, vol.ID))
	res.MD5, res.SHA512, res.BytesOnWire, res.Retries, res.Resumes = moved.MD5, moved.SHA512, moved.BytesOnWire, moved.Retries, moved.Resumes
	if err != nil {
		return res, err
	}
	cl.push("delete temporary image "+moved.TargetID+" on the target", func(ctx context.Context) error {
		return deleteImage(ctx, c.Target.Image, moved.TargetID)
	})
	for _, s := range sourceSteps {
		// The source's temporaries are not needed any more; one that
		// cannot go now is tried again at the end.
		cl.now(ctx, s)
	}
	c.stage(vol.ID, "creating volume on target")
	spec.ImageID = moved.TargetID
	res.TargetID, err = c.createTargetVolume(ctx, &cl, vol, spec, carried)
	return res, err
}
