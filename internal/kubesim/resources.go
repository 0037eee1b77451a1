package kubesim

import (
	"cmp"
	"slices"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
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

func res(gv schema.GroupVersion, name, kind string, namespaced, status bool) resource {
	return resource{gv.Group, gv.Version, name, kind, namespaced, status}
}

func (r resource) gvr() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: r.group, Version: r.version, Resource: r.name}
}

func (r resource) apiVersion() string {
	if r.group == "" {
		return r.version
	}
	return r.group + "/" + r.version
}

// clusterStackGroupVersion is the API of the SCS Cluster Stack Operator
// (github.com/SovereignCloudStack/cluster-stack-operator). Its Go module
// is not a dependency, so its objects are written unstructured.
var clusterStackGroupVersion = schema.GroupVersion{Group: "clusterstack.x-k8s.io", Version: "v1alpha1"}

// resources are the kinds scs-migrate reads and writes, with their
// status subresources as the real API server and CRDs have them. Groups
// and versions come from the upstream API packages, never from
// internal/kube: a mistake of the product must not be copied here.
var resources = []resource{
	res(corev1.SchemeGroupVersion, "namespaces", "Namespace", false, true),
	res(corev1.SchemeGroupVersion, "secrets", "Secret", true, false),
	res(corev1.SchemeGroupVersion, "configmaps", "ConfigMap", true, false),
	res(corev1.SchemeGroupVersion, "services", "Service", true, true),
	res(corev1.SchemeGroupVersion, "persistentvolumeclaims", "PersistentVolumeClaim", true, true),
	res(corev1.SchemeGroupVersion, "persistentvolumes", "PersistentVolume", false, true),
	res(appsv1.SchemeGroupVersion, "deployments", "Deployment", true, true),
	res(appsv1.SchemeGroupVersion, "statefulsets", "StatefulSet", true, true),
	res(storagev1.SchemeGroupVersion, "storageclasses", "StorageClass", false, false),
	res(networkingv1.SchemeGroupVersion, "ingresses", "Ingress", true, true),
	res(clusterv1.GroupVersion, "clusters", "Cluster", true, true),
	res(clusterv1.GroupVersion, "machinedeployments", "MachineDeployment", true, true),
	res(clusterv1.GroupVersion, "clusterclasses", "ClusterClass", true, true),
	res(clusterStackGroupVersion, "clusterstacks", "ClusterStack", true, true),
	res(clusterStackGroupVersion, "clusterstackreleases", "ClusterStackRelease", true, true),
	res(velerov1.SchemeGroupVersion, "backups", "Backup", true, false),
	res(velerov1.SchemeGroupVersion, "restores", "Restore", true, false),
	res(velerov1.SchemeGroupVersion, "backupstoragelocations", "BackupStorageLocation", true, false),
}

// findResource looks a resource up by group, version and plural name.
func findResource(group, version, name string) (resource, bool) {
	i := slices.IndexFunc(resources, func(r resource) bool { return r.group == group && r.version == version && r.name == name })
	if i < 0 {
		return resource{}, false
	}
	return resources[i], true
}

// mustResource is a resource of the table by its GroupVersionResource.
func mustResource(gvr schema.GroupVersionResource) resource {
	r, ok := findResource(gvr.Group, gvr.Version, gvr.Resource)
	if !ok {
		panic("kubesim: no resource " + gvr.String())
	}
	return r
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
