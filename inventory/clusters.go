package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// DefaultWorkloadTimeout bounds the reading of one workload cluster.
const DefaultWorkloadTimeout = 30 * time.Second

// workloadConcurrency bounds the workload clusters read at once.
const workloadConcurrency = 4

// KubeClusters reads the tenant's Cluster API clusters from its KaaS
// management cluster: their topology, the ClusterClass and ClusterStack
// behind it, and for each workload cluster it can reach (through the
// <cluster>-kubeconfig Secret, or a kubeconfig given by the user) its
// namespaces, PVCs, storage classes and Velero. It is the ClusterSource
// of Collect. What it cannot read becomes a warning; only a management
// cluster that does not answer at all is an error.
type KubeClusters struct {
	// Management is the management cluster; its Namespace is the
	// tenant's namespace there.
	Management *kube.Clients
	// AllNamespaces reads the Clusters of every namespace.
	AllNamespaces bool
	// Workloads are workload clusters opened from kubeconfigs the user
	// gave, by "namespace/name" or "name"; the others are opened through
	// their kubeconfig Secret.
	Workloads map[string]*kube.Clients
	// WorkloadTimeout bounds the reading of one workload cluster; 0
	// means DefaultWorkloadTimeout.
	WorkloadTimeout time.Duration
}

var _ ClusterSource = (*KubeClusters)(nil)

// Clusters reads the clusters, sorted by namespace and name.
func (k *KubeClusters) Clusters(ctx context.Context) ([]Cluster, []Warning, error) {
	r := &clusterReader{k: k, mgmt: k.Management}
	version, err := r.mgmt.ClusterAPIVersion(ctx)
	switch {
	case kube.IsForbidden(err):
		r.warn("Cluster API on %s not readable: %v", r.mgmt.Host, err)
		return nil, r.warnings, nil
	case err != nil:
		return nil, nil, fmt.Errorf("read the KaaS management cluster %s: %w", r.mgmt.Host, err)
	case version == "":
		r.warn("the management cluster %s serves no Cluster API (cluster.x-k8s.io): no clusters read", r.mgmt.Host)
		return nil, r.warnings, nil
	}
	r.version = version
	ns := r.mgmt.Namespace
	if k.AllNamespaces {
		ns = ""
	}
	found, err := r.mgmt.ListClusters(ctx, version, ns)
	if kube.IsForbidden(err) {
		r.warn("Clusters in namespace %q not readable: %v", ns, err)
		return nil, r.warnings, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("list Clusters on %s: %w", r.mgmt.Host, err)
	}
	out, err := r.readAll(ctx, found)
	if err != nil {
		return nil, nil, err
	}
	slices.SortFunc(out, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(r.warnings, func(a, b Warning) int { return cmp.Compare(a.Message, b.Message) })
	return out, r.warnings, nil
}

// clusterReader holds one read of the management cluster.
type clusterReader struct {
	k       *KubeClusters
	mgmt    *kube.Clients
	version string

	mu       sync.Mutex
	warnings []Warning
	// per namespace, read once: machine deployment replicas by
	// "cluster/topology name", class names, cluster stacks.
	namespaces map[string]*namespaceFacts
}

// namespaceFacts are the management objects of one namespace.
type namespaceFacts struct {
	mdReplicas map[string]int
	classes    map[string]bool
	stacks     []unstructured.Unstructured
	stacksErr  error
}

func (r *clusterReader) warn(format string, args ...any) {
	r.mu.Lock()
	r.warnings = append(r.warnings, Warning{Kind: KindClusters, Message: fmt.Sprintf(format, args...)})
	r.mu.Unlock()
}

// readAll reads every cluster, the workload clusters concurrently.
func (r *clusterReader) readAll(ctx context.Context, found []*kube.Cluster) ([]Cluster, error) {
	r.namespaces = map[string]*namespaceFacts{}
	for _, c := range found {
		for _, ns := range []string{c.Namespace, cmp.Or(c.ClassNamespace, c.Namespace)} {
			if r.namespaces[ns] == nil {
				facts, err := r.readNamespace(ctx, ns)
				if err != nil {
					return nil, err
				}
				r.namespaces[ns] = facts
			}
		}
	}
	out := make([]Cluster, len(found))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workloadConcurrency)
	for i, c := range found {
		out[i] = r.cluster(c)
		g.Go(func() error {
			out[i].Workload = r.workload(gctx, c)
			return nil
		})
	}
	return out, g.Wait()
}

