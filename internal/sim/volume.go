package sim

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// volumeService is Cinder v3: volume types, volumes and their actions,
// snapshots, backups, limits, quotas and availability zones.
type volumeService struct {
	c         *Cloud
	types     []*volumeType // in the profile's order; the first is the default
	volumes   map[string]*volume
	snapshots map[string]*snapshot
	backups   map[string]*backup
	// serviceUUID is the cinder-volume service all volumes live on.
	serviceUUID string
}

// volumeType is a Cinder volume type.
type volumeType struct {
	ID, Name, Description string
	ExtraSpecs            map[string]string
}

// encrypted reports whether volumes of the type are encrypted (the
// simulator keeps the encryption type as an "encrypted" extra spec).
func (t *volumeType) encrypted() bool { return t.ExtraSpecs["encrypted"] == "true" }

// multiattach reports whether the type allows multi-attach volumes.
func (t *volumeType) multiattach() bool { return t.ExtraSpecs["multiattach"] == "<is> True" }

// volume is one Cinder volume; its bytes are a sparse file of exactly
// SizeGB GiB at Path.
type volume struct {
	ID, ProjectID, UserID string
	Name, Description     *string
	SizeGB                int
	Status                string
	// resumeStatus is where a volume returns after uploading or
	// backing-up.
	resumeStatus    string
	TypeID          string
	AZ              string
	Bootable        bool
	Multiattach     bool
	EncryptionKeyID string
	Attachments     []*volumeAttachment
	Metadata        map[string]string
	// ImageMetadata is volume_image_metadata; nil for volumes not made
	// from an image.
	ImageMetadata                     map[string]string
	SnapshotID, SourceVolID, BackupID string
	CreatedAt, UpdatedAt              time.Time
	Path                              string
}

// volumeAttachment is a server's attachment of a volume.
type volumeAttachment struct {
	ID, ServerID, Device, HostName string
	AttachedAt                     time.Time
}

// snapshot is a Cinder snapshot; its bytes are a sparse copy of the
// volume.
type snapshot struct {
	ID, ProjectID, UserID, VolumeID string
	Name, Description               *string
	SizeGB                          int
	Status                          string
	Metadata                        map[string]string
	CreatedAt, UpdatedAt            time.Time
	Path                            string
}

// backup is a Cinder backup (scs-0117); its bytes are a sparse copy of
// the volume.
type backup struct {
	ID, ProjectID, UserID, VolumeID, SnapshotID string
	Name, Description                           *string
	SizeGB                                      int
	Status                                      string
	Incremental                                 bool
	ParentID                                    string
	Metadata                                    map[string]string
	CreatedAt, UpdatedAt, DataTimestamp         time.Time
	Path                                        string
	// bootable and imageMetadata are the volume's, restored with it.
	bootable      bool
	imageMetadata map[string]string
}

// Volume statuses.
const (
	volCreating    = "creating"
	volAvailable   = "available"
	volInUse       = "in-use"
	volDeleting    = "deleting"
	volError       = "error"
	volDownloading = "downloading"
	volUploading   = "uploading"
	volBackingUp   = "backing-up"
	volRestoring   = "restoring-backup"
	volExtending   = "extending"
	volAttaching   = "attaching"
	volDetaching   = "detaching"
)

const volumeGiB = int64(1) << 30

func newVolumeService(c *Cloud) *volumeService {
	return &volumeService{c: c, volumes: map[string]*volume{}, snapshots: map[string]*snapshot{},
		backups: map[string]*backup{}, serviceUUID: core.NewID()}
}

func (s *volumeService) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /volume", s.versions)
	mux.HandleFunc("GET /volume/{$}", s.versions)
	mux.HandleFunc("GET /volume/v3", s.version)
	mux.HandleFunc("GET /volume/v3/{$}", s.version)
	for _, r := range s.apiRoutes() {
		mux.HandleFunc(r.method+" /volume/v3/{project_id}"+r.path, s.handle(r.h))
	}
}

// volumeRoute is one Cinder API route below /volume/v3/{project_id}.
type volumeRoute struct {
	method, path string
	h            volumeHandler
}

