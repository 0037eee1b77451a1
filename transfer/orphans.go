package transfer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// TempPrefix starts the name of every temporary resource a copy makes.
const TempPrefix = "scs-migrate-tmp-"

// TempName is the name of a temporary resource made for the copy of the
// source resource sourceID. purpose is, on the source, "snapshot",
// "volume" (made from the snapshot) or "upload" (the image of the
// volume); on the target "image" (the image that crossed) or "copy" (the
// new volume until it has been verified and renamed).
func TempName(purpose, sourceID string) string {
	return TempPrefix + purpose + "-" + sourceID
}

// isTempFor reports whether name is that of a temporary resource of the
// copy of sourceID.
func isTempFor(name, sourceID string) bool {
	rest, ok := strings.CutPrefix(name, TempPrefix)
	_, id, _ := strings.Cut(rest, "-")
	return ok && id == sourceID
}

// CleanupOrphans removes the temporary resources that copies left on
// either cloud because their process was killed: images, volumes and
// snapshots whose names start with TempPrefix. It must not run while
// copies between the same projects are in progress. It returns what it
// removed, as "source image NAME (ID)".
func (c *Copier) CleanupOrphans(ctx context.Context) (removed []string, err error) {
	return c.sweep(ctx, func(name string) bool { return strings.HasPrefix(name, TempPrefix) })
}

// sweep removes the images, volumes and snapshots on both clouds whose
// names match.
func (c *Copier) sweep(ctx context.Context, match func(name string) bool) (removed []string, err error) {
	var errs []error
	for _, side := range []struct {
		label string
		s     *cloud.Session
	}{{"source", c.Source}, {"target", c.Target}} {
		r, err := c.sweepSide(ctx, side.label, side.s, match)
		removed = append(removed, r...)
		if err != nil {
			errs = append(errs, fmt.Errorf("clean up the %s: %w", side.label, err))
		}
	}
	return removed, errors.Join(errs...)
}

// sweepSide sweeps one cloud: images first (an image may be uploading
// from a volume), then volumes (one may come from a snapshot), then
// snapshots.
func (c *Copier) sweepSide(ctx context.Context, label string, s *cloud.Session, match func(string) bool) ([]string, error) {
	var removed []string
	var errs []error
	remove := func(kind, name, id string, del func(context.Context) error) {
		if err := del(ctx); err != nil {
			errs = append(errs, err)
			return
		}
		removed = append(removed, fmt.Sprintf("%s %s %s (%s)", label, kind, name, id))
	}
	imgs, err := listImages(ctx, s.Image, images.ListOpts{Owner: s.ProjectID})
	if err != nil {
		return nil, err
	}
	for _, img := range imgs {
		if match(img.Name) {
			remove("image", img.Name, img.ID, func(ctx context.Context) error { return deleteImage(ctx, s.Image, img.ID) })
		}
	}
	if s.BlockStorage == nil {
		return removed, errors.Join(errs...)
	}
	vols, err := listVolumes(ctx, s, match)
	if err != nil {
		return removed, errors.Join(append(errs, err)...)
	}
	for _, v := range vols {
		remove("volume", v.Name, v.ID, func(ctx context.Context) error { return c.deleteVolume(ctx, s.BlockStorage, v.ID) })
	}
	snaps, err := listSnapshots(ctx, s, match)
	if err != nil {
		return removed, errors.Join(append(errs, err)...)
	}
	for _, sn := range snaps {
		remove("snapshot", sn.Name, sn.ID, func(ctx context.Context) error { return c.deleteSnapshot(ctx, s.BlockStorage, sn.ID) })
	}
	return removed, errors.Join(errs...)
}

func listVolumes(ctx context.Context, s *cloud.Session, match func(string) bool) ([]volumes.Volume, error) {
	all, err := cloud.ListAll(ctx, volumes.List(s.BlockStorage, volumes.ListOpts{}), volumes.ExtractVolumes)
	if err != nil {
		return nil, cloud.Wrap("list volumes", err)
	}
	var out []volumes.Volume
	for _, v := range all {
		if match(v.Name) {
			out = append(out, v)
		}
	}
	return out, nil
}

func listSnapshots(ctx context.Context, s *cloud.Session, match func(string) bool) ([]snapshots.Snapshot, error) {
	all, err := cloud.ListAll(ctx, snapshots.ListDetail(s.BlockStorage, snapshots.ListOpts{}), snapshots.ExtractSnapshots)
	if err != nil {
		return nil, cloud.Wrap("list snapshots", err)
	}
	var out []snapshots.Snapshot
	for _, sn := range all {
		if match(sn.Name) {
			out = append(out, sn)
		}
	}
	return out, nil
}
