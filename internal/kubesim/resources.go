package kubesim

import (
	"cmp"
	"slices"
)

// resource is one kind the simulated API server serves.
type resource struct {
	group, version, name, kind string
	namespaced                 bool
	// status says the resource has a status subresource: a plain update
	// keeps the old status and status is written through /status. The
	// Velero CRDs have none.
	status bool
}

func (r resource) apiVersion() string {
	if r.group == "" {
		return r.version
	}
	return r.group + "/" + r.version
}

// resources are the kinds scs-migrate reads and writes, with their
// status subresources as the real API server and CRDs have them.
var resources = []resource{
	{"", "v1", "namespaces", "Namespace", false, true},
	{"", "v1", "secrets", "Secret", true, false},
	{"", "v1", "configmaps", "ConfigMap", true, false},
	{"", "v1", "services", "Service", true, true},
	{"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, true},
	{"", "v1", "persistentvolumes", "PersistentVolume", false, true},
	{"apps", "v1", "deployments", "Deployment", true, true},
	{"apps", "v1", "statefulsets", "StatefulSet", true, true},
	{"storage.k8s.io", "v1", "storageclasses", "StorageClass", false, false},
	{"networking.k8s.io", "v1", "ingresses", "Ingress", true, true},
	{"cluster.x-k8s.io", "v1beta2", "clusters", "Cluster", true, true},
	{"cluster.x-k8s.io", "v1beta2", "machinedeployments", "MachineDeployment", true, true},
	{"cluster.x-k8s.io", "v1beta2", "clusterclasses", "ClusterClass", true, true},
	{"clusterstack.x-k8s.io", "v1alpha1", "clusterstacks", "ClusterStack", true, true},
	{"clusterstack.x-k8s.io", "v1alpha1", "clusterstackreleases", "ClusterStackRelease", true, true},
	{"velero.io", "v1", "backups", "Backup", true, false},
	{"velero.io", "v1", "restores", "Restore", true, false},
	{"velero.io", "v1", "backupstoragelocations", "BackupStorageLocation", true, false},
}

// findResource looks a resource up by group, version and plural name.
func findResource(group, version, name string) (resource, bool) {
	i := slices.IndexFunc(resources, func(r resource) bool { return r.group == group && r.version == version && r.name == name })
	if i < 0 {
		return resource{}, false
	}
	return resources[i], true
}

// groupVersions are the API groups with their version, sorted by group.
func groupVersions() [][2]string {
	var out [][2]string
	for _, r := range resources {
		gv := [2]string{r.group, r.version}
		if r.group != "" && !slices.Contains(out, gv) {
			out = append(out, gv)
		}
	}
	slices.SortFunc(out, func(a, b [2]string) int { return cmp.Compare(a[0], b[0]) })
	return out
}
