package sim

import "net/http"

// volumeService is Cinder v3. STUB: replaced by the Cinder implementation.
type volumeService struct{ c *Cloud }

func newVolumeService(c *Cloud) *volumeService { return &volumeService{c: c} }

func (s *volumeService) routes(mux *http.ServeMux) {}

// seedProviderLocked creates the profile's volume types.
func (s *volumeService) seedProviderLocked(p Profile) {}

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
	return volumeInfo{}, false
}

// createFromImageLocked starts creating a volume from an image, as Nova
// does for block_device_mapping_v2 source_type=image,
// destination_type=volume. The volume is "creating" and becomes
// "available" asynchronously (or "error").
func (s *volumeService) createFromImageLocked(projectID, name string, sizeGB int, imageID, az, volumeType string) (string, error) {
	return "", errNotImplemented
}

// attachLocked marks the volume in-use, attached to the server at the
// device. It fails (with a message fit for a 400) when the volume is not
// available or multiattach would be violated.
func (s *volumeService) attachLocked(volumeID, serverID, device string) error {
	return errNotImplemented
}

// detachLocked removes the server's attachment; the volume becomes
// available when no attachment is left.
func (s *volumeService) detachLocked(volumeID, serverID string) error { return errNotImplemented }

// deleteLocked deletes a volume (delete_on_termination).
func (s *volumeService) deleteLocked(volumeID string) {}

// snapshotLocked starts a snapshot of a volume (force, as Nova's
// createImage of a volume-backed server does) and returns its ID.
func (s *volumeService) snapshotLocked(projectID, volumeID, name string) (string, error) {
	return "", errNotImplemented
}
