package volume

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// glanceCoreProperties are the image_* keys of volume_image_metadata
// that Cinder does not copy to an uploaded image (glance_core_properties).
var glanceCoreProperties = []string{"checksum", "container_format", "disk_format", "image_name",
	"image_id", "min_disk", "min_ram", "name", "size"}

// uploadRequest is the argument of os-volume_upload_image.
type uploadRequest struct {
	ImageName       string `json:"image_name"`
	Force           any    `json:"force"`
	DiskFormat      string `json:"disk_format"`
	ContainerFormat string `json:"container_format"`
	Visibility      string `json:"visibility"`
	Protected       any    `json:"protected"`
}

// boolOf reads the booleans Cinder accepts as JSON or as strings.
func boolOf(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return slices.Contains([]string{"true", "t", "1", "yes", "y", "on"}, strings.ToLower(b))
	}
	return false
}

// actUploadImage copies the volume into a new Glance image: the volume
// is "uploading" until the bytes are in, the image "saving" until then.
// qcow2 goes through the qcow2 writer (zero clusters stay out), raw is
// copied as is.
func (s *Room) actUploadImage(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a uploadRequest
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if verr := s.checkUpload(v, &a); verr != nil {
		verr.Write(w)
		return
	}
	props := maps.Clone(v.ImageMetadata)
	for _, k := range glanceCoreProperties {
		delete(props, k)
	}
	protected := boolOf(a.Protected)
	imageID, imagePath := s.images.NewImageLocked(v.ProjectID, core.NewImage{Name: a.ImageName,
		DiskFormat: a.DiskFormat, ContainerFormat: a.ContainerFormat, Properties: props, Visibility: a.Visibility, Protected: protected})
	v.resumeStatus, v.Status = v.Status, volUploading
	v.touch(s.c.Now())
	volPath, size, format := v.Path, int64(v.SizeGB)*volumeGiB, a.DiskFormat
	var d blob.Digests
	s.volumeJob(func() (err error) {
		d, err = volumeToImage(imagePath, volPath, size, format)
		return err
	}, func(err error) {
		if err != nil {
			s.images.FailLocked(imageID)
		} else {
			s.images.ActivateLocked(imageID, d)
		}
		if s.volumes[v.ID] == v && v.Status == volUploading {
			v.Status = v.resumeStatus
			v.touch(s.c.Now())
		}
	})
	core.WriteJSON(w, http.StatusAccepted, map[string]any{"os-volume_upload_image": map[string]any{
		"id": v.ID, "updated_at": timeOf(v.UpdatedAt), "status": volUploading,
		"display_description": v.Description, "size": v.SizeGB, "volume_type": s.uploadTypeView(v.TypeID),
		"image_id": imageID, "container_format": a.ContainerFormat, "disk_format": a.DiskFormat,
		"image_name": a.ImageName, "visibility": a.Visibility, "protected": protected,
	}})
}

// checkUpload validates an upload request and fills in its defaults.
func (s *Room) checkUpload(v *volume, a *uploadRequest) *apiError {
	if a.ImageName == "" {
		return errorf(http.StatusBadRequest, "No image_name was specified in request.")
	}
	if v.Status != volAvailable && v.Status != volInUse {
		return errorf(http.StatusBadRequest, "Invalid volume: Volume status must be available/in-use.")
	}
	if v.Status == volInUse && !boolOf(a.Force) {
		return errorf(http.StatusBadRequest, "Invalid volume: Volume status is in-use.")
	}
	if a.DiskFormat == "" {
		a.DiskFormat = "raw"
	}
	if a.DiskFormat != "raw" && a.DiskFormat != "qcow2" {
		return errorf(http.StatusBadRequest, "Invalid disk-format '%s' is specified. Allowed disk-formats are raw, qcow2.", a.DiskFormat)
	}
	if a.ContainerFormat == "" {
		a.ContainerFormat = "bare"
	}
	if !slices.Contains(core.ImageContainerFormats, a.ContainerFormat) {
		return errorf(http.StatusBadRequest, "Invalid container-format '%s' is specified.", a.ContainerFormat)
	}
	if a.Visibility == "" {
		a.Visibility = "private"
	}
	if a.Visibility == "public" {
		return errorf(http.StatusForbidden, "Policy doesn't allow volume_extension:volume_actions:upload_public to be performed.")
	}
	if !slices.Contains(core.ImageVisibilities, a.Visibility) {
		return invalid("Invalid visibility '%s'.", a.Visibility)
	}
	return nil
}

// uploadTypeView is the volume type as os-volume_upload_image shows it.
func (s *Room) uploadTypeView(typeID string) map[string]any {
	t := s.typeByID(typeID)
	if t == nil {
		return nil
	}
	return map[string]any{"id": t.ID, "name": t.Name, "description": t.Description, "is_public": true,
		"extra_specs": visibleSpecs(t), "qos_specs_id": nil, "deleted": false,
		"created_at": nil, "updated_at": nil, "deleted_at": nil}
}

// volumeToImage writes the image file of a volume's bytes and returns
// its digests.
func volumeToImage(imagePath, volPath string, size int64, diskFormat string) (blob.Digests, error) {
	src, err := os.Open(volPath)
	if err != nil {
		return blob.Digests{}, err
	}
	defer src.Close()
	if diskFormat == "qcow2" {
		return qcow2.WriteFile(imagePath, src, size)
	}
	return blob.WriteFile(imagePath, io.NewSectionReader(src, 0, size), -1)
}
