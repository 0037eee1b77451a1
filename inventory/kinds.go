package inventory

// The kinds of an inventory document, named as their JSON fields. They
// name sections in warnings, in the Observer calls and in the summary.
const (
	KindServers          = "servers"
	KindFlavors          = "flavors"
	KindImages           = "images"
	KindVolumes          = "volumes"
	KindVolumeSnapshots  = "volumeSnapshots"
	KindVolumeBackups    = "volumeBackups"
	KindVolumeTypes      = "volumeTypes"
	KindNetworks         = "networks"
	KindSubnets          = "subnets"
	KindRouters          = "routers"
	KindSecurityGroups   = "securityGroups"
	KindPorts            = "ports"
	KindFloatingIPs      = "floatingIPs"
	KindKeypairs         = "keypairs"
	KindServerGroups     = "serverGroups"
	KindLoadBalancers    = "loadBalancers"
	KindObjectContainers = "objectContainers"
	KindQuotas           = "quotas"
	KindClusters         = "clusters"
	// KindAPIVersions is the cloud's version documents, not a section of
	// its own: they fill CloudInfo.APIVersions.
	KindAPIVersions = "apiVersions"
)

// Kinds are the sections of a document in document order.
var Kinds = []string{
	KindServers, KindFlavors, KindImages, KindVolumes, KindVolumeSnapshots,
	KindVolumeBackups, KindVolumeTypes, KindNetworks, KindSubnets, KindRouters,
	KindSecurityGroups, KindPorts, KindFloatingIPs, KindKeypairs, KindServerGroups,
	KindLoadBalancers, KindObjectContainers, KindQuotas, KindClusters,
}

// Count is the number of items of one kind in the document.
func (d *Document) Count(kind string) int {
	switch kind {
	case KindServers:
		return len(d.Servers)
	case KindFlavors:
		return len(d.Flavors)
	case KindImages:
		return len(d.Images)
	case KindVolumes:
		return len(d.Volumes)
	case KindVolumeSnapshots:
		return len(d.VolumeSnapshots)
	case KindVolumeBackups:
		return len(d.VolumeBackups)
	case KindVolumeTypes:
		return len(d.VolumeTypes)
	case KindNetworks:
		return len(d.Networks)
	case KindSubnets:
		return len(d.Subnets)
	case KindRouters:
		return len(d.Routers)
	case KindSecurityGroups:
		return len(d.SecurityGroups)
	case KindPorts:
		return len(d.Ports)
	case KindFloatingIPs:
		return len(d.FloatingIPs)
	case KindKeypairs:
		return len(d.Keypairs)
	case KindServerGroups:
		return len(d.ServerGroups)
	case KindLoadBalancers:
		return len(d.LoadBalancers)
	case KindObjectContainers:
		return len(d.Containers)
	case KindQuotas:
		return len(d.Quotas)
	case KindClusters:
		return len(d.Clusters)
	}
	return 0
}
