package volume

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// createRequest is the body of POST /volumes.
type createRequest struct {
	Size             *int              `json:"size"`
	Name             *string           `json:"name"`
	Description      *string           `json:"description"`
	VolumeType       string            `json:"volume_type"`
	AvailabilityZone string            `json:"availability_zone"`
	ImageRef         string            `json:"imageRef"`
	SnapshotID       string            `json:"snapshot_id"`
	SourceVolID      string            `json:"source_volid"`
	BackupID         string            `json:"backup_id"`
	Metadata         map[string]string `json:"metadata"`
	Multiattach      bool              `json:"multiattach"`
}

// source is where a new volume's bytes come from: a file to copy
// (raw or qcow2) of n bytes, or nothing for an empty volume.
type source struct {
	path  string
	n     int64
	qcow2 bool
	// image is set for a volume made from an image.
	image *core.ImageInfo
}

// createLocked validates a create request, checks quota, records the
// volume as "creating" and starts filling it.
func (s *Room) createLocked(projectID, userID string, req createRequest) (*volume, *apiError) {
	src, size, verr := s.resolveSourceLocked(projectID, req)
	if verr != nil {
		return nil, verr
	}
	from := s.sourceVolumeLocked(req)
	vt, verr := s.typeForLocked(req, from)
	if verr != nil {
		return nil, verr
	}
	az, verr := s.zoneForLocked(req, from)
	if verr != nil {
		return nil, verr
	}
	if verr := s.checkVolumeQuotaLocked(projectID, 1, size); verr != nil {
		return nil, verr
	}
	t := s.c.Now()
	v := &volume{
		ID: core.NewID(), ProjectID: projectID, UserID: userID, Name: req.Name, Description: req.Description,
		SizeGB: size, Status: volCreating, TypeID: vt.ID, AZ: az, Multiattach: req.Multiattach || vt.multiattach(),
		Metadata: meta(req.Metadata), SnapshotID: req.SnapshotID, SourceVolID: req.SourceVolID,
		BackupID: req.BackupID, CreatedAt: t,
	}
	if vt.encrypted() {
		v.EncryptionKeyID = core.NewID()
	}
	v.Path = s.c.BlobPath("volumes", v.ID)
	s.inheritLocked(v, req, src)
	s.volumes[v.ID] = v
	s.fillVolume(v, src)
	return v, nil
}

// AddEmptyLocked records an available volume without data (a
// sparse file of its size), as a blank volume ends up once Cinder has
// made it; SeedBulk creates volumes this way.
func (s *Room) AddEmptyLocked(projectID, userID, name string, sizeGB int, vt *Type, az string) (*volume, error) {
	t := s.c.Now()
	v := &volume{ID: core.NewID(), ProjectID: projectID, UserID: userID, Name: &name, SizeGB: sizeGB,
		Status: volAvailable, TypeID: vt.ID, AZ: az, Multiattach: vt.multiattach(),
		Metadata: map[string]string{}, CreatedAt: t, UpdatedAt: t}
	if vt.encrypted() {
		v.EncryptionKeyID = core.NewID()
	}
	v.Path = s.c.BlobPath("volumes", v.ID)
	if err := blob.Create(v.Path, int64(sizeGB)*volumeGiB); err != nil {
		return nil, fmt.Errorf("volume %s: %w", name, err)
	}
	s.volumes[v.ID] = v
	return v, nil
}

// sourceVolumeLocked is the volume a new volume descends from: the
// volume of its snapshot or backup, or the volume it clones (nil for
// image and blank volumes, or when that volume is gone).
func (s *Room) sourceVolumeLocked(req createRequest) *volume {
	switch {
	case req.SnapshotID != "":
		if sn := s.snapshots[req.SnapshotID]; sn != nil {
			return s.volumes[sn.VolumeID]
		}
	case req.SourceVolID != "":
		return s.volumes[req.SourceVolID]
	case req.BackupID != "":
		if b := s.backups[req.BackupID]; b != nil {
			return s.volumes[b.VolumeID]
		}
	}
	return nil
}

