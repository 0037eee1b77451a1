package compute

import (
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// nonInheritable are the image properties a snapshot does not take from
// the server's image (Nova's non_inheritable_image_properties, plus what
// Glance computes itself).
var nonInheritable = []string{"cache_in_nova", "bittorrent", "img_signature_hash_method", "img_signature",
	"img_signature_key_type", "img_signature_certificate_uuid", "os_hash_algo", "os_hash_value",
	"block_device_mapping", "bdm_v2", "root_device_name"}

type createImageRequest struct {
	Name     *string           `json:"name"`
	Metadata map[string]string `json:"metadata"`
}

// createImage snapshots a server: the root disk bytes of an image-backed
// server, or a volume snapshot per volume of a volume-backed one.
func (s *Room) createImage(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion, srv *server, body json.RawMessage) {
	var req createImageRequest
	if err := json.Unmarshal(body, &req); err != nil || req.Name == nil {
		badRequest("Invalid input for field/attribute createImage. 'name' is a required property").Write(w)
		return
	}
	if err := checkName(*req.Name); err != nil {
		err.Write(w)
		return
	}
	if !checkServerState(w, srv, "createImage", false, "active", "stopped", "paused", "suspended") {
		return
	}
	var id string
	var err *apiError
	if srv.ImageID != "" {
		id, err = s.snapshotDiskLocked(tok, srv, req)
	} else {
		id, err = s.snapshotVolumesLocked(tok, srv, req)
	}
	if err != nil {
		err.Write(w)
		return
	}
	s.writeImageCreated(w, v, id)
}

// snapshotProperties are the properties of a server snapshot: the
// server's image's, then Nova's own, then the request's metadata, then
// what the virt driver sets on upload.
func snapshotProperties(tok *core.Token, srv *server, metadata map[string]string) map[string]string {
	props := maps.Clone(srv.Base.Properties)
	if props == nil {
		props = map[string]string{}
	}
	for _, k := range nonInheritable {
		delete(props, k)
	}
	for k := range props {
		if strings.HasPrefix(k, "os_glance") {
			delete(props, k)
		}
	}
	if props["base_image_ref"] == "" {
		props["base_image_ref"] = srv.ImageID
	}
	props["instance_uuid"], props["user_id"], props["image_type"] = srv.ID, tok.UserID, "snapshot"
	props["owner_project_name"], props["owner_user_name"] = tok.ProjectName, tok.UserName
	props["boot_roles"] = "member,reader"
	maps.Copy(props, metadata)
	props["image_location"], props["image_state"], props["owner_id"] = "snapshot", "available", srv.ProjectID
	return props
}

// snapshotDiskLocked creates the image and copies the root disk into it
// in the background; the server is in task image_uploading meanwhile.
func (s *Room) snapshotDiskLocked(tok *core.Token, srv *server, req createImageRequest) (string, *apiError) {
	disk, err := os.Open(srv.DiskPath)
	if err != nil {
		return "", errorf(http.StatusInternalServerError, "Unexpected API Error: %v", err)
	}
	spec := core.NewImage{Name: *req.Name, DiskFormat: srv.Base.DiskFormat, ContainerFormat: srv.Base.ContainerFormat,
		MinDisk: max(srv.Base.MinDisk, srv.Flavor.DiskGB), MinRAM: srv.Base.MinRAM,
		Properties: snapshotProperties(tok, srv, req.Metadata)}
	imageID, path := s.images.NewImageLocked(srv.ProjectID, spec)
	if imageID == "" {
		disk.Close()
		return "", errorf(http.StatusInternalServerError, "%s", "Unexpected API Error: the image service did not create the snapshot image")
	}
	srv.TaskState = "image_uploading"
	srv.touch(s.c.Now())
	id := srv.ID
	s.c.Background(func() {
		d, err := blob.WriteFile(path, disk, -1)
		disk.Close()
		s.c.Lock()
		defer s.c.Unlock()
		if err != nil {
			s.images.FailLocked(imageID)
		} else {
			s.images.ActivateLocked(imageID, d)
		}
		if srv := s.servers[id]; srv != nil && srv.TaskState == "image_uploading" {
			srv.TaskState = ""
			srv.touch(s.c.Now())
		}
	})
	return imageID, nil
}

// snapshotVolumesLocked does what Nova does for a volume-backed server: a
// forced Cinder snapshot of every volume, and an image without data that
// maps the snapshots (bdm_v2, block_device_mapping, root_device_name).
func (s *Room) snapshotVolumesLocked(tok *core.Token, srv *server, req createImageRequest) (string, *apiError) {
	var mapping []map[string]any
	for _, bv := range srv.Volumes {
		if !bv.Attached {
			continue
		}
		snapID, err := s.volumes.SnapshotLocked(srv.ProjectID, bv.VolumeID, "snapshot for "+*req.Name)
		if err != nil {
			return "", badRequest("%s", err.Error())
		}
		mapping = append(mapping, snapshotMapping(bv, snapID))
	}
	props := snapshotProperties(tok, srv, req.Metadata)
	props["root_device_name"] = srv.RootDevice
	if len(mapping) > 0 {
		b, _ := json.Marshal(mapping)
		props["block_device_mapping"], props["bdm_v2"] = string(b), "True"
	}
	spec := core.NewImage{Name: *req.Name, MinDisk: srv.Base.MinDisk, MinRAM: srv.Base.MinRAM, Properties: props}
	imageID, path := s.images.NewImageLocked(srv.ProjectID, spec)
	if imageID == "" {
		return "", errorf(http.StatusInternalServerError, "%s", "Unexpected API Error: the image service did not create the snapshot image")
	}
	d, err := blob.WriteFile(path, strings.NewReader(""), -1)
	if err != nil {
		s.images.FailLocked(imageID)
		return "", errorf(http.StatusInternalServerError, "Unexpected API Error: %v", err)
	}
	s.images.ActivateLocked(imageID, d)
	return imageID, nil
}

// snapshotMapping is a volume mapping turned into the image mapping of a
// volume snapshot, as Nova's snapshot_from_bdm writes it.
func snapshotMapping(bv *serverVolume, snapshotID string) map[string]any {
	var boot any
	if bv.BootIndex >= 0 {
		boot = bv.BootIndex
	}
	return map[string]any{
		"source_type": "snapshot", "destination_type": "volume", "snapshot_id": snapshotID,
		"volume_id": nil, "image_id": nil, "boot_index": boot, "device_name": bv.Device,
		"delete_on_termination": bv.DeleteOnTermination, "volume_size": bv.VolumeSize,
		"device_type": "disk", "disk_bus": "virtio", "guest_format": nil, "no_device": nil,
		"tag": null(bv.Tag), "volume_type": nil,
	}
}
