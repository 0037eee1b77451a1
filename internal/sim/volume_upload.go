package sim

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
	"github.com/scs-migrate/scs-migrate/internal/sim/image"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// cinderGlanceCoreProperties are the image_* keys of volume_image_metadata
// that Cinder does not copy to an uploaded image (glance_core_properties).
var cinderGlanceCoreProperties = []string{"checksum", "container_format", "disk_format", "image_name",
	"image_id", "min_disk", "min_ram", "name", "size"}

// volumeUploadRequest is the argument of os-volume_upload_image.
type volumeUploadRequest struct {
	ImageName       string `json:"image_name"`
	Force           any    `json:"force"`
	DiskFormat      string `json:"disk_format"`
	ContainerFormat string `json:"container_format"`
	Visibility      string `json:"visibility"`
	Protected       any    `json:"protected"`
}

// cinderBool reads the booleans Cinder accepts as JSON or as strings.
func cinderBool(v any) bool {
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
func (s *volumeService) actUploadImage(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	var a volumeUploadRequest
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if verr := s.checkUpload(v, &a); verr != nil {
		verr.write(w)
		return
	}
	props := maps.Clone(v.ImageMetadata)
	for _, k := range cinderGlanceCoreProperties {
		delete(props, k)
	}
	protected := cinderBool(a.Protected)
	imageID, imagePath := s.c.image.NewImageLocked(v.ProjectID, image.NewImage{Name: a.ImageName,
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
			s.c.image.FailLocked(imageID)
		} else {
			s.c.image.ActivateLocked(imageID, d)
		}
		if s.volumes[v.ID] == v && v.Status == volUploading {
			v.Status = v.resumeStatus
			v.touch(s.c.Now())
		}
	})
	core.WriteJSON(w, http.StatusAccepted, map[string]any{"os-volume_upload_image": map[string]any{
		"id": v.ID, "updated_at": cinderTime(v.UpdatedAt), "status": volUploading,
		"display_description": v.Description, "size": v.SizeGB, "volume_type": s.uploadTypeView(v.TypeID),
		"image_id": imageID, "container_format": a.ContainerFormat, "disk_format": a.DiskFormat,
		"image_name": a.ImageName, "visibility": a.Visibility, "protected": protected,
	}})
}

// checkUpload validates an upload request and fills in its defaults.
func (s *volumeService) checkUpload(v *volume, a *volumeUploadRequest) *cinderError {
	if a.ImageName == "" {
		return cinderErr(http.StatusBadRequest, "No image_name was specified in request.")
	}
	if v.Status != volAvailable && v.Status != volInUse {
		return cinderErr(http.StatusBadRequest, "Invalid volume: Volume status must be available/in-use.")
	}
	if v.Status == volInUse && !cinderBool(a.Force) {
		return cinderErr(http.StatusBadRequest, "Invalid volume: Volume status is in-use.")
	}
	if a.DiskFormat == "" {
		a.DiskFormat = "raw"
	}
	if a.DiskFormat != "raw" && a.DiskFormat != "qcow2" {
		return cinderErr(http.StatusBadRequest, "Invalid disk-format '%s' is specified. Allowed disk-formats are raw, qcow2.", a.DiskFormat)
	}
	if a.ContainerFormat == "" {
		a.ContainerFormat = "bare"
	}
	if !slices.Contains(image.ContainerFormats, a.ContainerFormat) {
		return cinderErr(http.StatusBadRequest, "Invalid container-format '%s' is specified.", a.ContainerFormat)
	}
	if a.Visibility == "" {
		a.Visibility = "private"
	}
	if a.Visibility == "public" {
		return cinderErr(http.StatusForbidden, "Policy doesn't allow volume_extension:volume_actions:upload_public to be performed.")
	}
	if !slices.Contains(image.Visibilities, a.Visibility) {
		return cinderInvalid("Invalid visibility '%s'.", a.Visibility)
	}
	return nil
}

// uploadTypeView is the volume type as os-volume_upload_image shows it.
func (s *volumeService) uploadTypeView(typeID string) map[string]any {
	t := s.typeByID(typeID)
	if t == nil {
		return nil
	}
	return map[string]any{"id": t.ID, "name": t.Name, "description": t.Description, "is_public": true,
		"extra_specs": volumeVisibleSpecs(t), "qos_specs_id": nil, "deleted": false,
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
