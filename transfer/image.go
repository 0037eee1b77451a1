package transfer

import (
	"context"
	"fmt"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// CopyImage copies the source image sourceImageID to the target as one
// verified stream and returns the copy.
func (c *Copier) CopyImage(ctx context.Context, sourceImageID string, opts ImageOptions) (res Result, err error) {
	start := time.Now()
	release, err := c.acquire(ctx)
	if err != nil {
		return Result{SourceID: sourceImageID}, fmt.Errorf("copy image %s: %w", sourceImageID, err)
	}
	defer release()
	defer func() { c.observer().Finished(sourceImageID, err) }()
	src, err := getImage(ctx, c.Source.Image, sourceImageID)
	if err != nil {
		return Result{SourceID: sourceImageID}, fmt.Errorf("copy image %s: %w", sourceImageID, err)
	}
	res, err = c.copyImage(ctx, src, opts, src.ID, opts.Label)
	res.Duration = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("copy image %q (id %s): %w", src.Name, src.ID, err)
	}
	return res, nil
}

// copyImage is CopyImage without the transfer slot. The observer hears
// about obsID and obsName (the image, or the volume it carries); an empty
// obsName means the copy's name.
func (c *Copier) copyImage(ctx context.Context, src *images.Image, opts ImageOptions, obsID, obsName string) (Result, error) {
	create := imageCreateOpts(src, opts)
	res := Result{SourceID: src.ID, Name: create.Name, Size: src.SizeBytes}
	if src.Status != images.ImageStatusActive {
		return res, cloud.Permanent(fmt.Errorf("the source image is %s, not active: %w", src.Status, ErrBadState))
	}
	if opts.Adopt {
		adopted, ok, err := c.adoptImage(ctx, src, opts)
		if err != nil || ok {
			return adopted, err
		}
	}
	obs := c.observer()
	if obsName == "" {
		obsName = create.Name
	}
	obs.Started(obsID, obsName, src.SizeBytes)
	s := &stream{obsID: obsID, sourceID: src.ID, size: src.SizeBytes}
	got, err := c.streamImage(ctx, s, create, claimedDigests(src))
	res.TargetID, res.BytesOnWire, res.Retries, res.Resumes = s.targetID, s.wire.Load(), s.attempt, s.resumes
	res.MD5, res.SHA512 = got.MD5, got.SHA512
	return res, err
}

// streamImage streams src into a new target image until a copy is
// verified or the retries are spent; a target image that did not verify
// is deleted, also when ctx ends.
func (c *Copier) streamImage(ctx context.Context, s *stream, create images.CreateOpts, want digests) (got digests, err error) {
	defer func() {
		if err != nil && s.targetID != "" {
			cctx, cancel := cleanupContext(ctx)
			defer cancel()
			if derr := deleteImage(cctx, c.Target.Image, s.targetID); derr != nil {
				err = fmt.Errorf("%w (and the partial copy was not removed: %v)", err, derr)
			}
			s.targetID = ""
		}
	}()
	var last error
	err = cloud.Retry(ctx, c.retries(), c.backoff, func(attempt int) error {
		s.attempt = attempt
		if attempt > 0 {
			if rerr := c.resetTarget(ctx, s); rerr != nil {
				return cloud.Permanent(fmt.Errorf("%w; then: %w", last, rerr))
			}
		}
		got, last = c.attempt(ctx, s, create, want)
		if last != nil {
			c.observer().Progress(s.obsID, -s.delivered) // what failed does not count
			s.delivered = 0
		}
		return last
	})
	return got, err
}

// attempt makes and verifies one copy.
func (c *Copier) attempt(ctx context.Context, s *stream, create images.CreateOpts, want digests) (digests, error) {
	if s.targetID == "" {
		id, err := createImage(ctx, c.Target.Image, create)
		if err != nil {
			return digests{}, err
		}
		s.targetID = id
	}
	got, err := c.send(ctx, s)
	if err != nil {
		return got, err
	}
	if err := mismatch("the source", got, want); err != nil {
		return got, err
	}
	img, err := c.waitImageActive(ctx, c.Target.Image, s.targetID)
	if err != nil {
		return got, err
	}
	return got, mismatch("the target", got, claimedDigests(img))
}

// resetTarget makes the target image ready for another attempt: an
// image back in "queued" takes the upload again, anything else is
// deleted and created anew.
func (c *Copier) resetTarget(ctx context.Context, s *stream) error {
	if s.targetID == "" {
		return nil
	}
	img, err := getImage(ctx, c.Target.Image, s.targetID)
	if err == nil && img.Status == images.ImageStatusQueued {
		return nil
	}
	if err := deleteImage(ctx, c.Target.Image, s.targetID); err != nil {
		return err
	}
	s.targetID = ""
	return nil
}
