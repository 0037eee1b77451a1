package compute

import (
	"maps"
	"strconv"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// errNovaBootSequence is Nova's answer when no (or more than one) root disk
// is given.
var errNovaBootSequence = badRequest("Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.")

// bootSource resolves imageRef and block_device_mapping_v2 into an image
// boot (the image is the root disk) or a volume boot (the volume mapping
// with boot_index 0 is), plus data volumes.
func (p *serverPlan) bootSource() *apiError {
	imageRef := ""
	if s := p.spec.ImageRef.str(); p.spec.ImageRef.set() && s != "" {
		imageRef = refID(s)
	}
	var root *serverVolume
	for i := range p.spec.BDMs {
		b := &p.spec.BDMs[i]
		boot := bootIndexOf(b)
		if b.DestinationType != "volume" {
			if b.SourceType == "image" && boot == 0 && imageRef == "" {
				imageRef = b.UUID // an image boot spelled as a local mapping
			}
			continue // ephemeral and swap disks are not modelled
		}
		bv, err := p.volumeMapping(b, boot)
		if err != nil {
			return err
		}
		if boot == 0 {
			if root != nil {
				return errNovaBootSequence
			}
			root = bv
		}
		p.srv.Volumes = append(p.srv.Volumes, bv)
	}
	switch {
	case imageRef != "" && root != nil:
		return errNovaBootSequence
	case imageRef != "":
		return p.imageBoot(imageRef)
	case root != nil:
		if root.Device == "" {
			root.Device = "/dev/vda"
		}
		p.srv.RootDevice = root.Device
		return nil
	case len(p.spec.BDMs) == 0:
		return badRequest("Missing imageRef attribute")
	}
	return errNovaBootSequence
}

// bootIndexOf is a mapping's boot_index; -1 means not bootable.
func bootIndexOf(b *bdmSpec) int {
	n, ok := b.BootIndex.integer()
	if !ok || n < 0 {
		return -1
	}
	return n
}

func (p *serverPlan) imageBoot(id string) *apiError {
	img, ok := p.s.images.InfoLocked(p.tok.ProjectID, id)
	if !ok {
		return badRequest("Can not find requested image")
	}
	if img.Status != "active" {
		return badRequest("Image %s is not active.", id)
	}
	p.image = &img
	p.srv.ImageID = id
	p.srv.Base = baseFromImage(img)
	return nil
}

// volumeMapping checks one mapping with destination_type volume.
func (p *serverPlan) volumeMapping(b *bdmSpec, boot int) (*serverVolume, *apiError) {
	dot, ok := b.DeleteOnTermination.boolean()
	if !ok {
		return nil, badRequest("Invalid input for field/attribute delete_on_termination. Value: %s. Not a boolean", b.DeleteOnTermination.str())
	}
	if b.VolumeType != "" && p.v < 67 {
		return nil, badRequest("Invalid input for field/attribute block_device_mapping_v2. Additional properties are not allowed ('volume_type' was unexpected)")
	}
	bv := &serverVolume{BootIndex: boot, DeleteOnTermination: dot, Tag: b.Tag, SourceType: b.SourceType,
		Device: b.DeviceName, VolumeType: b.VolumeType, BDMID: core.NewID(), AttachmentID: core.NewID()}
	size, hasSize := b.VolumeSize.integer()
	switch b.SourceType {
	case "volume":
		return bv, p.existingVolume(bv, b.UUID)
	case "image":
		return bv, p.imageVolume(bv, b.UUID, size)
	case "blank":
		if !hasSize || size <= 0 {
			return nil, badRequest("Block Device Mapping is Invalid: blank volumes need a non-zero volume_size.")
		}
		bv.VolumeSize = size
		return bv, nil
	case "snapshot":
		return bv, p.snapshotVolume(bv, b.UUID, size)
	}
	return nil, badRequest("Invalid input for field/attribute source_type. Value: %s. '%s' is not one of ['volume', 'image', 'snapshot', 'blank']",
		b.SourceType, b.SourceType)
}

func (p *serverPlan) existingVolume(bv *serverVolume, id string) *apiError {
	vi, ok := p.s.volumes.InfoLocked(p.tok.ProjectID, id)
	if !ok {
		return badRequest("Block Device Mapping is Invalid: failed to get volume %s.", id)
	}
	if vi.Status != "available" {
		return badRequest("Invalid volume: volume '%s' status must be 'available'. Currently in '%s'", id, vi.Status)
	}
	bv.VolumeID, bv.VolumeSize = id, vi.SizeGB
	if bv.BootIndex == 0 {
		p.srv.Base = baseFromVolume(vi)
	}
	return nil
}

// snapshotVolume checks a mapping that makes a volume from a Cinder
// snapshot: Nova only looks the snapshot up (its state and the size are
// Cinder's to judge when the build creates the volume) and takes its size
// when none is given.
func (p *serverPlan) snapshotVolume(bv *serverVolume, id string, sizeGB int) *apiError {
	si, ok := p.s.volumes.SnapshotInfoLocked(p.tok.ProjectID, id)
	if !ok {
		return badRequest("Block Device Mapping is Invalid: failed to get snapshot %s.", id)
	}
	bv.SnapshotID, bv.VolumeSize = id, si.SizeGB
	if sizeGB > 0 {
		bv.VolumeSize = sizeGB
	}
	if bv.BootIndex == 0 {
		p.srv.Base = baseFromVolume(core.VolumeInfo{ImageMetadata: si.ImageMetadata})
	}
	return nil
}

func (p *serverPlan) imageVolume(bv *serverVolume, id string, sizeGB int) *apiError {
	img, ok := p.s.images.InfoLocked(p.tok.ProjectID, id)
	switch {
	case !ok:
		return badRequest("Block Device Mapping is Invalid: failed to get image %s.", id)
	case img.Status != "active":
		return badRequest("Image %s is not active.", id)
	case sizeGB <= 0:
		return badRequest("Images with destination_type 'volume' need to have a non-zero size specified")
	case int64(sizeGB)*giB < img.Size || sizeGB < img.MinDisk:
		return badRequest("Volume is smaller than the minimum size specified in image metadata. Volume size is %d bytes, minimum size is %d bytes.",
			int64(sizeGB)*giB, max(int64(img.MinDisk)*giB, img.Size))
	}
	bv.ImageID, bv.VolumeSize = id, sizeGB
	if bv.BootIndex == 0 {
		p.srv.Base = baseFromImage(img)
	}
	return nil
}

func baseFromImage(img core.ImageInfo) baseImage {
	return baseImage{ID: img.ID, DiskFormat: img.DiskFormat, ContainerFormat: img.ContainerFormat,
		MinDisk: img.MinDisk, MinRAM: img.MinRAM, Properties: maps.Clone(img.Properties)}
}

// volumeImageCoreKeys are the keys of volume_image_metadata that describe
// the image itself rather than being its properties.
var volumeImageCoreKeys = []string{"image_id", "image_name", "checksum", "size", "min_disk", "min_ram",
	"container_format", "disk_format", "signature_verified"}

// baseFromVolume is the image a volume was made from, as its
// volume_image_metadata records it.
func baseFromVolume(vi core.VolumeInfo) baseImage {
	md := vi.ImageMetadata
	b := baseImage{ID: md["image_id"], DiskFormat: md["disk_format"], ContainerFormat: md["container_format"],
		Properties: maps.Clone(md)}
	b.MinDisk, _ = strconv.Atoi(md["min_disk"])
	b.MinRAM, _ = strconv.Atoi(md["min_ram"])
	for _, k := range volumeImageCoreKeys {
		delete(b.Properties, k)
	}
	return b
}
