// Package inventory snapshots a tenant on an OpenStack cloud (and its
// Kubernetes clusters) into one versioned, deterministic document that
// every later step of a migration refers to by source ID.
package inventory

import "github.com/scs-migrate/scs-migrate/internal/s3"

// APIVersion and Kind identify an inventory document. The schema is
// documented in docs/inventory.md; additive changes keep the version.
const (
	APIVersion = "scs-migrate.io/v1alpha1"
	Kind       = "Inventory"
)

// Document is a snapshot of one project on one cloud. Every list is
// sorted by name, then ID, so the same tenant always gives the same bytes.
// It holds no secret: no token, password or private key.
type Document struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Cloud      CloudInfo `json:"cloud"`

	Servers         []Server         `json:"servers"`
	Flavors         []Flavor         `json:"flavors"`
	Images          []Image          `json:"images"`
	Volumes         []Volume         `json:"volumes"`
	VolumeSnapshots []VolumeSnapshot `json:"volumeSnapshots"`
	VolumeBackups   []VolumeBackup   `json:"volumeBackups"`
	VolumeTypes     []VolumeType     `json:"volumeTypes"`
	Networks        []Network        `json:"networks"`
	Subnets         []Subnet         `json:"subnets"`
	Routers         []Router         `json:"routers"`
	SecurityGroups  []SecurityGroup  `json:"securityGroups"`
	Ports           []Port           `json:"ports"`
	FloatingIPs     []FloatingIP     `json:"floatingIPs"`
	Keypairs        []Keypair        `json:"keypairs"`
	ServerGroups    []ServerGroup    `json:"serverGroups"`
	LoadBalancers   []LoadBalancer   `json:"loadBalancers"`
	Containers      []Container      `json:"objectContainers"`
	Quotas          []Quota          `json:"quotas"`
	Clusters        []Cluster        `json:"clusters,omitempty"`

	// Warnings list what could not be read; the document is still usable.
	Warnings []Warning `json:"warnings"`
	// NotCollected are the kinds that could not be read at all (service
	// absent, 403), sorted: for those an empty list means "unknown", not
	// "none", and Validate does not check references into them.
	NotCollected []string `json:"notCollected,omitempty"`
}

// CloudInfo says where the snapshot was taken.
type CloudInfo struct {
	Name        string `json:"name,omitempty"`
	AuthURL     string `json:"authURL"`
	Region      string `json:"region"`
	ProjectID   string `json:"projectID"`
	ProjectName string `json:"projectName"`
	// Services are the catalog's service types, sorted.
	Services []string `json:"services"`
	// APIVersions are the versions and microversion ranges seen per
	// service type, e.g. "compute": "v2.1 (2.1–2.96)".
	APIVersions map[string]string `json:"apiVersions"`
	// ExternalNetworks are the external networks visible to the project.
	ExternalNetworks []ExternalNetwork `json:"externalNetworks"`
}

// ExternalNetwork is a router:external network the tenant can use.
type ExternalNetwork struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Warning is something the inventory could not read or that a user
// should know about the snapshot.
type Warning struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// Server is a Nova server.
type Server struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	PowerState string `json:"powerState"`
	FlavorID   string `json:"flavorID,omitempty"`
	FlavorName string `json:"flavorName"`
	// ImageID is the image the server booted from; empty for
	// boot-from-volume servers.
	ImageID        string `json:"imageID,omitempty"`
	BootFromVolume bool   `json:"bootFromVolume"`
	// BlockDevices are the attached volumes in device order, the root
	// volume first for boot-from-volume servers.
	BlockDevices []BlockDevice `json:"blockDevices"`
	// Ports are the server's port IDs in interface order.
	Ports []string `json:"ports"`
	// SecurityGroups are group names as Nova reports them.
	SecurityGroups   []string          `json:"securityGroups"`
	KeyName          string            `json:"keyName,omitempty"`
	ServerGroupID    string            `json:"serverGroupID,omitempty"`
	AvailabilityZone string            `json:"availabilityZone"`
	Metadata         map[string]string `json:"metadata"`
	Tags             []string          `json:"tags"`
	ConfigDrive      bool              `json:"configDrive"`
	Description      string            `json:"description,omitempty"`
}