func (s *volumeService) apiRoutes() []volumeRoute {
	return []volumeRoute{
		{"GET", "/types", s.listTypes},
		{"GET", "/types/default", s.defaultType},
		{"GET", "/types/{id}", s.getType},
		{"GET", "/types/{id}/extra_specs", s.typeExtraSpecs},
		{"GET", "/types/{id}/extra_specs/{key}", s.typeExtraSpec},
		{"POST", "/volumes", s.createVolume},
		{"GET", "/volumes", s.listVolumes},
		{"GET", "/volumes/detail", s.listVolumesDetail},
		{"GET", "/volumes/{id}", s.getVolume},
		{"PUT", "/volumes/{id}", s.updateVolume},
		{"DELETE", "/volumes/{id}", s.deleteVolume},
		{"POST", "/volumes/{id}/action", s.volumeAction},
		{"GET", "/volumes/{id}/metadata", s.getVolumeMetadata},
		{"POST", "/volumes/{id}/metadata", s.mergeVolumeMetadata},
		{"PUT", "/volumes/{id}/metadata", s.replaceVolumeMetadata},
		{"DELETE", "/volumes/{id}/metadata/{key}", s.deleteVolumeMetadataKey},
		{"POST", "/snapshots", s.createSnapshot},
		{"GET", "/snapshots", s.listSnapshots},
		{"GET", "/snapshots/detail", s.listSnapshotsDetail},
		{"GET", "/snapshots/{id}", s.getSnapshot},
		{"PUT", "/snapshots/{id}", s.updateSnapshot},
		{"DELETE", "/snapshots/{id}", s.deleteSnapshot},
		{"POST", "/backups", s.createBackup},
		{"GET", "/backups", s.listBackups},
		{"GET", "/backups/detail", s.listBackupsDetail},
		{"GET", "/backups/{id}", s.getBackup},
		{"PUT", "/backups/{id}", s.updateBackup},
		{"DELETE", "/backups/{id}", s.deleteBackup},
		{"POST", "/backups/{id}/restore", s.restoreBackup},
		{"GET", "/limits", s.limits},
		{"GET", "/os-quota-sets/{tenant}", s.quotaSet},
		{"GET", "/os-quota-sets/{tenant}/defaults", s.quotaDefaults},
		{"GET", "/os-availability-zone", s.availabilityZones},
	}
}

// seedProviderLocked creates the profile's volume types.
func (s *volumeService) seedProviderLocked(p Profile) {
	for _, spec := range p.VolumeTypes {
		s.types = append(s.types, &volumeType{ID: core.NewID(), Name: spec.Name, Description: spec.Description,
			ExtraSpecs: maps.Clone(spec.ExtraSpecs)})
	}
	if len(s.types) == 0 {
		s.types = []*volumeType{{ID: core.NewID(), Name: "__DEFAULT__", Description: "Default Volume Type"}}
	}
}

// volumeInfo is what other services need to know of a volume.
type volumeInfo struct {
	ID, Name, Status, VolumeType, AZ string
	SizeGB                           int
	Bootable                         bool
	// ImageMetadata is volume_image_metadata (for volumes made from an image).
	ImageMetadata map[string]string
	Path          string
}

// infoLocked returns the volume if it belongs to the project.
func (s *volumeService) infoLocked(projectID, id string) (volumeInfo, bool) {
	v := s.volumes[id]
	if v == nil || v.ProjectID != projectID {
		return volumeInfo{}, false
	}
	return volumeInfo{ID: v.ID, Name: core.Deref(v.Name), Status: v.Status, VolumeType: s.typeName(v.TypeID),
		AZ: v.AZ, SizeGB: v.SizeGB, Bootable: v.Bootable, ImageMetadata: maps.Clone(v.ImageMetadata),
		Path: v.Path}, true
}

// createFromImageLocked starts creating a volume from an image, as Nova
// does for block_device_mapping_v2 source_type=image,
// destination_type=volume; an empty imageID makes a blank volume
// (source_type=blank). The volume is "creating" and becomes "available"
// asynchronously (or "error").
func (s *volumeService) createFromImageLocked(projectID, name string, sizeGB int, imageID, az, volumeType string) (string, error) {
	req := volumeCreate{Size: &sizeGB, ImageRef: imageID, AvailabilityZone: az, VolumeType: volumeType}
	if name != "" {
		req.Name = &name
	}
	v, verr := s.createLocked(projectID, s.c.identity.UserOfProjectLocked(projectID), req)
	if verr != nil {
		return "", verr
	}
	return v.ID, nil
}

// createFromSnapshotLocked starts creating a volume from a Cinder
// snapshot, as Nova does for block_device_mapping_v2 source_type=snapshot,
// destination_type=volume. sizeGB 0 means the snapshot's size; az and
// volumeType "" mean the snapshot's, as Cinder picks them. The volume is
// "creating" and becomes "available" asynchronously (or "error"). Errors
// are *cinderError with Cinder's status and message.
func (s *volumeService) createFromSnapshotLocked(projectID, name string, sizeGB int, snapshotID, az, volumeType string) (string, error) {
	req := volumeCreate{SnapshotID: snapshotID, AvailabilityZone: az, VolumeType: volumeType}
	if sizeGB > 0 {
		req.Size = &sizeGB
	}
	if name != "" {
		req.Name = &name
	}
	v, verr := s.createLocked(projectID, s.c.identity.UserOfProjectLocked(projectID), req)
	if verr != nil {
		return "", verr
	}
	return v.ID, nil
}

