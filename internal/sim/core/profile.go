package core

// Profile is an SCS-compliant provider as the simulator plays it. Two
// profiles differ the way real providers do: external network names, AZ
// names, volume type names, non-standard flavors and of course all IDs.
type Profile struct {
	// Name is a short label, "source" or "target".
	Name string
	// Provider is the human name of the provider.
	Provider string
	Region   string
	// ComputeAZs and VolumeAZs are the availability zones.
	ComputeAZs []string
	VolumeAZs  []string
	// ExternalNetwork is the name of the shared external network and
	// FloatingCIDR its subnet, from which floating IPs are allocated.
	ExternalNetwork string
	FloatingCIDR    string
	// VolumeTypes are offered in this order; the first is the default.
	VolumeTypes []VolumeTypeSpec
	// ExtraFlavors are the provider's non-standard flavors, besides the
	// mandatory and recommended scs-0103 ones every profile has.
	ExtraFlavors []FlavorSpec
	// Quotas are the project quotas; zero fields take DefaultQuotas.
	Quotas Quotas
}

// VolumeTypeSpec is a Cinder volume type with its description (which
// carries the scs-0114 aspects) and extra specs.
type VolumeTypeSpec struct {
	Name        string
	Description string
	ExtraSpecs  map[string]string
}

// FlavorSpec is a Nova flavor.
type FlavorSpec struct {
	Name       string
	VCPUs      int
	RAMMiB     int
	DiskGB     int
	ExtraSpecs map[string]string
}

// Quotas are the per-project limits the simulator enforces.
type Quotas struct {
	Instances, Cores, RAMMiB, KeyPairs, ServerGroups  int
	Volumes, Gigabytes, Snapshots, Backups            int
	Networks, Subnets, Ports, Routers, FloatingIPs    int
	SecurityGroups, SecurityGroupRules, LoadBalancers int
}

// DefaultQuotas are OpenStack's own defaults, enlarged where a demo
// tenant would otherwise not fit.
var DefaultQuotas = Quotas{
	Instances: 20, Cores: 64, RAMMiB: 256000, KeyPairs: 100, ServerGroups: 10,
	Volumes: 50, Gigabytes: 2000, Snapshots: 50, Backups: 50,
	Networks: 100, Subnets: 100, Ports: 500, Routers: 10, FloatingIPs: 50,
	SecurityGroups: 10, SecurityGroupRules: 100, LoadBalancers: 10,
}

// SourceProfile plays the provider a tenant leaves.
func SourceProfile() Profile {
	return Profile{
		Name:            "source",
		Provider:        "Alpha Cloud",
		Region:          "RegionOne",
		ComputeAZs:      []string{"nova"},
		VolumeAZs:       []string{"nova"},
		ExternalNetwork: "public",
		FloatingCIDR:    "203.0.113.0/24",
		VolumeTypes: []VolumeTypeSpec{
			{Name: "__DEFAULT__", Description: "Default Volume Type"},
			{Name: "ssd", Description: "[scs:replicated] Ceph RBD, 3 replicas"},
			{Name: "ssd-encrypted", Description: "[scs:encrypted, replicated] Ceph RBD with LUKS",
				ExtraSpecs: map[string]string{"encrypted": "true"}},
		},
		ExtraFlavors: []FlavorSpec{
			{Name: "m1.large", VCPUs: 4, RAMMiB: 8192, DiskGB: 40},
			{Name: "alpha.c4.m12", VCPUs: 4, RAMMiB: 12288, DiskGB: 0},
		},
	}
}

// TargetProfile plays the provider a tenant moves to.
func TargetProfile() Profile {
	return Profile{
		Name:            "target",
		Provider:        "Beta Cloud",
		Region:          "de-west-1",
		ComputeAZs:      []string{"az1", "az2"},
		VolumeAZs:       []string{"az1", "az2"},
		ExternalNetwork: "ext-net",
		FloatingCIDR:    "198.51.100.0/24",
		VolumeTypes: []VolumeTypeSpec{
			{Name: "standard", Description: "[scs:replicated] triple-replicated block storage"},
			{Name: "LUKS", Description: "[scs:encrypted, replicated] encrypted, triple-replicated",
				ExtraSpecs: map[string]string{"encrypted": "true"}},
			{Name: "local-nvme", Description: "fast, not replicated"},
		},
		ExtraFlavors: []FlavorSpec{
			{Name: "SCS-4V-12", VCPUs: 4, RAMMiB: 12288, ExtraSpecs: map[string]string{
				"scs:name-v1": "SCS-4V:12", "scs:name-v2": "SCS-4V-12", "scs:cpu-type": "shared-core"}},
			{Name: "SCS-4C-16", VCPUs: 4, RAMMiB: 16384, ExtraSpecs: map[string]string{
				"scs:name-v1": "SCS-4C:16", "scs:name-v2": "SCS-4C-16", "scs:cpu-type": "dedicated-core"}},
			{Name: "beta.huge", VCPUs: 32, RAMMiB: 262144, DiskGB: 200},
		},
	}
}

// FilledQuotas returns the profile's quotas with defaults filled in.
func (p Profile) FilledQuotas() Quotas {
	q := p.Quotas
	d := DefaultQuotas
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&q.Instances, d.Instances)
	fill(&q.Cores, d.Cores)
	fill(&q.RAMMiB, d.RAMMiB)
	fill(&q.KeyPairs, d.KeyPairs)
	fill(&q.ServerGroups, d.ServerGroups)
	fill(&q.Volumes, d.Volumes)
	fill(&q.Gigabytes, d.Gigabytes)
	fill(&q.Snapshots, d.Snapshots)
	fill(&q.Backups, d.Backups)
	fill(&q.Networks, d.Networks)
	fill(&q.Subnets, d.Subnets)
	fill(&q.Ports, d.Ports)
	fill(&q.Routers, d.Routers)
	fill(&q.FloatingIPs, d.FloatingIPs)
	fill(&q.SecurityGroups, d.SecurityGroups)
	fill(&q.SecurityGroupRules, d.SecurityGroupRules)
	fill(&q.LoadBalancers, d.LoadBalancers)
	return q
}

// ProjectSpec is a project and the one member user that works in it.
type ProjectSpec struct {
	Name     string
	User     string
	Password string
	// AppCredName and AppCredSecret, when set, create an application
	// credential for the user, scoped to the project.
	AppCredName   string
	AppCredSecret string
}
