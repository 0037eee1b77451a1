// Package volume is the simulator's Cinder v3 room: volume types,
// volumes and their actions, snapshots, backups, limits, quotas and
// availability zones.
package volume

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Room is Cinder v3: volume types, volumes and their actions,
// snapshots, backups, limits, quotas and availability zones.
type Room struct {
	c         *core.Cloud
	users     Users
	images    Images
	types     []*Type // in the profile's order; the first is the default
	volumes   map[string]*volume
	snapshots map[string]*snapshot
	backups   map[string]*backup
	// serviceUUID is the cinder-volume service all volumes live on.
	serviceUUID string
}

// Type is a Cinder volume type.
type Type struct {
	ID, Name, Description string
	ExtraSpecs            map[string]string
}

// encrypted reports whether volumes of the type are encrypted (the
// simulator keeps the encryption type as an "encrypted" extra spec).
func (t *Type) encrypted() bool { return t.ExtraSpecs["encrypted"] == "true" }

// multiattach reports whether the type allows multi-attach volumes.
func (t *Type) multiattach() bool { return t.ExtraSpecs["multiattach"] == "<is> True" }

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
	Attachments     []*attachment
	Metadata        map[string]string
	// ImageMetadata is volume_image_metadata; nil for volumes not made
	// from an image.
	ImageMetadata                     map[string]string
	SnapshotID, SourceVolID, BackupID string
	CreatedAt, UpdatedAt              time.Time
	Path                              string
}

// attachment is a server's attachment of a volume.
type attachment struct {
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

func New(c *core.Cloud, users Users, images Images) *Room {
	return &Room{c: c, users: users, images: images, volumes: map[string]*volume{}, snapshots: map[string]*snapshot{},
		backups: map[string]*backup{}, serviceUUID: core.NewID()}
}

// Users is what Cinder needs of Keystone.
type Users interface {
	// UserOfProjectLocked is the user that works in a project.
	UserOfProjectLocked(projectID string) string
}

// Images is what Cinder needs of Glance: images to create volumes from,
// and new images to upload volumes to.
type Images interface {
	InfoLocked(projectID, id string) (core.ImageInfo, bool)
	NewImageLocked(projectID string, spec core.NewImage) (id, path string)
	ActivateLocked(id string, d blob.Digests)
	FailLocked(id string)
}

// Prefix is the room's path prefix.
func (s *Room) Prefix() string { return "volume" }

// Style is Cinder's error style (Nova's shape).
func (s *Room) Style() core.ErrorStyle { return core.NovaErrors }

// Routes registers Cinder's handlers.
func (s *Room) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /volume", s.versions)
	mux.HandleFunc("GET /volume/{$}", s.versions)
	mux.HandleFunc("GET /volume/v3", s.version)
	mux.HandleFunc("GET /volume/v3/{$}", s.version)
	for _, r := range s.apiRoutes() {
		mux.HandleFunc(r.method+" /volume/v3/{project_id}"+r.path, s.handle(r.h))
	}
}

// route is one Cinder API route below /volume/v3/{project_id}.
type route struct {
	method, path string
	h            handler
}