// BlockDevice is a volume attached to a server.
type BlockDevice struct {
	VolumeID            string `json:"volumeID"`
	Device              string `json:"device"`
	BootIndex           int    `json:"bootIndex"` // -1 for data volumes
	DeleteOnTermination bool   `json:"deleteOnTermination"`
}

// Flavor is a Nova flavor used by a server.
type Flavor struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	VCPUs       int               `json:"vcpus"`
	RAMMiB      int               `json:"ramMiB"`
	DiskGB      int               `json:"diskGB"`
	EphemeralGB int               `json:"ephemeralGB"`
	SwapMiB     int               `json:"swapMiB"`
	ExtraSpecs  map[string]string `json:"extraSpecs"`
	Public      bool              `json:"public"`
}

// Image is a Glance image the tenant owns or that its servers and
// volumes were built from.
type Image struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Status          string   `json:"status"`
	Visibility      string   `json:"visibility"`
	Owner           string   `json:"owner"`
	OwnedByTenant   bool     `json:"ownedByTenant"`
	DiskFormat      string   `json:"diskFormat"`
	ContainerFormat string   `json:"containerFormat"`
	SizeBytes       int64    `json:"sizeBytes"`
	VirtualSize     int64    `json:"virtualSize,omitempty"`
	Checksum        string   `json:"checksum"`
	HashAlgo        string   `json:"hashAlgo,omitempty"`
	HashValue       string   `json:"hashValue,omitempty"`
	MinDiskGB       int      `json:"minDiskGB"`
	MinRAMMiB       int      `json:"minRAMMiB"`
	Protected       bool     `json:"protected"`
	Tags            []string `json:"tags"`
	// Properties are all additional properties (hw_*, os_*, architecture,
	// image_source, …) as strings.
	Properties map[string]string `json:"properties"`
	CreatedAt  string            `json:"createdAt"`
	// UsedBy lists the servers and volumes built from the image.
	UsedBy []string `json:"usedBy"`
}

// Volume is a Cinder volume.
type Volume struct {
	ID               string             `json:"id"`
	Name             string             `json:"name"`
	Description      string             `json:"description,omitempty"`
	SizeGB           int                `json:"sizeGB"`
	VolumeType       string             `json:"volumeType"`
	Status           string             `json:"status"`
	Bootable         bool               `json:"bootable"`
	Encrypted        bool               `json:"encrypted"`
	Multiattach      bool               `json:"multiattach"`
	AvailabilityZone string             `json:"availabilityZone"`
	Attachments      []VolumeAttachment `json:"attachments"`
	// ImageMetadata is volume_image_metadata: the image properties a
	// bootable volume carries (hw_*, os_*, …).
	ImageMetadata map[string]string `json:"imageMetadata,omitempty"`
	SourceImageID string            `json:"sourceImageID,omitempty"`
	SnapshotID    string            `json:"snapshotID,omitempty"`
	Metadata      map[string]string `json:"metadata"`
}

// VolumeAttachment is where a volume is attached.
type VolumeAttachment struct {
	ServerID string `json:"serverID"`
	Device   string `json:"device"`
}

// VolumeSnapshot is a Cinder snapshot.
type VolumeSnapshot struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	VolumeID string `json:"volumeID"`
	SizeGB   int    `json:"sizeGB"`
	Status   string `json:"status"`
}

// VolumeBackup is a Cinder backup.
type VolumeBackup struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	VolumeID    string `json:"volumeID"`
	SizeGB      int    `json:"sizeGB"`
	Status      string `json:"status"`
	Incremental bool   `json:"incremental"`
}

