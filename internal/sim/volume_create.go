package sim

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
	"github.com/scs-migrate/scs-migrate/internal/sim/image"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// volumeCreate is the body of POST /volumes.
type volumeCreate struct {
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

// volumeSource is where a new volume's bytes come from: a file to copy
// (raw or qcow2) of n bytes, or nothing for an empty volume.
type volumeSource struct {
	path  string
	n     int64
	qcow2 bool
	// image is set for a volume made from an image.
	image *image.Info
}

// createLocked validates a create request, checks quota, records the
// volume as "creating" and starts filling it.
func (s *volumeService) createLocked(projectID, userID string, req volumeCreate) (*volume, *cinderError) {
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
		Metadata: cinderMeta(req.Metadata), SnapshotID: req.SnapshotID, SourceVolID: req.SourceVolID,
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

// addEmptyVolumeLocked records an available volume without data (a
// sparse file of its size), as a blank volume ends up once Cinder has
// made it; SeedBulk creates volumes this way.
func (s *volumeService) addEmptyVolumeLocked(projectID, userID, name string, sizeGB int, vt *volumeType, az string) (*volume, error) {
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
func (s *volumeService) sourceVolumeLocked(req volumeCreate) *volume {
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
func (s *volumeService) typeForLocked(req volumeCreate, from *volume) (*volumeType, *cinderError) {
	if from != nil && req.VolumeType == "" && (req.SnapshotID != "" || req.SourceVolID != "") {
		if vt := s.typeByID(from.TypeID); vt != nil {
			return vt, nil
		}
	}
	return s.resolveTypeLocked(req.VolumeType)
}

// zoneForLocked picks the availability zone of a new volume: the
// requested one, else the snapshot's or source volume's, else the
// default. A volume from a snapshot or clone must stay in its source's
// zone.
func (s *volumeService) zoneForLocked(req volumeCreate, from *volume) (string, *cinderError) {
	az := req.AvailabilityZone
	sameZone := from != nil && (req.SnapshotID != "" || req.SourceVolID != "")
	switch {
	case az == "" && sameZone:
		return from.AZ, nil
	case az == "":
		return s.defaultAZ(), nil
	case !slices.Contains(s.zones(), az):
		return "", cinderErr(http.StatusBadRequest, "Availability zone '%s' is invalid.", az)
	case sameZone && az != from.AZ:
		what := "snapshot"
		if req.SnapshotID == "" {
			what = "source volume"
		}
		return "", cinderInvalid("Volume must be in the same availability zone as the %s", what)
	}
	return az, nil
}

// inheritLocked copies what a volume takes over from its source: the
// image's metadata, or a source volume's bootable flag and image
// metadata.
func (s *volumeService) inheritLocked(v *volume, req volumeCreate, src volumeSource) {
	if src.image != nil {
		v.ImageMetadata = volumeImageMetadata(*src.image)
		return
	}
	if from := s.sourceVolumeLocked(req); from != nil {
		v.Bootable = from.Bootable
		v.ImageMetadata = maps.Clone(from.ImageMetadata)
	}
}

// volumeImageMetadata is what Cinder records of the image a volume was
// made from: the core fields and every additional property.
func volumeImageMetadata(im image.Info) map[string]string {
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
func (s *volumeService) resolveSourceLocked(projectID string, req volumeCreate) (volumeSource, int, *cinderError) {
	n := 0
	for _, id := range []string{req.ImageRef, req.SnapshotID, req.SourceVolID, req.BackupID} {
		if id != "" {
			n++
		}
	}
	if n > 1 {
		return volumeSource{}, 0, cinderInvalid("Only one of snapshot_id, source_volid, imageRef and backup_id may be given.")
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
		return volumeSource{}, 0, cinderInvalid("Volume size '%s' must be an integer and greater than 0", cinderSizeText(req.Size))
	}
	if req.ImageRef != "" {
		src, verr := s.imageSourceLocked(projectID, req.ImageRef, *req.Size)
		return src, *req.Size, verr
	}
	return volumeSource{}, *req.Size, nil
}

func cinderSizeText(size *int) string {
	if size == nil {
		return "None"
	}
	return strconv.Itoa(*size)
}

// cinderSizeFrom defaults a requested size to the source's and rejects a
// smaller one with Cinder's words for the kind of source.
func cinderSizeFrom(req *int, srcGB int, what string) (int, *cinderError) {
	if req == nil {
		return srcGB, nil
	}
	if *req < srcGB {
		return 0, cinderInvalid("Volume size '%d'GB cannot be smaller than the %s size %dGB. They must be >= original %s size.", *req, what, srcGB, what)
	}
	return *req, nil
}

func (s *volumeService) snapshotSourceLocked(projectID string, req volumeCreate) (volumeSource, int, *cinderError) {
	sn, verr := s.ownSnapshotLocked(projectID, req.SnapshotID)
	if verr != nil {
		return volumeSource{}, 0, verr
	}
	if sn.Status != volAvailable {
		return volumeSource{}, 0, cinderErr(http.StatusBadRequest, "Invalid snapshot: Originating snapshot status must be one of 'available' values")
	}
	size, verr := cinderSizeFrom(req.Size, sn.SizeGB, "snapshot")
	return volumeSource{path: sn.Path, n: int64(sn.SizeGB) * volumeGiB}, size, verr
}

func (s *volumeService) volumeSourceLocked(projectID string, req volumeCreate) (volumeSource, int, *cinderError) {
	src, verr := s.ownVolumeLocked(projectID, req.SourceVolID)
	if verr != nil {
		return volumeSource{}, 0, verr
	}
	if src.Status != volAvailable && src.Status != volInUse {
		return volumeSource{}, 0, cinderErr(http.StatusBadRequest, "Invalid volume: Unable to clone volumes that are in an error state")
	}
	size, verr := cinderSizeFrom(req.Size, src.SizeGB, "volume")
	return volumeSource{path: src.Path, n: int64(src.SizeGB) * volumeGiB}, size, verr
}

func (s *volumeService) backupSourceLocked(projectID string, req volumeCreate) (volumeSource, int, *cinderError) {
	b, verr := s.ownBackupLocked(projectID, req.BackupID)
	if verr != nil {
		return volumeSource{}, 0, verr
	}
	if b.Status != volAvailable {
		return volumeSource{}, 0, cinderErr(http.StatusBadRequest, "Invalid backup: Backup status must be available")
	}
	size, verr := cinderSizeFrom(req.Size, b.SizeGB, "backup")
	return volumeSource{path: b.Path, n: int64(b.SizeGB) * volumeGiB}, size, verr
}

// imageSourceLocked checks an image as Cinder's _check_image_metadata
// does: visible, active, fitting the volume.
func (s *volumeService) imageSourceLocked(projectID, imageID string, sizeGB int) (volumeSource, *cinderError) {
	im, ok := s.c.image.InfoLocked(projectID, imageID)
	if !ok {
		return volumeSource{}, cinderErr(http.StatusNotFound, "Image %s could not be found.", imageID)
	}
	if im.Status != image.StatusActive || im.Path == "" {
		return volumeSource{}, cinderInvalid("Image %s is not active.", imageID)
	}
	if gb := qcow2.CeilDiv(im.Size, volumeGiB); gb > int64(sizeGB) {
		return volumeSource{}, cinderInvalid("Size of specified image %dGB is larger than volume size %dGB.", gb, sizeGB)
	}
	if sizeGB < im.MinDisk {
		return volumeSource{}, cinderInvalid("Volume size %dGB cannot be smaller than the image minDisk size %dGB.", sizeGB, im.MinDisk)
	}
	src := volumeSource{path: im.Path, n: im.Size, image: &im}
	if f, err := os.Open(im.Path); err == nil {
		vs, isQcow2 := qcow2.VirtualSize(f)
		f.Close()
		if isQcow2 {
			if gb := qcow2.CeilDiv(vs, volumeGiB); gb > int64(sizeGB) {
				return volumeSource{}, cinderInvalid("Image virtual size is %dGB and doesn't fit in a volume of size %dGB.", gb, sizeGB)
			}
			src.qcow2 = true
		}
	}
	return src, nil
}

// resolveTypeLocked finds a volume type by name or ID; "" is the
// default type.
func (s *volumeService) resolveTypeLocked(nameOrID string) (*volumeType, *cinderError) {
	if nameOrID == "" {
		return s.types[0], nil
	}
	for _, t := range s.types {
		if t.ID == nameOrID || t.Name == nameOrID {
			return t, nil
		}
	}
	return nil, cinderErr(http.StatusNotFound, "Volume type with name %s could not be found.", nameOrID)
}

// zones are the volume availability zones ("nova" when the profile
// names none, as Cinder's default storage_availability_zone).
func (s *volumeService) zones() []string {
	if azs := s.c.Profile().VolumeAZs; len(azs) > 0 {
		return azs
	}
	return []string{"nova"}
}

func (s *volumeService) defaultAZ() string { return s.zones()[0] }
