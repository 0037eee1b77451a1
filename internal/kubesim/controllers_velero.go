package kubesim

import (
	"context"
	"slices"
	"strings"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// backupData is what a backup holds in its bucket.
type backupData struct {
	location   string
	namespaces []string
	items      []backupItem
}

type backupItem struct {
	res resource
	obj map[string]any
}

// backedUp are the kinds the simulated Velero backs up.
var backedUp = []schema.GroupVersionResource{corev1.SchemeGroupVersion.WithResource("configmaps"), corev1.SchemeGroupVersion.WithResource("secrets"),
	corev1.SchemeGroupVersion.WithResource("services"), corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims"),
	appsv1.SchemeGroupVersion.WithResource("deployments"), appsv1.SchemeGroupVersion.WithResource("statefulsets"),
	networkingv1.SchemeGroupVersion.WithResource("ingresses")}

// bucketKey is where a storage location keeps backups.
func bucketKey(bsl *velerov1.BackupStorageLocation) string {
	provider := bsl.Spec.Provider
	if i := strings.LastIndex(provider, "/"); i >= 0 {
		provider = provider[i+1:]
	}
	var bucket, prefix string
	if o := bsl.Spec.ObjectStorage; o != nil {
		bucket, prefix = o.Bucket, o.Prefix
	}
	return strings.Join([]string{provider, bucket, strings.Trim(prefix, "/"), strings.TrimRight(bsl.Spec.Config["s3Url"], "/")}, "|")
}

func (w *World) putBackup(key, name string, d *backupData) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.buckets[key] == nil {
		w.buckets[key] = map[string]*backupData{}
	}
	w.buckets[key][name] = d
}

func (w *World) bucket(key string) map[string]*backupData {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]*backupData{}
	for k, v := range w.buckets[key] {
		out[k] = v
	}
	return out
}

// veleroNamespaces are the namespaces where a velero Deployment runs.
func (ctl *controllers) veleroNamespaces(ctx context.Context) (map[string]bool, error) {
	deps, err := ctl.c.Typed.AppsV1().Deployments("").List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=velero"})
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, d := range deps.Items {
		out[d.Namespace] = true
	}
	return out, nil
}

// veleroObjects lists Velero objects of a kind where Velero runs.
func veleroObjects[T any, PT apiObject[T]](ctx context.Context, ctl *controllers, t typed[T, PT]) ([]*T, error) {
	vns, err := ctl.veleroNamespaces(ctx)
	if err != nil || len(vns) == 0 {
		return nil, err
	}
	list, err := t.list(ctx, ctl.c.Dynamic, "")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list, func(o *T) bool { return !vns[PT(o).GetNamespace()] }), nil
}

// locations marks storage locations Available and syncs the backups
// their bucket holds into the cluster, a while after they appear there.
func (ctl *controllers) locations(ctx context.Context) error {
	bsls, err := veleroObjects(ctx, ctl, locations)
	if err != nil {
		return err
	}
	for _, bsl := range bsls {
		if bsl.Status.Phase != velerov1.BackupStorageLocationPhaseAvailable {
			bsl.Status.Phase, bsl.Status.LastSyncedTime = velerov1.BackupStorageLocationPhaseAvailable, ctl.now()
			if bsl, err = locations.update(ctx, ctl.c.Dynamic, bsl); err != nil {
				return err
			}
		}
		if err := ctl.sync(ctx, bsl); err != nil {
			return err
		}
	}
	return nil
}

func (ctl *controllers) sync(ctx context.Context, bsl *velerov1.BackupStorageLocation) error {
	ns := bsl.Namespace
	for name, d := range ctl.w.bucket(bucketKey(bsl)) {
		if !ctl.due("sync/"+ns+"/"+name, ctl.w.opts.Delay) {
			continue
		}
		n := len(d.items)
		b := &velerov1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{velerov1.StorageLocationLabel: bsl.Name}},
			Spec:   velerov1.BackupSpec{StorageLocation: bsl.Name, IncludedNamespaces: d.namespaces},
			Status: velerov1.BackupStatus{Phase: velerov1.BackupPhaseCompleted, Progress: &velerov1.BackupProgress{TotalItems: n, ItemsBackedUp: n}}}
		if err := create(backups.create(ctx, ctl.c.Dynamic, b)); err != nil {
			return err
		}
	}
	return nil
}

