// Package plans maps a tenant's inventory onto a target cloud by the SCS
// standards and writes the migration plan: resolved mappings, each with
// its reason, and a DAG of steps that the migrate engine executes. Run
// without executing it, the same analysis is the portability audit.
package plans

import "github.com/scs-migrate/scs-migrate/inventory"

// APIVersion and Kind identify a plan document.
const (
	APIVersion = "scs-migrate.io/v1alpha1"
	Kind       = "Plan"
)

// Plan is a reviewable, self-contained migration plan: applying it needs
// nothing but the plan and credentials for both clouds.
type Plan struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// ID names this plan; every resource the plan creates on the target
	// carries it (tags, properties, metadata) so it can be found again.
	ID        string   `json:"id"`
	CreatedAt string   `json:"createdAt"`
	Source    Endpoint `json:"source"`
	Target    Endpoint `json:"target"`
	Options   Options  `json:"options"`

	Mappings Mappings `json:"mappings"`
	Steps    []Step   `json:"steps"`
	// Blocked lists what cannot move, with reasons; their steps are absent.
	Blocked []Finding `json:"blocked"`
	// Warnings are changes a reviewer should know about (a lost
	// encryption aspect, a larger flavor, a public image copied, …).
	Warnings []Finding `json:"warnings"`
	// Preflight are the checks against the target (quotas, clashes,
	// services) made when the plan was written.
	Preflight []Check `json:"preflight"`
	// Waves are the named groups of servers that are cut over together:
	// the stop of each member waits for the prerequisites of all. A
	// server in none is a wave of its own. Missing in older plans.
	Waves []Wave `json:"waves,omitempty"`
	// Downtime is, per source server the plan stops (cold cutover), the
	// data that moves while it is stopped and the expected downtime.
	// Missing in older plans and for a live cutover: no estimate.
	Downtime []Downtime `json:"downtime,omitempty"`

	// Inventory is the source snapshot the plan was made from.
	Inventory *inventory.Document `json:"inventory"`
}

// Options are the choices made when planning.
type Options struct {
	// Cutover is "cold" (source servers stopped before their final
	// snapshot; the default) or "live".
	Cutover string `json:"cutover"`
	// BandwidthMbps is the bandwidth the duration estimate assumes.
	BandwidthMbps int `json:"bandwidthMbps"`
	// MappingFile is the override file used, if any.
	MappingFile string `json:"mappingFile,omitempty"`
}

// Mappings are the resolved source → target decisions.
type Mappings struct {
	Flavors           []Mapping `json:"flavors"`
	Images            []Mapping `json:"images"`
	VolumeTypes       []Mapping `json:"volumeTypes"`
	ExternalNetworks  []Mapping `json:"externalNetworks"`
	AvailabilityZones []Mapping `json:"availabilityZones"`
	ClusterClasses    []Mapping `json:"clusterClasses,omitempty"`
}

// Mapping is one decision. Action says what happens to the resource:
// "map" (use the target's own resource, nothing copied), "copy" (bytes
// are copied), or "blocked".
type Mapping struct {
	Kind       string `json:"kind"` // flavor, image, volume-type, external-network, compute-az, volume-az, cluster-class
	SourceID   string `json:"sourceID,omitempty"`
	SourceName string `json:"sourceName"`
	TargetID   string `json:"targetID,omitempty"`
	TargetName string `json:"targetName,omitempty"`
	Action     string `json:"action"`
	// Rule is the rule that decided: override, same-name, scs-name,
	// scs-spec, covering, standard-image, os-metadata, aspects, default,
	// only-one, blocked, ….
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	// Changes lists what differs on the target (e.g. "ram 12 → 16 GiB",
	// "aspect encrypted lost").
	Changes []string `json:"changes,omitempty"`
}

// StepKind is what a step does.
type StepKind string

// The step kinds, in the order a migration usually runs them.
const (
	StepStopServer         StepKind = "stop-server"          // cold cutover, on the source
	StepNetwork            StepKind = "network"              // create network
	StepSubnet             StepKind = "subnet"               // create subnet (same CIDR, pools, DNS, routes)
	StepRouter             StepKind = "router"               // create router with gateway
	StepRouterInterface    StepKind = "router-interface"     // attach a subnet to a router
	StepRouterRoutes       StepKind = "router-routes"        // set static routes once interfaces exist
	StepSecurityGroup      StepKind = "security-group"       // create group (no rules)
	StepSecurityGroupRules StepKind = "security-group-rules" // all rules of a group, remote groups remapped
	StepKeypair            StepKind = "keypair"              // import public key
	StepServerGroup        StepKind = "server-group"
	StepCopyImage          StepKind = "copy-image"      // stream a Glance image
	StepSnapshotServer     StepKind = "snapshot-server" // ephemeral root disk → image, copied
	StepCopyVolume         StepKind = "copy-volume"     // stream a Cinder volume
	StepPort               StepKind = "port"            // same fixed IPs (and MAC where allowed)
	StepServer             StepKind = "server"          // create server
	StepAttachVolume       StepKind = "attach-volume"   // in original device order
	StepFloatingIP         StepKind = "floating-ip"     // new address, old → new reported
	StepLoadBalancer       StepKind = "load-balancer"   // LB with listeners, pools, members, monitors
	StepCopyBucket         StepKind = "copy-bucket"     // every object of a bucket, verified; re-run on every migrate
	StepCluster            StepKind = "cluster"         // Cluster API cluster on the target
	StepVeleroBackup       StepKind = "velero-backup"
	StepVeleroRestore      StepKind = "velero-restore"
)

