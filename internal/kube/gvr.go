package kube

import "k8s.io/apimachinery/pkg/runtime/schema"

// The API groups scs-migrate works with.
const (
	GroupClusterAPI   = "cluster.x-k8s.io"
	GroupClusterStack = "clusterstack.x-k8s.io"
	GroupVelero       = "velero.io"
)

// The resources scs-migrate reads and writes. Cluster API objects are
// addressed at v1beta2 (Cluster API ≥ 1.11); a management cluster that
// serves only v1beta1 is read through ClusterAPIVersion.
var (
	ClustersV1Beta2           = schema.GroupVersionResource{Group: GroupClusterAPI, Version: "v1beta2", Resource: "clusters"}
	ClustersV1Beta1           = schema.GroupVersionResource{Group: GroupClusterAPI, Version: "v1beta1", Resource: "clusters"}
	MachineDeployments        = schema.GroupVersionResource{Group: GroupClusterAPI, Version: "v1beta2", Resource: "machinedeployments"}
	ClusterClasses            = schema.GroupVersionResource{Group: GroupClusterAPI, Version: "v1beta2", Resource: "clusterclasses"}
	ClusterStacks             = schema.GroupVersionResource{Group: GroupClusterStack, Version: "v1alpha1", Resource: "clusterstacks"}
	ClusterStackReleases      = schema.GroupVersionResource{Group: GroupClusterStack, Version: "v1alpha1", Resource: "clusterstackreleases"}
	Backups                   = schema.GroupVersionResource{Group: GroupVelero, Version: "v1", Resource: "backups"}
	Restores                  = schema.GroupVersionResource{Group: GroupVelero, Version: "v1", Resource: "restores"}
	BackupStorageLocations    = schema.GroupVersionResource{Group: GroupVelero, Version: "v1", Resource: "backupstoragelocations"}
	clusterAPIVersionsByOrder = []string{"v1beta2", "v1beta1"}
)

// WithVersion returns the resource at another version of its group.
func WithVersion(gvr schema.GroupVersionResource, version string) schema.GroupVersionResource {
	gvr.Version = version
	return gvr
}