// readNamespace lists the machine deployments, classes and stacks of a
// namespace: one call per kind, not one per cluster.
func (r *clusterReader) readNamespace(ctx context.Context, ns string) (*namespaceFacts, error) {
	f := &namespaceFacts{mdReplicas: map[string]int{}, classes: map[string]bool{}}
	dyn := r.mgmt.Dynamic
	mds, err := dyn.Resource(kube.WithVersion(kube.MachineDeployments, r.version)).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil && !kube.IsForbidden(err) && !kube.IsNotFound(err) {
		return nil, fmt.Errorf("list MachineDeployments in %s: %w", ns, err)
	}
	if mds != nil {
		for _, md := range mds.Items {
			l := md.GetLabels()
			if n, ok, _ := unstructured.NestedInt64(md.Object, "spec", "replicas"); ok {
				f.mdReplicas[l["cluster.x-k8s.io/cluster-name"]+"/"+l["topology.cluster.x-k8s.io/deployment-name"]] = int(n)
			}
		}
	}
	classes, err := dyn.Resource(kube.WithVersion(kube.ClusterClasses, r.version)).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil && !kube.IsForbidden(err) && !kube.IsNotFound(err) {
		return nil, fmt.Errorf("list ClusterClasses in %s: %w", ns, err)
	}
	if classes != nil {
		for _, c := range classes.Items {
			f.classes[c.GetName()] = true
		}
	}
	if ok, err := r.mgmt.Serves(ctx, kube.ClusterStacks); err != nil || !ok {
		f.stacksErr = fmt.Errorf("the Cluster Stack Operator's API (%s) is not served", kube.GroupClusterStack)
		return f, err
	}
	stacks, err := dyn.Resource(kube.ClusterStacks).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		f.stacksErr = err
		return f, nil
	}
	f.stacks = stacks.Items
	return f, nil
}

// cluster turns a Cluster API Cluster into the document's shape and
// checks its class and stack.
func (r *clusterReader) cluster(c *kube.Cluster) Cluster {
	out := Cluster{Namespace: c.Namespace, Name: c.Name, Class: c.Class, ClassNamespace: c.ClassNamespace,
		Version: c.Version, Variables: c.Variables, Labels: ownLabels(c.Labels)}
	facts := r.namespaces[c.Namespace]
	if c.ControlPlaneReplicas != nil {
		out.ControlPlaneReplicas = int(*c.ControlPlaneReplicas)
	}
	for _, w := range c.Workers {
		p := WorkerPool{Name: w.Name, Class: w.Class}
		if w.Replicas != nil {
			p.Replicas = int(*w.Replicas)
		} else {
			p.Replicas = facts.mdReplicas[c.Name+"/"+w.Name] // an autoscaler sets it
		}
		out.Workers = append(out.Workers, p)
	}
	id := c.Namespace + "/" + c.Name
	if c.Class == "" {
		r.warn("cluster %s is not built from a ClusterClass (no spec.topology): scs-migrate cannot rebuild it", id)
		return out
	}
	classNS := cmp.Or(c.ClassNamespace, c.Namespace)
	if !r.namespaces[classNS].classes[c.Class] {
		r.warn("cluster %s: its ClusterClass %s/%s does not exist (any more)", id, classNS, c.Class)
	}
	r.checkStack(id, c.Class, r.namespaces[classNS])
	return out
}

// checkStack warns when no ClusterStack provides the class.
func (r *clusterReader) checkStack(id, class string, f *namespaceFacts) {
	name, err := scs.ParseClusterClassName(class)
	if err != nil {
		r.warn("cluster %s: class %q is not a cluster-stack class: %v", id, class, err)
		return
	}
	if f.stacksErr != nil {
		r.warn("cluster %s: the ClusterStack behind class %s was not read: %v", id, class, f.stacksErr)
		return
	}
	for _, s := range f.stacks {
		spec, _, _ := unstructured.NestedMap(s.Object, "spec")
		versions, _, _ := unstructured.NestedStringSlice(s.Object, "spec", "versions")
		usable, _, _ := unstructured.NestedString(s.Object, "status", "usableVersions")
		if spec["provider"] == name.Provider && spec["name"] == name.Stack && spec["kubernetesVersion"] == name.KubernetesVersion() &&
			(slices.Contains(versions, name.Version) || slices.Contains(strings.Split(usable, ","), name.Version) || spec["autoSubscribe"] == true) {
			return
		}
	}
	r.warn("cluster %s: no ClusterStack provides class %s (%s %s, Kubernetes %s, %s)", id, class,
		name.Provider, name.Stack, name.KubernetesVersion(), name.Version)
}