// typeForLocked picks the type of a new volume as Cinder's
// ExtractVolumeRequestTask does: the requested type, else the type of the
// snapshot or source volume, else the default type. (All types share
// one backend here, so any type is a possible retype of the source's.)
func (s *Room) typeForLocked(req createRequest, from *volume) (*Type, *apiError) {
	if from != nil && req.VolumeType == "" && (req.SnapshotID != "" || req.SourceVolID != "") {
		if vt := s.typeByID(from.TypeID); vt != nil {
			return vt, nil
		}
	}
	return s.ResolveTypeLocked(req.VolumeType)
}

// zoneForLocked picks the availability zone of a new volume: the
// requested one, else the snapshot's or source volume's, else the
// default. A volume from a snapshot or clone must stay in its source's
// zone.
func (s *Room) zoneForLocked(req createRequest, from *volume) (string, *apiError) {
	az := req.AvailabilityZone
	sameZone := from != nil && (req.SnapshotID != "" || req.SourceVolID != "")
	switch {
	case az == "" && sameZone:
		return from.AZ, nil
	case az == "":
		return s.DefaultAZ(), nil
	case !slices.Contains(s.Zones(), az):
		return "", errorf(http.StatusBadRequest, "Availability zone '%s' is invalid.", az)
	case sameZone && az != from.AZ:
		what := "snapshot"
		if req.SnapshotID == "" {
			what = "source volume"
		}
		return "", invalid("Volume must be in the same availability zone as the %s", what)
	}
	return az, nil
}

// inheritLocked copies what a volume takes over from its source: the
// image's metadata, or a source volume's bootable flag and image
// metadata.
func (s *Room) inheritLocked(v *volume, req createRequest, src source) {
	if src.image != nil {
		v.ImageMetadata = imageMetadata(*src.image)
		return
	}
	if from := s.sourceVolumeLocked(req); from != nil {
		v.Bootable = from.Bootable
		v.ImageMetadata = maps.Clone(from.ImageMetadata)
	}
}

// imageMetadata is what Cinder records of the image a volume was
// made from: the core fields and every additional property.
func imageMetadata(im core.ImageInfo) map[string]string {
	m := maps.Clone(im.Properties)
	if m == nil {
		m = map[string]string{}
	}
	m["image_id"] = im.ID
	m["image_name"] = im.Name
	m["checksum"] = im.Checksum
	m["size"] = strconv.FormatInt(im.Size, 10)
	m["min_disk"] = strconv.Itoa(im.MinDisk)
	m["min_ram"] = strconv.Itoa(im.MinRAM)
	m["container_format"] = im.ContainerFormat
	m["disk_format"] = im.DiskFormat
	m[signatureVerified] = "False"
	return m
}

// signatureVerified is the key Cinder (with verify_glance_signatures on,
// its default) adds to the image metadata of every volume made from an
// image. An upload-to-image copies it into the image's properties, and a
// volume made from such an image then fails with GlanceMetadataExists,
// as on a real Zed cloud.
const signatureVerified = "signature_verified"

var errGlanceMetadataExists = errors.New("GlanceMetadataExists: Glance metadata cannot be updated, key signature_verified exists for volume")

// resolveSourceLocked finds the source of a new volume and its size,
// defaulting the size to the source's.
func (s *Room) resolveSourceLocked(projectID string, req createRequest) (source, int, *apiError) {
	n := 0
	for _, id := range []string{req.ImageRef, req.SnapshotID, req.SourceVolID, req.BackupID} {
		if id != "" {
			n++
		}
	}
	if n > 1 {
		return source{}, 0, invalid("Only one of snapshot_id, source_volid, imageRef and backup_id may be given.")
	}
	switch {
	case req.SnapshotID != "":
		return s.snapshotSourceLocked(projectID, req)
	case req.SourceVolID != "":
		return s.volumeSourceLocked(projectID, req)
	case req.BackupID != "":
		return s.backupSourceLocked(projectID, req)
	}
	if req.Size == nil || *req.Size <= 0 {
		return source{}, 0, invalid("Volume size '%s' must be an integer and greater than 0", sizeText(req.Size))
	}
	if req.ImageRef != "" {
		src, verr := s.imageSourceLocked(projectID, req.ImageRef, *req.Size)
		return src, *req.Size, verr
	}
	return source{}, *req.Size, nil
}

func sizeText(size *int) string {
	if size == nil {
		return "None"
	}
	return strconv.Itoa(*size)
}