// VolumeType is a Cinder volume type in use by the tenant's volumes.
type VolumeType struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	ExtraSpecs  map[string]string `json:"extraSpecs"`
	// Aspects are the scs-0114 aspects of the description ([scs:…]).
	Aspects []string `json:"aspects"`
}

// Network is a Neutron network of the tenant.
type Network struct {
	ID                  string   `json:"id"`
	Name                string   `json:"name"`
	Description         string   `json:"description,omitempty"`
	AdminStateUp        bool     `json:"adminStateUp"`
	Shared              bool     `json:"shared"`
	External            bool     `json:"external"`
	MTU                 int      `json:"mtu"`
	PortSecurityEnabled bool     `json:"portSecurityEnabled"`
	Tags                []string `json:"tags"`
}

// Subnet is a Neutron subnet.
type Subnet struct {
	ID              string           `json:"id"`
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	NetworkID       string           `json:"networkID"`
	IPVersion       int              `json:"ipVersion"`
	CIDR            string           `json:"cidr"`
	GatewayIP       string           `json:"gatewayIP"` // "" means no gateway
	EnableDHCP      bool             `json:"enableDHCP"`
	AllocationPools []AllocationPool `json:"allocationPools"`
	DNSNameservers  []string         `json:"dnsNameservers"`
	HostRoutes      []Route          `json:"hostRoutes"`
	IPv6AddressMode string           `json:"ipv6AddressMode,omitempty"`
	IPv6RAMode      string           `json:"ipv6RAMode,omitempty"`
	Tags            []string         `json:"tags"`
}

// AllocationPool is a range of addresses a subnet hands out.
type AllocationPool struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Route is a static route (subnet host route or router route).
type Route struct {
	Destination string `json:"destination"`
	NextHop     string `json:"nextHop"`
}

// Router is a Neutron router.
type Router struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	Description     string            `json:"description,omitempty"`
	AdminStateUp    bool              `json:"adminStateUp"`
	ExternalGateway *RouterGateway    `json:"externalGateway,omitempty"`
	Interfaces      []RouterInterface `json:"interfaces"`
	Routes          []Route           `json:"routes"`
	Tags            []string          `json:"tags"`
}

// RouterGateway is a router's external gateway.
type RouterGateway struct {
	NetworkID   string `json:"networkID"`
	NetworkName string `json:"networkName"`
	EnableSNAT  bool   `json:"enableSNAT"`
}

// RouterInterface connects a router to a subnet.
type RouterInterface struct {
	SubnetID  string `json:"subnetID"`
	PortID    string `json:"portID"`
	IPAddress string `json:"ipAddress"`
}

// SecurityGroup is a Neutron security group with its rules.
type SecurityGroup struct {
	ID          string              `json:"id"`
	Name        string              `json:"name"`
	Description string              `json:"description"`
	Stateful    bool                `json:"stateful"`
	Rules       []SecurityGroupRule `json:"rules"`
	Tags        []string            `json:"tags"`
}

// SecurityGroupRule is one rule; RemoteGroupID refers to another group
// of the inventory (or the group itself).
type SecurityGroupRule struct {
	ID             string `json:"id"`
	Direction      string `json:"direction"`
	EtherType      string `json:"etherType"`
	Protocol       string `json:"protocol,omitempty"`
	PortRangeMin   *int   `json:"portRangeMin,omitempty"`
	PortRangeMax   *int   `json:"portRangeMax,omitempty"`
	RemoteIPPrefix string `json:"remoteIPPrefix,omitempty"`
	RemoteGroupID  string `json:"remoteGroupID,omitempty"`
	Description    string `json:"description,omitempty"`
}

