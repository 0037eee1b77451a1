package kubesim

import (
	"context"
	"slices"
	"strings"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/scs-migrate/scs-migrate/internal/kube"
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
var backedUp = []string{"configmaps", "secrets", "services", "persistentvolumeclaims", "deployments", "statefulsets", "ingresses"}

// bucketKey is where a storage location keeps backups.
func bucketKey(bsl *unstructured.Unstructured) string {
	provider, _, _ := unstructured.NestedString(bsl.Object, "spec", "provider")
	if i := strings.LastIndex(provider, "/"); i >= 0 {
		provider = provider[i+1:]
	}
	bucket, _, _ := unstructured.NestedString(bsl.Object, "spec", "objectStorage", "bucket")
	prefix, _, _ := unstructured.NestedString(bsl.Object, "spec", "objectStorage", "prefix")
	url, _, _ := unstructured.NestedString(bsl.Object, "spec", "config", "s3Url")
	return strings.Join([]string{provider, bucket, strings.Trim(prefix, "/"), strings.TrimRight(url, "/")}, "|")
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
func (ctl *controllers) veleroObjects(ctx context.Context, r resource) ([]unstructured.Unstructured, error) {
	vns, err := ctl.veleroNamespaces(ctx)
	if err != nil || len(vns) == 0 {
		return nil, err
	}
	list, err := ctl.c.Dynamic.Resource(gvr(r.group, r.version, r.name)).Namespace("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(list.Items, func(u unstructured.Unstructured) bool { return !vns[u.GetNamespace()] }), nil
}

func mustResource(name string) resource {
	for _, r := range resources {
		if r.name == name {
			return r
		}
	}
	panic("kubesim: no resource " + name)
}

// locations marks storage locations Available and syncs the backups
// their bucket holds into the cluster, a while after they appear there.
func (ctl *controllers) locations(ctx context.Context) error {
	bsls, err := ctl.veleroObjects(ctx, mustResource("backupstoragelocations"))
	if err != nil {
		return err
	}
	for i := range bsls {
		bsl := &bsls[i]
		if phase, _, _ := unstructured.NestedString(bsl.Object, "status", "phase"); phase != "Available" {
			unstructured.SetNestedField(bsl.Object, "Available", "status", "phase")
			unstructured.SetNestedField(bsl.Object, ctl.stamp(), "status", "lastSyncedTime")
			if _, err := ctl.c.Dynamic.Resource(kube.BackupStorageLocations).Namespace(bsl.GetNamespace()).Update(ctx, bsl, metav1.UpdateOptions{}); err != nil {
				return err
			}
		}
		if err := ctl.sync(ctx, bsl); err != nil {
			return err
		}
	}
	return nil
}

func (ctl *controllers) sync(ctx context.Context, bsl *unstructured.Unstructured) error {
	ns := bsl.GetNamespace()
	for name, d := range ctl.w.bucket(bucketKey(bsl)) {
		if !ctl.due("sync/"+ns+"/"+name, ctl.w.opts.Delay) {
			continue
		}
		b := map[string]any{"apiVersion": "velero.io/v1", "kind": "Backup",
			"metadata": map[string]any{"namespace": ns, "name": name, "labels": map[string]any{"velero.io/storage-location": bsl.GetName()}},
			"spec":     map[string]any{"storageLocation": bsl.GetName(), "includedNamespaces": toAny(d.namespaces)},
			"status":   map[string]any{"phase": "Completed", "progress": map[string]any{"totalItems": int64(len(d.items)), "itemsBackedUp": int64(len(d.items))}}}
		if err := createIgnoringExisting(ctx, ctl.c, kube.Backups, ns, b); err != nil {
			return err
		}
	}
	return nil
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// backups run New backups: validation, InProgress, and after the delay
// the namespaces' objects go into the bucket and the phase is Completed.
// Every status change is a plain update.
func (ctl *controllers) backups(ctx context.Context) error {
	list, err := ctl.veleroObjects(ctx, mustResource("backups"))
	if err != nil {
		return err
	}
	for i := range list {
		b := &list[i]
		phase, _, _ := unstructured.NestedString(b.Object, "status", "phase")
		switch {
		case phase == "" || phase == "New":
			err = ctl.startBackup(ctx, b)
		case phase == "InProgress" && ctl.due("backup/"+b.GetNamespace()+"/"+b.GetName(), ctl.w.opts.Delay):
			err = ctl.finishBackup(ctx, b)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (ctl *controllers) location(ctx context.Context, ns, name string) (*unstructured.Unstructured, error) {
	res := ctl.c.Dynamic.Resource(kube.BackupStorageLocations).Namespace(ns)
	if name != "" {
		return res.Get(ctx, name, metav1.GetOptions{})
	}
	list, err := res.List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for i := range list.Items {
		if def, _, _ := unstructured.NestedBool(list.Items[i].Object, "spec", "default"); def {
			return &list.Items[i], nil
		}
	}
	return nil, errNoDefaultLocation
}

func (ctl *controllers) startBackup(ctx context.Context, b *unstructured.Unstructured) error {
	name, _, _ := unstructured.NestedString(b.Object, "spec", "storageLocation")
	bsl, err := ctl.location(ctx, b.GetNamespace(), name)
	switch {
	case err != nil:
		setVeleroStatus(b, "FailedValidation", map[string]any{"validationErrors": []any{"a BackupStorageLocation CRD with the name specified in the backup spec needs to be created before this backup can be executed. Error: " + err.Error()}})
	case kube.AccessMode(mustBSL(bsl)) == "ReadOnly":
		setVeleroStatus(b, "FailedValidation", map[string]any{"validationErrors": []any{"backup can't be created because backup storage location " + bsl.GetName() + " is currently in read-only mode"}})
	default:
		setVeleroStatus(b, "InProgress", map[string]any{"startTimestamp": ctl.stamp()})
	}
	_, err = ctl.c.Dynamic.Resource(kube.Backups).Namespace(b.GetNamespace()).Update(ctx, b, metav1.UpdateOptions{})
	return err
}

func setVeleroStatus(u *unstructured.Unstructured, phase string, extra map[string]any) {
	status, _, _ := unstructured.NestedMap(u.Object, "status")
	if status == nil {
		status = map[string]any{}
	}
	status["phase"] = phase
	for k, v := range extra {
		status[k] = v
	}
	unstructured.SetNestedMap(u.Object, status, "status")
}

func (ctl *controllers) finishBackup(ctx context.Context, b *unstructured.Unstructured) error {
	loc, _, _ := unstructured.NestedString(b.Object, "spec", "storageLocation")
	bsl, err := ctl.location(ctx, b.GetNamespace(), loc)
	if err != nil {
		return err
	}
	d, err := ctl.capture(ctx, b)
	if err != nil {
		return err
	}
	d.location = bsl.GetName()
	ctl.w.putBackup(bucketKey(bsl), b.GetName(), d)
	n := int64(len(d.items) + len(d.namespaces))
	setVeleroStatus(b, "Completed", map[string]any{"completionTimestamp": ctl.stamp(),
		"progress": map[string]any{"totalItems": n, "itemsBackedUp": n}})
	_, err = ctl.c.Dynamic.Resource(kube.Backups).Namespace(b.GetNamespace()).Update(ctx, b, metav1.UpdateOptions{})
	return err
}

// capture copies the objects of the backup's namespaces.
func (ctl *controllers) capture(ctx context.Context, b *unstructured.Unstructured) (*backupData, error) {
	included, _, _ := unstructured.NestedStringSlice(b.Object, "spec", "includedNamespaces")
	excluded, _, _ := unstructured.NestedStringSlice(b.Object, "spec", "excludedNamespaces")
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
	for _, name := range backedUp {
		r := mustResource(name)
		for _, ns := range d.namespaces {
			list, err := ctl.c.Dynamic.Resource(gvr(r.group, r.version, r.name)).Namespace(ns).List(ctx, metav1.ListOptions{})
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
	list, err := ctl.veleroObjects(ctx, mustResource("restores"))
	if err != nil {
		return err
	}
	for i := range list {
		r := &list[i]
		phase, _, _ := unstructured.NestedString(r.Object, "status", "phase")
		switch {
		case phase == "" || phase == "New":
			err = ctl.startRestore(ctx, r)
		case phase == "InProgress" && ctl.due("restore/"+r.GetNamespace()+"/"+r.GetName(), ctl.w.opts.Delay):
			err = ctl.finishRestore(ctx, r)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (ctl *controllers) startRestore(ctx context.Context, r *unstructured.Unstructured) error {
	name, _, _ := unstructured.NestedString(r.Object, "spec", "backupName")
	b, err := ctl.c.Dynamic.Resource(kube.Backups).Namespace(r.GetNamespace()).Get(ctx, name, metav1.GetOptions{})
	phase := ""
	if err == nil {
		phase, _, _ = unstructured.NestedString(b.Object, "status", "phase")
	}
	if phase != "Completed" {
		setVeleroStatus(r, "FailedValidation", map[string]any{"validationErrors": []any{"backup " + name + " not found or not completed"}})
	} else {
		setVeleroStatus(r, "InProgress", map[string]any{"startTimestamp": ctl.stamp()})
	}
	_, err = ctl.c.Dynamic.Resource(kube.Restores).Namespace(r.GetNamespace()).Update(ctx, r, metav1.UpdateOptions{})
	return err
}

func (ctl *controllers) finishRestore(ctx context.Context, r *unstructured.Unstructured) error {
	ns := r.GetNamespace()
	name, _, _ := unstructured.NestedString(r.Object, "spec", "backupName")
	b, err := ctl.c.Dynamic.Resource(kube.Backups).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	loc, _, _ := unstructured.NestedString(b.Object, "spec", "storageLocation")
	bsl, err := ctl.location(ctx, ns, loc)
	if err != nil {
		return err
	}
	d := ctl.w.bucket(bucketKey(bsl))[name]
	status := map[string]any{"completionTimestamp": ctl.stamp()}
	phase := "Completed"
	if d == nil {
		phase, status["failureReason"], status["errors"] = "Failed", "backup "+name+" is not in its bucket", int64(1)
	} else {
		restored, warnings, err := ctl.apply(ctx, r, d)
		if err != nil {
			return err
		}
		status["warnings"] = int64(warnings)
		status["progress"] = map[string]any{"totalItems": int64(len(d.items) + len(d.namespaces)), "itemsRestored": int64(restored)}
	}
	setVeleroStatus(r, phase, status)
	_, err = ctl.c.Dynamic.Resource(kube.Restores).Namespace(ns).Update(ctx, r, metav1.UpdateOptions{})
	return err
}

// apply creates the backup's objects in this cluster.
func (ctl *controllers) apply(ctx context.Context, r *unstructured.Unstructured, d *backupData) (restored, warnings int, err error) {
	nsMap, _, _ := unstructured.NestedStringMap(r.Object, "spec", "namespaceMapping")
	scMap, err := ctl.storageClassMap(ctx, r.GetNamespace())
	if err != nil {
		return 0, 0, err
	}
	target := func(ns string) string {
		if t, ok := nsMap[ns]; ok {
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
		_, err := ctl.c.Dynamic.Resource(gvr(it.res.group, it.res.version, it.res.name)).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
		switch {
		case kube.IsAlreadyExists(err):
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

func mustBSL(u *unstructured.Unstructured) velerov1.BackupStorageLocation {
	b, _ := kube.FromUnstructured[velerov1.BackupStorageLocation](u)
	if b == nil {
		return velerov1.BackupStorageLocation{}
	}
	return *b
}

func lbIngress(ip string) corev1.LoadBalancerIngress { return corev1.LoadBalancerIngress{IP: ip} }

func ingressLB(ip string) networkingv1.IngressLoadBalancerIngress {
	return networkingv1.IngressLoadBalancerIngress{IP: ip}
}
