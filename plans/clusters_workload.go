package plans

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// addWorkloadMappings decides the storage classes of the cluster's PVCs
// and the namespaces the user renames.
func (cp *clusterPlanner) addWorkloadMappings(c inventory.Cluster) {
	w := c.Workload
	if w == nil {
		return
	}
	b, id := cp.b, clusterID(c)
	for _, sc := range usedStorageClasses(w) {
		m := Mapping{Kind: "storage-class", SourceID: id, SourceName: sc}
		if o, where := cp.lookup(cp.ov.StorageClasses, sc); o != nil {
			m = m.decide("", o.Target, "map", "override", "set in "+where)
		} else {
			m = m.decide("", "", "map", "default",
				"the target cluster's default storage class (scs-0211: exactly one, ReadWriteOnce, not node-local), named when restoring")
		}
		b.d.list.ClusterClasses = append(b.d.list.ClusterClasses, m)
	}
	for _, o := range cp.ov.Namespaces {
		if slices.Contains(w.Namespaces, o.Source) {
			b.d.list.ClusterClasses = append(b.d.list.ClusterClasses, Mapping{Kind: "namespace", SourceID: id, SourceName: o.Source,
				TargetName: o.Target, Action: "map", Rule: "override", Reason: "set in " + cp.where(o)})
		}
	}
}

// usedStorageClasses are the classes the PVCs use, sorted; a PVC without
// one uses the cluster's default class.
func usedStorageClasses(w *inventory.Workload) []string {
	var out []string
	for _, p := range w.PVCs {
		if sc := cmp.Or(p.StorageClass, w.DefaultStorageClass); sc != "" && !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	slices.Sort(out)
	return out
}

// localProvisioners keep volumes on one node's disks.
var localProvisioners = []string{"kubernetes.io/no-provisioner", "kubernetes.io/host-path", "rancher.io/local-path",
	"openebs.io/local", "local.csi.openebs.io", "topolvm.io", "hostpath.csi.k8s.io", "lvm.csi.metal-stack.io"}

func isNodeLocal(provisioner string) bool {
	return slices.Contains(localProvisioners, provisioner) || strings.Contains(provisioner, "local-path") || strings.Contains(provisioner, "hostpath")
}

// warnWorkload tells the reviewer what changes for the workloads.
func (cp *clusterPlanner) warnWorkload(c inventory.Cluster, spec *ClusterSpec) {
	b, id, w := cp.b, clusterID(c), c.Workload
	count := map[string]int{}
	for _, p := range w.PVCs {
		sc := cmp.Or(p.StorageClass, w.DefaultStorageClass)
		count[sc]++
		if sc == "" {
			b.warn("cluster", id, c.Name, fmt.Sprintf("PVC %s/%s has no storage class (a static volume): Velero restores it only if its PersistentVolume can be rebuilt", p.Namespace, p.Name))
		}
	}
	for _, sc := range w.StorageClasses {
		if n := count[sc.Name]; n > 0 && isNodeLocal(sc.Provisioner) {
			b.warn("cluster", id, c.Name, fmt.Sprintf("%s on node-local storage class %s (%s): the data is copied by file-system backup; on the target the volumes are network volumes (%s)",
				plural(n, "PVC"), sc.Name, sc.Provisioner, targetClassName(spec.StorageClasses[sc.Name])))
		}
	}
	var unmapped []string
	for _, sc := range usedStorageClasses(w) {
		if spec.StorageClasses[sc] == "" {
			unmapped = append(unmapped, fmt.Sprintf("%s (%s)", sc, plural(count[sc], "PVC")))
		}
	}
	if len(unmapped) > 0 {
		b.warn("cluster", id, c.Name, fmt.Sprintf("no storage class mapping for %s: the PVCs go to %s, named when restoring (map them under storageClasses in the mapping file)",
			strings.Join(unmapped, ", "), targetClassName("")))
	}
	b.warn("cluster", id, c.Name, "before its velero-backup step runs, Velero must be installed in the new cluster with a BackupStorageLocation on "+
		describeBuckets(w)+" (read-only is enough); migrate stops there with the exact instruction if it is missing")
}

func targetClassName(name string) string {
	if name == "" {
		return "the target cluster's default storage class"
	}
	return "storage class " + name
}

func describeBuckets(w *inventory.Workload) string {
	var out []string
	for _, l := range w.BackupLocations {
		if l.AccessMode != "ReadOnly" {
			s := fmt.Sprintf("%s bucket %q", l.Provider, l.Bucket)
			if l.Prefix != "" {
				s += fmt.Sprintf(" (prefix %q)", l.Prefix)
			}
			out = append(out, s)
		}
	}
	return strings.Join(out, " or ")
}