// sizeFrom defaults a requested size to the source's and rejects a
// smaller one with Cinder's words for the kind of source.
func sizeFrom(req *int, srcGB int, what string) (int, *apiError) {
	if req == nil {
		return srcGB, nil
	}
	if *req < srcGB {
		return 0, invalid("Volume size '%d'GB cannot be smaller than the %s size %dGB. They must be >= original %s size.", *req, what, srcGB, what)
	}
	return *req, nil
}

func (s *Room) snapshotSourceLocked(projectID string, req createRequest) (source, int, *apiError) {
	sn, verr := s.ownSnapshotLocked(projectID, req.SnapshotID)
	if verr != nil {
		return source{}, 0, verr
	}
	if sn.Status != volAvailable {
		return source{}, 0, errorf(http.StatusBadRequest, "Invalid snapshot: Originating snapshot status must be one of 'available' values")
	}
	size, verr := sizeFrom(req.Size, sn.SizeGB, "snapshot")
	return source{path: sn.Path, n: int64(sn.SizeGB) * volumeGiB}, size, verr
}

func (s *Room) volumeSourceLocked(projectID string, req createRequest) (source, int, *apiError) {
	src, verr := s.ownVolumeLocked(projectID, req.SourceVolID)
	if verr != nil {
		return source{}, 0, verr
	}
	if src.Status != volAvailable && src.Status != volInUse {
		return source{}, 0, errorf(http.StatusBadRequest, "Invalid volume: Unable to clone volumes that are in an error state")
	}
	size, verr := sizeFrom(req.Size, src.SizeGB, "volume")
	return source{path: src.Path, n: int64(src.SizeGB) * volumeGiB}, size, verr
}

func (s *Room) backupSourceLocked(projectID string, req createRequest) (source, int, *apiError) {
	b, verr := s.ownBackupLocked(projectID, req.BackupID)
	if verr != nil {
		return source{}, 0, verr
	}
	if b.Status != volAvailable {
		return source{}, 0, errorf(http.StatusBadRequest, "Invalid backup: Backup status must be available")
	}
	size, verr := sizeFrom(req.Size, b.SizeGB, "backup")
	return source{path: b.Path, n: int64(b.SizeGB) * volumeGiB}, size, verr
}

// imageSourceLocked checks an image as Cinder's _check_image_metadata
// does: visible, active, fitting the volume.
func (s *Room) imageSourceLocked(projectID, imageID string, sizeGB int) (source, *apiError) {
	im, ok := s.images.InfoLocked(projectID, imageID)
	if !ok {
		return source{}, errorf(http.StatusNotFound, "Image %s could not be found.", imageID)
	}
	if im.Status != core.ImageActive || im.Path == "" {
		return source{}, invalid("Image %s is not active.", imageID)
	}
	if gb := qcow2.CeilDiv(im.Size, volumeGiB); gb > int64(sizeGB) {
		return source{}, invalid("Size of specified image %dGB is larger than volume size %dGB.", gb, sizeGB)
	}
	if sizeGB < im.MinDisk {
		return source{}, invalid("Volume size %dGB cannot be smaller than the image minDisk size %dGB.", sizeGB, im.MinDisk)
	}
	src := source{path: im.Path, n: im.Size, image: &im}
	if f, err := os.Open(im.Path); err == nil {
		vs, isQcow2 := qcow2.VirtualSize(f)
		f.Close()
		if isQcow2 {
			if gb := qcow2.CeilDiv(vs, volumeGiB); gb > int64(sizeGB) {
				return source{}, invalid("Image virtual size is %dGB and doesn't fit in a volume of size %dGB.", gb, sizeGB)
			}
			src.qcow2 = true
		}
	}
	return src, nil
}

// ResolveTypeLocked finds a volume type by name or ID; "" is the
// default type.
func (s *Room) ResolveTypeLocked(nameOrID string) (*Type, *apiError) {
	if nameOrID == "" {
		return s.types[0], nil
	}
	for _, t := range s.types {
		if t.ID == nameOrID || t.Name == nameOrID {
			return t, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "Volume type with name %s could not be found.", nameOrID)
}

// Zones are the volume availability zones ("nova" when the profile
// names none, as Cinder's default storage_availability_zone).
func (s *Room) Zones() []string {
	if azs := s.c.Profile().VolumeAZs; len(azs) > 0 {
		return azs
	}
	return []string{"nova"}
}

func (s *Room) DefaultAZ() string { return s.Zones()[0] }
