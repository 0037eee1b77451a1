package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/limits"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// cinderOwned are the volume_image_metadata keys Cinder derives from the
// image a volume is made of; they describe the temporary image, not the
// source, and are not carried.
var cinderOwned = map[string]bool{
	"image_id": true, "image_name": true, "checksum": true, "size": true, "name": true,
	"container_format": true, "disk_format": true, "min_disk": true, "min_ram": true,
	"signature_verified": true,
}

// carriedImageMetadata are the source volume's volume_image_metadata
// (hw_*, os_*, …) that the copy must keep: they travel as properties of
// the temporary image, from which Cinder sets them on the new volume.
func carriedImageMetadata(vol *volumes.Volume) map[string]string {
	out := map[string]string{}
	for k, v := range vol.VolumeImageMetadata {
		if !cinderOwned[k] && !targetOwned[k] && !strings.HasPrefix(k, "os_glance") {
			out[k] = v
		}
	}
	return out
}

// volumeCreateOpts is the target volume that copies vol (without the
// image to make it from).
func volumeCreateOpts(vol *volumes.Volume, opts VolumeOptions) volumes.CreateOpts {
	meta := maps.Clone(vol.Metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	maps.Copy(meta, opts.Metadata)
	return volumes.CreateOpts{
		Size:             vol.Size,
		Name:             cmp.Or(opts.Name, vol.Name),
		Description:      cmp.Or(opts.Description, vol.Description),
		VolumeType:       opts.VolumeType,
		AvailabilityZone: opts.AvailabilityZone,
		Metadata:         meta,
	}
}

// createTargetVolume creates the volume on the target, waits until it is
// available and checks it: bootable like the source, with the source's
// image metadata. Until it passes, the volume has a temporary name, so an
// unfinished one is never taken for a copy; it is deleted if the copy
// fails.
func (c *Copier) createTargetVolume(ctx context.Context, cl *cleanups, src *volumes.Volume, spec volumes.CreateOpts, carried map[string]string) (string, error) {
	bs := c.Target.BlockStorage
	name := spec.Name
	spec.Name = TempName("copy", src.ID)
	v, err := volumes.Create(ctx, bs, spec, nil).Extract()
	if err != nil {
		err = cloud.Wrap(fmt.Sprintf("create volume %q on the target", name), err)
		if errors.Is(err, ErrQuotaExceeded) {
			err = cloud.Permanent(err)
		}
		return "", err
	}
	cl.pushOnFailure("delete unfinished volume "+v.ID+" on the target", func(ctx context.Context) error {
		return c.deleteVolume(ctx, bs, v.ID)
	})
	if v, err = c.waitVolume(ctx, bs, v.ID); err != nil {
		return "", err
	}
	if err := c.finishTargetVolume(ctx, src, v, carried); err != nil {
		return "", err
	}
	if _, err := volumes.Update(ctx, bs, v.ID, volumes.UpdateOpts{Name: &name}).Extract(); err != nil {
		return "", cloud.Wrap(fmt.Sprintf("name the new volume %s %q", v.ID, name), err)
	}
	return v.ID, nil
}

// finishTargetVolume checks the new volume against the source and marks
// it bootable as the source is (Cinder marks every volume made from an
// image bootable).
func (c *Copier) finishTargetVolume(ctx context.Context, src, v *volumes.Volume, carried map[string]string) error {
	switch {
	case v.Status != "available":
		return fmt.Errorf("the new volume %s is %s, not available: %w", v.ID, v.Status, ErrBadState)
	case v.Size != src.Size:
		return fmt.Errorf("the new volume %s has %d GiB, the source %d GiB: %w", v.ID, v.Size, src.Size, ErrBadState)
	}
	if missing := missingMetadata(v.VolumeImageMetadata, carried); len(missing) > 0 {
		return fmt.Errorf("the new volume %s lacks the source's volume_image_metadata %s: %w", v.ID, strings.Join(missing, ", "), ErrBadState)
	}
	if v.Bootable == src.Bootable || src.Bootable == "" {
		return nil
	}
	err := volumes.SetBootable(ctx, c.Target.BlockStorage, v.ID, volumes.BootableOpts{Bootable: src.Bootable == "true"}).ExtractErr()
	if err != nil {
		return cloud.Wrap(fmt.Sprintf("mark the new volume %s bootable=%s", v.ID, src.Bootable), err)
	}
	return nil
}

// missingMetadata lists the keys of want that are missing from has or
// have another value there.
func missingMetadata(has, want map[string]string) []string {
	var out []string
	for k, w := range want {
		if has[k] != w {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// checkVolumeQuota refuses a copy that the target's volume quota cannot
// hold before any byte moves. It is best effort: a cloud that does not
// tell its limits is trusted to refuse at create time.
func (c *Copier) checkVolumeQuota(ctx context.Context, sizeGB int) error {
	l, err := limits.Get(ctx, c.Target.BlockStorage).Extract()
	if err != nil || l == nil {
		return nil
	}
	a := l.Absolute
	if a.MaxTotalVolumeGigabytes > 0 && a.TotalGigabytesUsed+sizeGB > a.MaxTotalVolumeGigabytes {
		return cloud.Permanent(fmt.Errorf("%w on the target: the volume needs %d GiB, %d of %d GiB are in use",
			ErrQuotaExceeded, sizeGB, a.TotalGigabytesUsed, a.MaxTotalVolumeGigabytes))
	}
	if a.MaxTotalVolumes > 0 && a.TotalVolumesUsed+1 > a.MaxTotalVolumes {
		return cloud.Permanent(fmt.Errorf("%w on the target: %d of %d volumes exist",
			ErrQuotaExceeded, a.TotalVolumesUsed, a.MaxTotalVolumes))
	}
	return nil
}

// adoptVolume looks for an earlier copy of vol carrying the metadata
// markers of opts: one that is available or in use with the source's
// size is the result (ok); any other is deleted.
func (c *Copier) adoptVolume(ctx context.Context, vol *volumes.Volume, opts VolumeOptions) (res Result, ok bool, err error) {
	if len(opts.Metadata) == 0 {
		return res, false, cloud.Permanent(errors.New("adopt needs marker metadata to recognise an earlier copy"))
	}
	found, err := c.findMarkedVolumes(ctx, opts.Metadata)
	if err != nil {
		return res, false, err
	}
	bs := c.Target.BlockStorage
	for _, v := range found {
		if cloud.Transitional(cloud.Volume, v.Status) {
			if settled, err := c.waitVolume(ctx, bs, v.ID); err == nil {
				v = *settled
			}
		}
		if !ok && (v.Status == "available" || v.Status == "in-use") && v.Size == vol.Size && !strings.HasPrefix(v.Name, TempPrefix) {
			res = Result{SourceID: vol.ID, TargetID: v.ID, Name: v.Name, Size: int64(v.Size) << 30, Adopted: true}
			ok = true
			continue
		}
		if err := c.deleteVolume(ctx, bs, v.ID); err != nil {
			return res, false, fmt.Errorf("remove earlier unfinished copy: %w", err)
		}
	}
	return res, ok, nil
}

func (c *Copier) findMarkedVolumes(ctx context.Context, markers map[string]string) ([]volumes.Volume, error) {
	all, err := cloud.ListAll(ctx, volumes.List(c.Target.BlockStorage, volumes.ListOpts{Metadata: markers}), volumes.ExtractVolumes)
	if err != nil {
		return nil, cloud.Wrap("list volumes", err)
	}
	var out []volumes.Volume
	for _, v := range all {
		if len(missingMetadata(v.Metadata, markers)) == 0 {
			out = append(out, v)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, nil
}
