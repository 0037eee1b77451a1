package core

// The vocabulary rooms exchange through the narrow interfaces each
// consumer declares: what one room tells another of its resources.

// ImageActive is the status of an image whose data are stored.
const ImageActive = "active"

// ImageContainerFormats and ImageVisibilities are the values Glance
// accepts, which Cinder checks before it uploads a volume to an image.
var (
	ImageContainerFormats = []string{"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}
	ImageVisibilities     = []string{"community", "public", "private", "shared"}
)

// ImageInfo is what other services need to know of an image.
type ImageInfo struct {
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

// NewImage describes an image another room creates (Glance.NewImageLocked).
type NewImage struct {
	Name                        string
	DiskFormat, ContainerFormat string
	MinDisk, MinRAM             int
	Properties                  map[string]string
	Visibility                  string // default "private"
	Protected                   bool
}

// VolumeInfo is what other services need to know of a volume.
type VolumeInfo struct {
	ID, Name, Status, VolumeType, AZ string
	SizeGB                           int
	Bootable                         bool
	// ImageMetadata is volume_image_metadata (for volumes made from an image).
	ImageMetadata map[string]string
	Path          string
}

// SnapshotInfo is what Nova needs to know of a snapshot to boot from it.
type SnapshotInfo struct {
	ID, VolumeID, Status string
	SizeGB               int
	// Bootable and ImageMetadata are those of the snapshot's volume, which
	// a volume made from the snapshot takes over.
	Bootable      bool
	ImageMetadata map[string]string
}