// ownLabels drops the labels controllers and scs-migrate manage.
func ownLabels(l map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range l {
		if strings.Contains(k, "cluster.x-k8s.io/") || strings.HasPrefix(k, "scs-migrate.") {
			continue
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// workload reads what runs in a cluster, or warns why it cannot.
func (r *clusterReader) workload(ctx context.Context, c *kube.Cluster) *Workload {
	id := c.Namespace + "/" + c.Name
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(r.k.WorkloadTimeout, DefaultWorkloadTimeout))
	defer cancel()
	w, err := r.open(ctx, c)
	if err != nil {
		r.warn("workload cluster %s not read: %v", id, err)
		return nil
	}
	wl, err := readWorkload(ctx, w)
	if err != nil {
		r.warn("workload cluster %s not read: %v", id, err)
		return nil
	}
	return wl
}

// open finds the workload cluster's clients: given, or from its Secret.
func (r *clusterReader) open(ctx context.Context, c *kube.Cluster) (*kube.Clients, error) {
	for _, key := range []string{c.Namespace + "/" + c.Name, c.Name} {
		if w, ok := r.k.Workloads[key]; ok {
			return w, nil
		}
	}
	w, err := r.mgmt.Workload(ctx, c.Namespace, c.Name)
	if kube.IsNotFound(err) {
		return nil, fmt.Errorf("no kubeconfig: Secret %s/%s not found (give the cluster's kubeconfig by flag)",
			c.Namespace, kube.KubeconfigSecretName(c.Name))
	}
	return w, err
}

// readWorkload lists a workload cluster's namespaces, PVCs, storage
// classes and Velero.
func readWorkload(ctx context.Context, w *kube.Clients) (*Workload, error) {
	core := w.Typed.CoreV1()
	nss, err := core.Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	wl := &Workload{}
	for _, ns := range nss.Items {
		wl.Namespaces = append(wl.Namespaces, ns.Name)
	}
	pvcs, err := core.PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list PVCs: %w", err)
	}
	for _, p := range pvcs.Items {
		wl.PVCs = append(wl.PVCs, pvcOf(p))
	}
	classes, err := w.Typed.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list storage classes: %w", err)
	}
	for i := range classes.Items {
		sc := &classes.Items[i]
		def := kube.IsDefaultStorageClass(sc)
		wl.StorageClasses = append(wl.StorageClasses, StorageClass{Name: sc.Name, Provisioner: sc.Provisioner, Default: def})
		if def && (wl.DefaultStorageClass == "" || sc.Name < wl.DefaultStorageClass) {
			wl.DefaultStorageClass = sc.Name
		}
	}
	v, err := w.Velero(ctx)
	if err != nil {
		return nil, err
	}
	wl.Velero = v.Installed
	for _, l := range v.Locations {
		bucket, prefix := kube.Bucket(l)
		wl.BackupLocations = append(wl.BackupLocations, BackupStorageLocation{Name: l.Name, Provider: l.Spec.Provider,
			Bucket: bucket, Prefix: prefix, AccessMode: kube.AccessMode(l)})
	}
	wl.sort()
	return wl, nil
}

// pvcOf reads a claim: its bound capacity, or what it requests.
func pvcOf(p corev1.PersistentVolumeClaim) PVC {
	out := PVC{Namespace: p.Namespace, Name: p.Name, StorageClass: ptrValue(p.Spec.StorageClassName)}
	size := p.Spec.Resources.Requests[corev1.ResourceStorage]
	if c, ok := p.Status.Capacity[corev1.ResourceStorage]; ok {
		size = c
	}
	out.Size = size.String()
	for _, m := range p.Spec.AccessModes {
		out.AccessModes = append(out.AccessModes, string(m))
	}
	slices.Sort(out.AccessModes)
	return out
}

func ptrValue[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// sort orders every list of the workload.
func (w *Workload) sort() {
	slices.Sort(w.Namespaces)
	slices.SortFunc(w.PVCs, func(a, b PVC) int { return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name)) })
	slices.SortFunc(w.StorageClasses, func(a, b StorageClass) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(w.BackupLocations, func(a, b BackupStorageLocation) int { return cmp.Compare(a.Name, b.Name) })
}
