package sim

import (
	"errors"
	"net/http"
)

// imageService is Glance v2. STUB: replaced by the Glance implementation.
type imageService struct{ c *Cloud }

func newImageService(c *Cloud) *imageService { return &imageService{c: c} }

func (s *imageService) routes(mux *http.ServeMux) {}

// seedProviderLocked creates the scs-0104 standard public images with
// scs-0102 metadata and small real bytes.
func (s *imageService) seedProviderLocked(p Profile) error { return nil }

// imageInfo is what other services need to know of an image.
type imageInfo struct {
	ID, Name, Status, Visibility, Owner string
	DiskFormat, ContainerFormat         string
	Size                                int64
	MinDisk, MinRAM                     int
	// Properties are the additional (non-core) properties, e.g. hw_*,
	// os_distro, image_source.
	Properties map[string]string
	Checksum   string
	// Path is the file holding the image bytes ("" until active).
	Path string
}

// infoLocked returns the image if it is visible to the project.
func (s *imageService) infoLocked(projectID, id string) (imageInfo, bool) {
	return imageInfo{}, false
}

// newImageLocked is the first half of creating an image from data that
// another service produces (a volume upload, a server snapshot): the
// image is created in status "saving" owned by projectID, and the path
// to write its bytes to is returned. The caller writes the bytes without
// the lock, then calls activateImageLocked (or failImageLocked).
func (s *imageService) newImageLocked(projectID string, spec newImage) (id, path string) {
	return "", ""
}

// newImage describes an image another service creates.
type newImage struct {
	Name                        string
	DiskFormat, ContainerFormat string
	MinDisk, MinRAM             int
	Properties                  map[string]string
	Visibility                  string // default "private"
}

// activateImageLocked finishes an image created by newImageLocked.
func (s *imageService) activateImageLocked(id string, d digests) {}

// failImageLocked removes (killed) an image whose data could not be
// produced.
func (s *imageService) failImageLocked(id string) {}

var errNotImplemented = errors.New("not implemented")