// Port is a Neutron port.
type Port struct {
	ID                  string        `json:"id"`
	Name                string        `json:"name"`
	Description         string        `json:"description,omitempty"`
	NetworkID           string        `json:"networkID"`
	MACAddress          string        `json:"macAddress"`
	FixedIPs            []FixedIP     `json:"fixedIPs"`
	SecurityGroups      []string      `json:"securityGroups"` // IDs
	DeviceOwner         string        `json:"deviceOwner"`
	DeviceID            string        `json:"deviceID"`
	AdminStateUp        bool          `json:"adminStateUp"`
	PortSecurityEnabled bool          `json:"portSecurityEnabled"`
	AllowedAddressPairs []AddressPair `json:"allowedAddressPairs"`
	Tags                []string      `json:"tags"`
}

// FixedIP is an address of a port on a subnet.
type FixedIP struct {
	SubnetID  string `json:"subnetID"`
	IPAddress string `json:"ipAddress"`
}

// AddressPair is an allowed address pair of a port.
type AddressPair struct {
	IPAddress  string `json:"ipAddress"`
	MACAddress string `json:"macAddress,omitempty"`
}

// FloatingIP is a floating IP and what it is associated with.
type FloatingIP struct {
	ID                  string `json:"id"`
	FloatingIPAddress   string `json:"floatingIPAddress"`
	FloatingNetworkID   string `json:"floatingNetworkID"`
	FloatingNetworkName string `json:"floatingNetworkName"`
	PortID              string `json:"portID,omitempty"`
	FixedIPAddress      string `json:"fixedIPAddress,omitempty"`
	Description         string `json:"description,omitempty"`
	// DNSName and DNSDomain are Neutron's DNS integration (dns_name,
	// dns_domain): the record that points at the address.
	DNSName   string `json:"dnsName,omitempty"`
	DNSDomain string `json:"dnsDomain,omitempty"`
}

// Keypair is a Nova keypair; only the public key exists on the cloud.
type Keypair struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	PublicKey   string `json:"publicKey"`
	Fingerprint string `json:"fingerprint"`
}

// ServerGroup is a Nova server group.
type ServerGroup struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Policy  string         `json:"policy"`
	Rules   map[string]int `json:"rules,omitempty"`
	Members []string       `json:"members"`
}

// LoadBalancer is an Octavia load balancer with everything under it.
type LoadBalancer struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	Description  string     `json:"description,omitempty"`
	VIPSubnetID  string     `json:"vipSubnetID"`
	VIPNetworkID string     `json:"vipNetworkID"`
	VIPAddress   string     `json:"vipAddress"`
	VIPPortID    string     `json:"vipPortID"`
	Provider     string     `json:"provider"`
	Listeners    []Listener `json:"listeners"`
	Pools        []Pool     `json:"pools"`
	Tags         []string   `json:"tags"`
}

// Listener is an Octavia listener.
type Listener struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	Protocol        string `json:"protocol"`
	ProtocolPort    int    `json:"protocolPort"`
	DefaultPoolID   string `json:"defaultPoolID,omitempty"`
	ConnectionLimit int    `json:"connectionLimit"`
}

// Pool is an Octavia pool with its members and health monitor.
type Pool struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Protocol      string         `json:"protocol"`
	LBAlgorithm   string         `json:"lbAlgorithm"`
	ListenerID    string         `json:"listenerID,omitempty"`
	Members       []Member       `json:"members"`
	HealthMonitor *HealthMonitor `json:"healthMonitor,omitempty"`
}

// Member is a backend of a pool.
type Member struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	ProtocolPort int    `json:"protocolPort"`
	SubnetID     string `json:"subnetID,omitempty"`
	Weight       int    `json:"weight"`
}

// HealthMonitor checks the members of a pool.
type HealthMonitor struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	Delay         int    `json:"delay"`
	Timeout       int    `json:"timeout"`
	MaxRetries    int    `json:"maxRetries"`
	HTTPMethod    string `json:"httpMethod,omitempty"`
	URLPath       string `json:"urlPath,omitempty"`
	ExpectedCodes string `json:"expectedCodes,omitempty"`
}