// snapshotInfo is what Nova needs to know of a snapshot to boot from it.
type snapshotInfo struct {
	ID, VolumeID, Status string
	SizeGB               int
	// Bootable and ImageMetadata are those of the snapshot's volume, which
	// a volume made from the snapshot takes over.
	Bootable      bool
	ImageMetadata map[string]string
}

// snapshotInfoLocked returns the snapshot if it belongs to the project.
func (s *volumeService) snapshotInfoLocked(projectID, id string) (snapshotInfo, bool) {
	sn := s.snapshots[id]
	if sn == nil || sn.ProjectID != projectID {
		return snapshotInfo{}, false
	}
	info := snapshotInfo{ID: sn.ID, VolumeID: sn.VolumeID, Status: sn.Status, SizeGB: sn.SizeGB}
	if v := s.volumes[sn.VolumeID]; v != nil {
		info.Bootable, info.ImageMetadata = v.Bootable, maps.Clone(v.ImageMetadata)
	}
	return info, true
}

// attachLocked marks the volume in-use, attached to the server at the
// device. It fails (with a message fit for a 400) when the volume is not
// available or multiattach would be violated.
func (s *volumeService) attachLocked(volumeID, serverID, device string) error {
	v := s.volumes[volumeID]
	if v == nil {
		return fmt.Errorf("Volume %s could not be found.", volumeID)
	}
	for _, a := range v.Attachments {
		if a.ServerID == serverID {
			return fmt.Errorf("Invalid volume: volume %s is already attached to server %s.", volumeID, serverID)
		}
	}
	ok := v.Status == volAvailable || v.Status == volAttaching || (v.Status == volInUse && v.Multiattach)
	if !ok {
		return fmt.Errorf("Invalid volume: Volume %s status must be available or downloading to reserve, but the current status is %s.", volumeID, v.Status)
	}
	s.addAttachment(v, serverID, device, "sim-compute")
	return nil
}

func (s *volumeService) addAttachment(v *volume, serverID, device, host string) {
	v.Attachments = append(v.Attachments, &volumeAttachment{ID: core.NewID(), ServerID: serverID,
		Device: device, HostName: host, AttachedAt: s.c.Now()})
	v.Status = volInUse
	v.touch(s.c.Now())
}

// detachLocked removes the server's attachment; the volume becomes
// available when no attachment is left.
func (s *volumeService) detachLocked(volumeID, serverID string) error {
	v := s.volumes[volumeID]
	if v == nil {
		return fmt.Errorf("Volume %s could not be found.", volumeID)
	}
	i := slices.IndexFunc(v.Attachments, func(a *volumeAttachment) bool { return a.ServerID == serverID })
	if i < 0 {
		return fmt.Errorf("Invalid volume: volume %s is not attached to server %s.", volumeID, serverID)
	}
	v.Attachments = slices.Delete(v.Attachments, i, i+1)
	if len(v.Attachments) == 0 && (v.Status == volInUse || v.Status == volDetaching) {
		v.Status = volAvailable
	}
	v.touch(s.c.Now())
	return nil
}

// deleteLocked deletes a volume (delete_on_termination).
func (s *volumeService) deleteLocked(volumeID string) {
	v := s.volumes[volumeID]
	if v == nil {
		return
	}
	v.Attachments = nil
	s.startDeleteLocked(v)
}

// startDeleteLocked moves the volume to "deleting" and removes it and
// its bytes a moment later.
func (s *volumeService) startDeleteLocked(v *volume) {
	v.Status = volDeleting
	v.touch(s.c.Now())
	s.c.Later(1, func() {
		if s.volumes[v.ID] == v {
			delete(s.volumes, v.ID)
			os.Remove(v.Path)
		}
	})
}

// snapshotLocked starts a snapshot of a volume (force, as Nova's
// createImage of a volume-backed server does) and returns its ID.
func (s *volumeService) snapshotLocked(projectID, volumeID, name string) (string, error) {
	req := snapshotCreate{VolumeID: volumeID, Force: true}
	if name != "" {
		req.Name = &name
	}
	sn, verr := s.createSnapshotLocked(projectID, s.c.identity.UserOfProjectLocked(projectID), req)
	if verr != nil {
		return "", verr
	}
	return sn.ID, nil
}

func (v *volume) touch(t time.Time) { v.UpdatedAt = t }

// typeName is the name of a volume type ("" if unknown).
func (s *volumeService) typeName(id string) string {
	if t := s.typeByID(id); t != nil {
		return t.Name
	}
	return ""
}

func (s *volumeService) typeByID(id string) *volumeType {
	for _, t := range s.types {
		if t.ID == id {
			return t
		}
	}
	return nil
}