// Step is one node of the plan's DAG.
type Step struct {
	// ID is unique in the plan: "<kind>/<source id>" (attachments:
	// "attach-volume/<server id>/<volume id>").
	ID   string   `json:"id"`
	Kind StepKind `json:"kind"`
	// SourceID is the inventory ID of the resource this step moves
	// (for keypairs: the name; for router-interface: the subnet; for
	// attach-volume: the volume).
	SourceID string `json:"sourceID"`
	// ParentID is the inventory ID of the resource a step acts on when
	// that is not SourceID: the router of router-interface, the server
	// of attach-volume. (Added by the plans work.)
	ParentID string `json:"parentID,omitempty"`
	// Name is the resource's human name.
	Name string `json:"name"`
	// DependsOn are IDs of steps that must succeed first.
	DependsOn []string `json:"dependsOn"`
	// Bytes is the size of what the step copies: an image's file, a
	// volume's or root disk's provisioned size (an upper bound).
	Bytes int64 `json:"bytes,omitempty"`
	// DataBytes is the data the step is expected to move (copy steps):
	// an image's size where one is known, else Bytes; DataBasis says
	// which (DataImageSize or DataProvisioned). Missing in older plans:
	// Bytes is the estimate then.
	DataBytes int64  `json:"dataBytes,omitempty"`
	DataBasis string `json:"dataBasis,omitempty"`
	// Wave names the wave of a stop-server or server step's server when
	// it is in a named one; empty: the server is a wave of its own.
	Wave string `json:"wave,omitempty"`
	// Target holds the decisions resolved at plan time for this step.
	Target StepTarget `json:"target"`
}

// StepTarget are the target-side choices of a step; only the fields a
// kind needs are set. References to resources that other steps create
// are by source ID and resolved at run time from the journal.
type StepTarget struct {
	FlavorID          string `json:"flavorID,omitempty"`
	FlavorName        string `json:"flavorName,omitempty"`
	ImageID           string `json:"imageID,omitempty"` // a target image that already exists (mapped standard image)
	ImageName         string `json:"imageName,omitempty"`
	VolumeType        string `json:"volumeType,omitempty"`
	AvailabilityZone  string `json:"availabilityZone,omitempty"`
	ExternalNetworkID string `json:"externalNetworkID,omitempty"`
	// Bucket is the name of a copy-bucket step's bucket on the target.
	Bucket string `json:"bucket,omitempty"`
	// KeepMAC asks to keep the source port's MAC address.
	KeepMAC bool `json:"keepMAC,omitempty"`
	// Existing says the target already has this resource and the step
	// adopts it instead of creating one: the project's "default"
	// security group, which Neutron creates by itself. (Added by the
	// plans work.)
	Existing bool `json:"existing,omitempty"`
}

// The bases of a data estimate.
const (
	// DataImageSize: the size of the image the disk was made from.
	DataImageSize = "image size"
	// DataProvisioned: the provisioned size, an upper bound.
	DataProvisioned = "provisioned (upper bound)"
	// DataObjects: the bytes of a bucket's objects when it was read.
	DataObjects = "object listing"
)

// Wave is a named group of servers cut over together.
type Wave struct {
	Name string `json:"name"`
	// Servers are the members' source IDs.
	Servers []string `json:"servers"`
	// From says where the wave was given: "FILE:LINE" of the mapping
	// file, "metadata scs-migrate.wave", or both.
	From string `json:"from"`
}

// Downtime is the cutover estimate of one source server that the plan
// stops: the server is down from its stop-server step until it and its
// volumes are up on the target.
type Downtime struct {
	ServerID string `json:"serverID"`
	Name     string `json:"name"`
	// Wave is the server's named wave, or empty.
	Wave string `json:"wave,omitempty"`
	// DataBytes is the data that moves while the server is stopped: the
	// copies that wait for the stops of its wave (its own disks and
	// those of the servers stopped with it, which share the bandwidth).
	DataBytes int64 `json:"dataBytes"`
	// DataBasis is DataImageSize when every copy's estimate is an
	// image's size, else DataProvisioned (an upper bound).
	DataBasis string `json:"dataBasis"`
	// Steps is the number of steps on the longest chain from the stop
	// to the server's last step on the target (stop, snapshot or copy,
	// server, attachments), each costing StepOverhead.
	Steps int `json:"steps"`
	// Seconds is the expected downtime at the plan's bandwidth; see
	// EstimateDowntime for another bandwidth.
	Seconds int64 `json:"seconds"`
}

// Finding is a blocker or a warning about one resource.
type Finding struct {
	Kind     string `json:"kind"`
	SourceID string `json:"sourceID,omitempty"`
	Name     string `json:"name"`
	Reason   string `json:"reason"`
}

// Check is one pre-flight check against the target.
type Check struct {
	Name   string `json:"name"` // e.g. "quota compute.cores"
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Subjects name the resources a failed clash check is about (names
	// already taken, subnets that overlap). (Added by the plans work.)
	Subjects []string `json:"subjects,omitempty"`
}