// Container is an object storage container: a Swift container and, on
// an SCS cloud, the S3 bucket of the same name. Objects and Bytes are
// counted from the object listing when S3 was read (else as Swift's
// container listing reports them).
type Container struct {
	Name    string `json:"name"`
	Objects int64  `json:"objects"`
	Bytes   int64  `json:"bytes"`
	// LargeObjects counts objects uploaded in parts (S3 multipart, which
	// Swift keeps as static large objects); LargestObject is the size of
	// the largest object.
	LargeObjects  int64 `json:"largeObjects,omitempty"`
	LargestObject int64 `json:"largestObject,omitempty"`
	// S3 is false when the bucket could not be read through S3 (the cloud
	// offers no S3, or the name is no valid bucket name).
	S3 bool `json:"s3"`
	// Settings are the bucket's S3 settings (versioning, object lock,
	// lifecycle, CORS, policy, tags).
	Settings s3.Settings `json:"settings,omitzero"`
	// Swift's view: read and write ACLs, container metadata (without the
	// X-Container-Meta- prefix, names lower case), the container that
	// keeps old versions, and the static-website index document.
	ReadACL          string            `json:"readACL,omitempty"`
	WriteACL         string            `json:"writeACL,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	VersionsLocation string            `json:"versionsLocation,omitempty"`
	WebIndex         string            `json:"webIndex,omitempty"`
}

// Quota is one limit with its usage, e.g. Service "compute",
// Resource "cores".
type Quota struct {
	Service  string `json:"service"`
	Resource string `json:"resource"`
	Limit    int    `json:"limit"` // -1 means unlimited
	InUse    int    `json:"inUse"`
}

// Cluster is a Cluster API workload cluster of the tenant, read from its
// KaaS management cluster.
type Cluster struct {
	Namespace      string `json:"namespace"`
	Name           string `json:"name"`
	Class          string `json:"class"`
	ClassNamespace string `json:"classNamespace,omitempty"`
	Version        string `json:"version"`
	// Variables are the topology variables as JSON values.
	Variables            map[string]any    `json:"variables"`
	ControlPlaneReplicas int               `json:"controlPlaneReplicas"`
	Workers              []WorkerPool      `json:"workers"`
	Labels               map[string]string `json:"labels,omitempty"`
	Workload             *Workload         `json:"workload,omitempty"`
}

// WorkerPool is a machine deployment of a cluster topology.
type WorkerPool struct {
	Name     string `json:"name"`
	Class    string `json:"class"`
	Replicas int    `json:"replicas"`
}

// Workload is what runs inside a workload cluster, where its kubeconfig
// was available.
type Workload struct {
	Namespaces          []string                `json:"namespaces"`
	PVCs                []PVC                   `json:"pvcs"`
	StorageClasses      []StorageClass          `json:"storageClasses"`
	DefaultStorageClass string                  `json:"defaultStorageClass,omitempty"`
	Velero              bool                    `json:"velero"`
	BackupLocations     []BackupStorageLocation `json:"backupLocations,omitempty"`
}

// PVC is a persistent volume claim.
type PVC struct {
	Namespace    string   `json:"namespace"`
	Name         string   `json:"name"`
	StorageClass string   `json:"storageClass"`
	Size         string   `json:"size"`
	AccessModes  []string `json:"accessModes"`
}

// StorageClass is a Kubernetes storage class.
type StorageClass struct {
	Name        string `json:"name"`
	Provisioner string `json:"provisioner"`
	Default     bool   `json:"default"`
}

// BackupStorageLocation is a Velero backup storage location.
type BackupStorageLocation struct {
	Name       string `json:"name"`
	Provider   string `json:"provider"`
	Bucket     string `json:"bucket"`
	Prefix     string `json:"prefix,omitempty"`
	AccessMode string `json:"accessMode"`
}
