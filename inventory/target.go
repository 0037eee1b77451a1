package inventory

// Target is what a target cloud offers a migrating tenant, read once by
// ReadTarget and then used, without further API calls, by the planner.
// It reuses the inventory types where the shapes are the same, so a
// Target can be written to and read from JSON (tests do).
type Target struct {
	Endpoint Endpoint `json:"endpoint"`
	// Services are the catalog's service types, sorted.
	Services []string `json:"services"`
	// Flavors are the flavors the project can use, with extra specs.
	Flavors []Flavor `json:"flavors"`
	// Images are the public and community images, with properties.
	Images []Image `json:"images"`
	// VolumeTypes carry their scs-0114 aspects; DefaultVolumeType is the
	// name of the type a volume gets when none is asked for ("" unknown).
	VolumeTypes       []VolumeType      `json:"volumeTypes"`
	DefaultVolumeType string            `json:"defaultVolumeType,omitempty"`
	ExternalNetworks  []ExternalNetwork `json:"externalNetworks"`
	ComputeAZs        []string          `json:"computeAZs"`
	VolumeAZs         []string          `json:"volumeAZs"`
	// Quotas are the project's limits and usage, named as the services
	// name them (see docs/plan.md): compute instances, cores, ram (MiB),
	// key_pairs, server_groups; volume volumes, gigabytes; network
	// network, subnet, port, router, floatingip, security_group,
	// security_group_rule; load-balancer load_balancer.
	Quotas []Quota `json:"quotas"`
	// Existing are the target project's own resources that a migration
	// can clash with.
	Existing Existing `json:"existing"`
	// ClusterClasses are the Cluster API ClusterClass names the target's
	// KaaS offers; filled in by the Kubernetes work.
	ClusterClasses []string `json:"clusterClasses,omitempty"`
	// ObjectStore is what the target's Swift says it offers (its /info
	// document); nil where it has no Swift or did not tell.
	ObjectStore *ObjectStoreInfo `json:"objectStore,omitempty"`
	// Warnings list the parts that could not be read.
	Warnings []Warning `json:"warnings"`
}

// ObjectStoreInfo are the capabilities of an object store that a
// bucket copy depends on.
type ObjectStoreInfo struct {
	Version string `json:"version,omitempty"`
	// S3 says the s3api middleware answers S3; Versioning that buckets
	// can keep versions (versioned_writes or object_versioning).
	S3         bool `json:"s3"`
	Versioning bool `json:"versioning"`
}

// Endpoint identifies a cloud and project, without credentials.
type Endpoint struct {
	Cloud       string `json:"cloud"`
	AuthURL     string `json:"authURL"`
	Region      string `json:"region"`
	ProjectID   string `json:"projectID"`
	ProjectName string `json:"projectName"`
}

// Existing are names (and CIDRs) already taken in the target project.
type Existing struct {
	Networks       []string         `json:"networks"`
	Subnets        []ExistingSubnet `json:"subnets"`
	Routers        []string         `json:"routers"`
	SecurityGroups []string         `json:"securityGroups"`
	Keypairs       []string         `json:"keypairs"`
	Servers        []string         `json:"servers"`
	ServerGroups   []string         `json:"serverGroups"`
	LoadBalancers  []string         `json:"loadBalancers"`
	// Buckets are the object storage containers (S3 buckets) of the
	// target project, as Swift lists them.
	Buckets []string `json:"buckets,omitempty"`
}

// ExistingSubnet is a subnet of the target project.
type ExistingSubnet struct {
	Name string `json:"name"`
	CIDR string `json:"cidr"`
}

// Quota returns the limit and usage of one resource, if known.
func (t *Target) Quota(service, resource string) (Quota, bool) {
	for _, q := range t.Quotas {
		if q.Service == service && q.Resource == resource {
			return q, true
		}
	}
	return Quota{}, false
}

// HasService reports whether the catalog lists any of the types.
func (t *Target) HasService(types ...string) bool {
	for _, s := range t.Services {
		for _, want := range types {
			if s == want {
				return true
			}
		}
	}
	return false
}