func (s *Room) apiRoutes() []route {
	return []route{
		{"GET", "/types", s.listTypes},
		{"GET", "/types/default", s.defaultType},
		{"GET", "/types/{id}", s.getType},
		{"GET", "/types/{id}/extra_specs", s.typeExtraSpecs},
		{"GET", "/types/{id}/extra_specs/{key}", s.typeExtraSpec},
		{"POST", "/volumes", s.createVolume},
		{"GET", "/volumes", detailed(s.writeVolumes, false)},
		{"GET", "/volumes/detail", detailed(s.writeVolumes, true)},
		{"GET", "/volumes/{id}", s.getVolume},
		{"PUT", "/volumes/{id}", s.updateVolume},
		{"DELETE", "/volumes/{id}", s.deleteVolume},
		{"POST", "/volumes/{id}/action", s.volumeAction},
		{"GET", "/volumes/{id}/metadata", s.getVolumeMetadata},
		{"POST", "/volumes/{id}/metadata", s.mergeVolumeMetadata},
		{"PUT", "/volumes/{id}/metadata", s.replaceVolumeMetadata},
		{"DELETE", "/volumes/{id}/metadata/{key}", s.deleteVolumeMetadataKey},
		{"POST", "/snapshots", s.createSnapshot},
		{"GET", "/snapshots", detailed(s.writeSnapshots, false)},
		{"GET", "/snapshots/detail", detailed(s.writeSnapshots, true)},
		{"GET", "/snapshots/{id}", s.getSnapshot},
		{"PUT", "/snapshots/{id}", s.updateSnapshot},
		{"DELETE", "/snapshots/{id}", s.deleteSnapshot},
		{"POST", "/backups", s.createBackup},
		{"GET", "/backups", detailed(s.writeBackups, false)},
		{"GET", "/backups/detail", detailed(s.writeBackups, true)},
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

// SeedLocked creates the profile's volume types.
func (s *Room) SeedLocked() error {
	p := s.c.Profile()
	for _, spec := range p.VolumeTypes {
		s.types = append(s.types, &Type{ID: core.NewID(), Name: spec.Name, Description: spec.Description,
			ExtraSpecs: maps.Clone(spec.ExtraSpecs)})
	}
	if len(s.types) == 0 {
		s.types = []*Type{{ID: core.NewID(), Name: "__DEFAULT__", Description: "Default Volume Type"}}
	}
	return nil
}

// InfoLocked returns the volume if it belongs to the project.
func (s *Room) InfoLocked(projectID, id string) (core.VolumeInfo, bool) {
	v := s.volumes[id]
	if v == nil || v.ProjectID != projectID {
		return core.VolumeInfo{}, false
	}
	return core.VolumeInfo{ID: v.ID, Name: core.Deref(v.Name), Status: v.Status, VolumeType: s.typeName(v.TypeID),
		AZ: v.AZ, SizeGB: v.SizeGB, Bootable: v.Bootable, ImageMetadata: maps.Clone(v.ImageMetadata),
		Path: v.Path}, true
}

// CreateFromImageLocked starts creating a volume from an image, as Nova
// does for block_device_mapping_v2 source_type=image,
// destination_type=volume; an empty imageID makes a blank volume
// (source_type=blank). The volume is "creating" and becomes "available"
// asynchronously (or "error").
func (s *Room) CreateFromImageLocked(projectID, name string, sizeGB int, imageID, az, volumeType string) (string, error) {
	req := createRequest{Size: &sizeGB, ImageRef: imageID, AvailabilityZone: az, VolumeType: volumeType}
	if name != "" {
		req.Name = &name
	}
	v, verr := s.createLocked(projectID, s.users.UserOfProjectLocked(projectID), req)
	if verr != nil {
		return "", verr
	}
	return v.ID, nil
}

// CreateFromSnapshotLocked starts creating a volume from a Cinder
// snapshot, as Nova does for block_device_mapping_v2 source_type=snapshot,
// destination_type=volume. sizeGB 0 means the snapshot's size; az and
// volumeType "" mean the snapshot's, as Cinder picks them. The volume is
// "creating" and becomes "available" asynchronously (or "error"). Errors
// are *core.APIError with Cinder's status and message.
func (s *Room) CreateFromSnapshotLocked(projectID, name string, sizeGB int, snapshotID, az, volumeType string) (string, error) {
	req := createRequest{SnapshotID: snapshotID, AvailabilityZone: az, VolumeType: volumeType}
	if sizeGB > 0 {
		req.Size = &sizeGB
	}
	if name != "" {
		req.Name = &name
	}
	v, verr := s.createLocked(projectID, s.users.UserOfProjectLocked(projectID), req)
	if verr != nil {
		return "", verr
	}
	return v.ID, nil
}

// SnapshotInfoLocked returns the snapshot if it belongs to the project.
func (s *Room) SnapshotInfoLocked(projectID, id string) (core.SnapshotInfo, bool) {
	sn := s.snapshots[id]
	if sn == nil || sn.ProjectID != projectID {
		return core.SnapshotInfo{}, false
	}
	info := core.SnapshotInfo{ID: sn.ID, VolumeID: sn.VolumeID, Status: sn.Status, SizeGB: sn.SizeGB}
	if v := s.volumes[sn.VolumeID]; v != nil {
		info.Bootable, info.ImageMetadata = v.Bootable, maps.Clone(v.ImageMetadata)
	}
	return info, true
}

// AttachLocked marks the volume in-use, attached to the server at the
// device. It fails (with a message fit for a 400) when the volume is not
// available or multiattach would be violated.
func (s *Room) AttachLocked(volumeID, serverID, device string) error {
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

func (s *Room) addAttachment(v *volume, serverID, device, host string) {
	v.Attachments = append(v.Attachments, &attachment{ID: core.NewID(), ServerID: serverID,
		Device: device, HostName: host, AttachedAt: s.c.Now()})
	v.Status = volInUse
	v.touch(s.c.Now())
}

// DetachLocked removes the server's attachment; the volume becomes
// available when no attachment is left.
func (s *Room) DetachLocked(volumeID, serverID string) error {
	v := s.volumes[volumeID]
	if v == nil {
		return fmt.Errorf("Volume %s could not be found.", volumeID)
	}
	i := slices.IndexFunc(v.Attachments, func(a *attachment) bool { return a.ServerID == serverID })
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

// DeleteLocked deletes a volume (delete_on_termination).
func (s *Room) DeleteLocked(volumeID string) {
	v := s.volumes[volumeID]
	if v == nil {
		return
	}
	v.Attachments = nil
	s.startDeleteLocked(v)
}

// startDeleteLocked moves the volume to "deleting" and removes it and
// its bytes a moment later.
func (s *Room) startDeleteLocked(v *volume) {
	v.Status = volDeleting
	v.touch(s.c.Now())
	s.c.Later(1, func() {
		if s.volumes[v.ID] == v {
			delete(s.volumes, v.ID)
			os.Remove(v.Path)
		}
	})
}

// SnapshotLocked starts a snapshot of a volume (force, as Nova's
// createImage of a volume-backed server does) and returns its ID.
func (s *Room) SnapshotLocked(projectID, volumeID, name string) (string, error) {
	req := snapshotCreate{VolumeID: volumeID, Force: true}
	if name != "" {
		req.Name = &name
	}
	sn, verr := s.createSnapshotLocked(projectID, s.users.UserOfProjectLocked(projectID), req)
	if verr != nil {
		return "", verr
	}
	return sn.ID, nil
}

func (v *volume) touch(t time.Time) { v.UpdatedAt = t }

// typeName is the name of a volume type ("" if unknown).
func (s *Room) typeName(id string) string {
	if t := s.typeByID(id); t != nil {
		return t.Name
	}
	return ""
}

func (s *Room) typeByID(id string) *Type {
	for _, t := range s.types {
		if t.ID == id {
			return t
		}
	}
	return nil
}