// backups run New backups: validation, InProgress, and after the delay
// the namespaces' objects go into the bucket and the phase is Completed.
// Every status change is a plain update.
func (ctl *controllers) backups(ctx context.Context) error {
	list, err := veleroObjects(ctx, ctl, backups)
	if err != nil {
		return err
	}
	for _, b := range list {
		switch phase := b.Status.Phase; {
		case phase == "" || phase == velerov1.BackupPhaseNew:
			err = ctl.startBackup(ctx, b)
		case phase == velerov1.BackupPhaseInProgress && ctl.due("backup/"+b.Namespace+"/"+b.Name, ctl.w.opts.Delay):
			err = ctl.finishBackup(ctx, b)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// location is the named storage location, or the default one.
func (ctl *controllers) location(ctx context.Context, ns, name string) (*velerov1.BackupStorageLocation, error) {
	if name != "" {
		return locations.get(ctx, ctl.c.Dynamic, ns, name)
	}
	list, err := locations.list(ctx, ctl.c.Dynamic, ns)
	if err != nil {
		return nil, err
	}
	for _, bsl := range list {
		if bsl.Spec.Default {
			return bsl, nil
		}
	}
	return nil, errNoDefaultLocation
}

func (ctl *controllers) startBackup(ctx context.Context, b *velerov1.Backup) error {
	bsl, err := ctl.location(ctx, b.Namespace, b.Spec.StorageLocation)
	switch {
	case err != nil:
		b.Status.Phase, b.Status.ValidationErrors = velerov1.BackupPhaseFailedValidation, []string{"a BackupStorageLocation CRD with the name specified in the backup spec needs to be created before this backup can be executed. Error: " + err.Error()}
	case bsl.Spec.AccessMode == velerov1.BackupStorageLocationAccessModeReadOnly:
		b.Status.Phase, b.Status.ValidationErrors = velerov1.BackupPhaseFailedValidation, []string{"backup can't be created because backup storage location " + bsl.Name + " is currently in read-only mode"}
	default:
		b.Status.Phase, b.Status.StartTimestamp = velerov1.BackupPhaseInProgress, ctl.now()
	}
	_, err = backups.update(ctx, ctl.c.Dynamic, b)
	return err
}

func (ctl *controllers) finishBackup(ctx context.Context, b *velerov1.Backup) error {
	bsl, err := ctl.location(ctx, b.Namespace, b.Spec.StorageLocation)
	if err != nil {
		return err
	}
	d, err := ctl.capture(ctx, b)
	if err != nil {
		return err
	}
	d.location = bsl.Name
	ctl.w.putBackup(bucketKey(bsl), b.Name, d)
	n := len(d.items) + len(d.namespaces)
	b.Status.Phase, b.Status.CompletionTimestamp = velerov1.BackupPhaseCompleted, ctl.now()
	b.Status.Progress = &velerov1.BackupProgress{TotalItems: n, ItemsBackedUp: n}
	_, err = backups.update(ctx, ctl.c.Dynamic, b)
	return err
}

// capture copies the objects of the backup's namespaces.
func (ctl *controllers) capture(ctx context.Context, b *velerov1.Backup) (*backupData, error) {
	included, excluded := b.Spec.IncludedNamespaces, b.Spec.ExcludedNamespaces
	nss, err := ctl.c.Typed.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	d := &backupData{}
	for _, ns := range nss.Items {
		all := len(included) == 0 || slices.Contains(included, "*")
		if (all || slices.Contains(included, ns.Name)) && !slices.Contains(excluded, ns.Name) {
			d.namespaces = append(d.namespaces, ns.Name)
		}
	}
	for _, gvr := range backedUp {
		r := mustResource(gvr)
		for _, ns := range d.namespaces {
			list, err := ctl.c.Dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, err
			}
			for _, u := range list.Items {
				d.items = append(d.items, backupItem{res: r, obj: u.Object})
			}
		}
	}
	return d, nil
}

// restores run New restores: the backup must be there and Completed;
// after the delay the objects are created with the namespace mapping
// and the change-storage-class ConfigMap applied; what exists is kept
// and counted as a warning.
func (ctl *controllers) restores(ctx context.Context) error {
	list, err := veleroObjects(ctx, ctl, restores)
	if err != nil {
		return err
	}
	for _, r := range list {
		switch phase := r.Status.Phase; {
		case phase == "" || phase == velerov1.RestorePhaseNew:
			err = ctl.startRestore(ctx, r)
		case phase == velerov1.RestorePhaseInProgress && ctl.due("restore/"+r.Namespace+"/"+r.Name, ctl.w.opts.Delay):
			err = ctl.finishRestore(ctx, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (ctl *controllers) startRestore(ctx context.Context, r *velerov1.Restore) error {
	name := r.Spec.BackupName
	b, err := backups.get(ctx, ctl.c.Dynamic, r.Namespace, name)
	if err != nil || b.Status.Phase != velerov1.BackupPhaseCompleted {
		r.Status.Phase, r.Status.ValidationErrors = velerov1.RestorePhaseFailedValidation, []string{"backup " + name + " not found or not completed"}
	} else {
		r.Status.Phase, r.Status.StartTimestamp = velerov1.RestorePhaseInProgress, ctl.now()
	}
	_, err = restores.update(ctx, ctl.c.Dynamic, r)
	return err
}

func (ctl *controllers) finishRestore(ctx context.Context, r *velerov1.Restore) error {
	name := r.Spec.BackupName
	b, err := backups.get(ctx, ctl.c.Dynamic, r.Namespace, name)
	if err != nil {
		return err
	}
	bsl, err := ctl.location(ctx, r.Namespace, b.Spec.StorageLocation)
	if err != nil {
		return err
	}
	d := ctl.w.bucket(bucketKey(bsl))[name]
	r.Status.Phase, r.Status.CompletionTimestamp = velerov1.RestorePhaseCompleted, ctl.now()
	if d == nil {
		r.Status.Phase, r.Status.FailureReason, r.Status.Errors = velerov1.RestorePhaseFailed, "backup "+name+" is not in its bucket", 1
	} else {
		restored, warnings, err := ctl.apply(ctx, r, d)
		if err != nil {
			return err
		}
		r.Status.Warnings = warnings
		r.Status.Progress = &velerov1.RestoreProgress{TotalItems: len(d.items) + len(d.namespaces), ItemsRestored: restored}
	}
	_, err = restores.update(ctx, ctl.c.Dynamic, r)
	return err
}

// apply creates the backup's objects in this cluster.
func (ctl *controllers) apply(ctx context.Context, r *velerov1.Restore, d *backupData) (restored, warnings int, err error) {
	scMap, err := ctl.storageClassMap(ctx, r.Namespace)
	if err != nil {
		return 0, 0, err
	}
	target := func(ns string) string {
		if t, ok := r.Spec.NamespaceMapping[ns]; ok {
			return t
		}
		return ns
	}
	for _, ns := range d.namespaces {
		if err := EnsureNamespace(ctx, ctl.c, target(ns)); err != nil {
			return 0, 0, err
		}
		restored++
	}
	for _, it := range d.items {
		obj := cleanForRestore(it, target, scMap)
		ns, _, _ := unstructured.NestedString(obj, "metadata", "namespace")
		_, err := ctl.c.Dynamic.Resource(it.res.gvr()).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
		switch {
		case apierrors.IsAlreadyExists(err):
			warnings++
		case err != nil:
			return 0, 0, err
		default:
			restored++
		}
	}
	return restored, warnings, nil
}

// storageClassMap reads the change-storage-class plugin's ConfigMap.
func (ctl *controllers) storageClassMap(ctx context.Context, ns string) (map[string]string, error) {
	sel := labels.Set{"velero.io/plugin-config": "", "velero.io/change-storage-class": "RestoreItemAction"}.String()
	cms, err := ctl.c.Typed.CoreV1().ConfigMaps(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil || len(cms.Items) == 0 {
		return nil, err
	}
	return cms.Items[0].Data, nil
}

// cleanForRestore drops what the source cluster assigned and maps the
// namespace and storage class, as Velero's restore does.
func cleanForRestore(it backupItem, target func(string) string, scMap map[string]string) map[string]any {
	o := deepCopy(it.obj)
	m := meta(o)
	for _, k := range []string{"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"} {
		delete(m, k)
	}
	m["namespace"] = target(str(m, "namespace"))
	delete(o, "status")
	spec, _ := o["spec"].(map[string]any)
	switch it.res.name {
	case "services":
		delete(spec, "clusterIP")
		delete(spec, "clusterIPs")
	case "persistentvolumeclaims":
		delete(spec, "volumeName")
		if sc, _ := spec["storageClassName"].(string); scMap[sc] != "" {
			spec["storageClassName"] = scMap[sc]
		}
	}
	return o
}

func lbIngress(ip string) corev1.LoadBalancerIngress { return corev1.LoadBalancerIngress{IP: ip} }

func ingressLB(ip string) networkingv1.IngressLoadBalancerIngress {
	return networkingv1.IngressLoadBalancerIngress{IP: ip}
}
