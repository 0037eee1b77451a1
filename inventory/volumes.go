package inventory

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/backups"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumetypes"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// cinderVolume is a volume of GET /volumes/detail at microversion 3.64.
type cinderVolume struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Description   string            `json:"description"`
	Size          int               `json:"size"`
	VolumeType    string            `json:"volume_type"`
	Status        string            `json:"status"`
	Bootable      flexBool          `json:"bootable"`
	Encrypted     bool              `json:"encrypted"`
	Multiattach   bool              `json:"multiattach"`
	AZ            string            `json:"availability_zone"`
	SnapshotID    string            `json:"snapshot_id"`
	Metadata      map[string]string `json:"metadata"`
	ImageMetadata strMap            `json:"volume_image_metadata"`
	Attachments   []struct {
		ServerID string `json:"server_id"`
		Device   string `json:"device"`
	} `json:"attachments"`
}

type cinderSnapshot struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	VolumeID string `json:"volume_id"`
	Size     int    `json:"size"`
	Status   string `json:"status"`
}

type cinderBackup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	VolumeID    string `json:"volume_id"`
	Size        int    `json:"size"`
	Status      string `json:"status"`
	Incremental bool   `json:"is_incremental"`
}

type cinderVolumeType struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ExtraSpecs  strMap `json:"extra_specs"`
}

func (c *collector) fetchVolumes(ctx context.Context) (int, error) {
	var err error
	c.raw.volumes, err = cloud.ListAll(ctx, volumes.List(c.s.BlockStorage, volumes.ListOpts{}), cloud.ExtractAs[cinderVolume]("volumes"))
	return len(c.raw.volumes), err
}

func (c *collector) fetchSnapshots(ctx context.Context) (int, error) {
	var err error
	c.raw.snapshots, err = cloud.ListAll(ctx, snapshots.ListDetail(c.s.BlockStorage, snapshots.ListOpts{}), cloud.ExtractAs[cinderSnapshot]("snapshots"))
	return len(c.raw.snapshots), err
}

func (c *collector) fetchBackups(ctx context.Context) (int, error) {
	var err error
	c.raw.backups, err = cloud.ListAll(ctx, backups.ListDetail(c.s.BlockStorage, backups.ListDetailOpts{}), cloud.ExtractAs[cinderBackup]("backups"))
	return len(c.raw.backups), err
}

func (c *collector) fetchVolumeTypes(ctx context.Context) (int, error) {
	var err error
	c.raw.volumeTypes, err = cloud.ListAll(ctx, volumetypes.List(c.s.BlockStorage, volumetypes.ListOpts{}), cloud.ExtractAs[cinderVolumeType]("volume_types"))
	return len(c.raw.volumeTypes), err
}

func (v cinderVolume) volume() Volume {
	out := Volume{
		ID: v.ID, Name: v.Name, Description: v.Description, SizeGB: v.Size,
		VolumeType: v.VolumeType, Status: v.Status, Bootable: bool(v.Bootable),
		Encrypted: v.Encrypted, Multiattach: v.Multiattach, AvailabilityZone: v.AZ,
		SnapshotID: v.SnapshotID, Metadata: v.Metadata,
	}
	if len(v.ImageMetadata) > 0 {
		out.ImageMetadata = v.ImageMetadata
		out.SourceImageID = v.ImageMetadata["image_id"]
	}
	for _, a := range v.Attachments {
		out.Attachments = append(out.Attachments, VolumeAttachment{ServerID: a.ServerID, Device: a.Device})
	}
	return out
}

func (s cinderSnapshot) snapshot() VolumeSnapshot {
	return VolumeSnapshot{ID: s.ID, Name: s.Name, VolumeID: s.VolumeID, SizeGB: s.Size, Status: s.Status}
}

func (b cinderBackup) backup() VolumeBackup {
	return VolumeBackup{ID: b.ID, Name: b.Name, VolumeID: b.VolumeID, SizeGB: b.Size, Status: b.Status, Incremental: b.Incremental}
}

// volumeTypesInUse keeps the types the project's volumes use (by name,
// as Cinder reports a volume's type) and reads their scs-0114 aspects.
// A description whose aspect list breaks the standard is kept as found
// and noted in a warning.
func (c *collector) volumeTypesInUse(vols []Volume) []VolumeType {
	used := map[string]bool{}
	for _, v := range vols {
		used[v.VolumeType] = true
	}
	var out []VolumeType
	for _, t := range c.raw.volumeTypes {
		if !used[t.Name] && !used[t.ID] {
			continue
		}
		delete(used, t.Name)
		delete(used, t.ID)
		aspects, _, err := scs.ParseVolumeTypeAspects(t.Description)
		if err != nil {
			c.warn(KindVolumeTypes, "volume type %q: %v", t.Name, err)
		}
		out = append(out, VolumeType{ID: t.ID, Name: t.Name, Description: t.Description, ExtraSpecs: t.ExtraSpecs, Aspects: aspects})
	}
	delete(used, "")
	if c.failed(KindVolumeTypes) {
		return out
	}
	for name := range used { // a private type the project cannot list
		c.warn(KindVolumeTypes, "volume type %q is used by volumes but not visible to the project: only its name is known", name)
		out = append(out, VolumeType{Name: name})
	}
	return out
}
