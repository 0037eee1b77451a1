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

// PortInfo is what Nova needs to know of a port.
type PortInfo struct {
	ID, NetworkID, NetworkName, MAC, DeviceID string
	FixedIPs                                  []FixedIP
	SecurityGroups                            []string // IDs
	// FloatingIPs are the floating addresses associated with the port.
	FloatingIPs []string
}

// FixedIP is an address of a port on one of its subnets.
type FixedIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// VIPRequest is where a load balancer wants its VIP.
type VIPRequest struct {
	SubnetID, NetworkID, PortID, Address string
}

// VIPPort is the VIP a load balancer got.
type VIPPort struct {
	PortID, Address, SubnetID, NetworkID string
	// Owned is set when Octavia created the port (and deletes it with the
	// load balancer).
	Owned bool
}

// EC2Credential is a Keystone EC2 credential: the access and secret an
// S3 client signs with, for a user in a project.
type EC2Credential struct {
	Access, Secret, UserID, ProjectID string
	// Authorized is set when the user has a role on the project: Keystone
	// mints credentials for any project but refuses to authenticate
	// them otherwise ("User not valid for tenant").
	Authorized bool
}
