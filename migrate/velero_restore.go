package migrate

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/plans"
)

// runVeleroRestore waits until the backup reaches the new cluster's
// Velero, restores it with the storage classes and namespaces mapped,
// and reports the new load balancer addresses for DNS.
func (k *Kube) runVeleroRestore(ctx context.Context, sc *StepContext) (Outcome, error) {
	spec, err := k.spec(sc)
	if err != nil {
		return Outcome{}, err
	}
	rec := sc.Journal.Step(string(plans.StepVeleroBackup) + "/" + sc.Step.SourceID)
	backup := rec.Values[valueBackup]
	if rec.State != StateSucceeded || backup == "" {
		return Outcome{}, fmt.Errorf("the backup step of cluster %s has not succeeded", spec.SourceID)
	}
	src, err := k.sourceWorkload(ctx, spec.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	tgt, err := k.targetWorkload(ctx, spec)
	if err != nil {
		return Outcome{}, err
	}
	tv, err := tgt.Velero(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("look for Velero in the new cluster: %w", err)
	}
	if !tv.Installed {
		return Outcome{}, fmt.Errorf("Velero is not installed in the new cluster %s/%s (any more): %s", spec.Namespace, spec.Name, tv.Reason)
	}
	if err := k.waitSynced(ctx, sc, tgt, tv.Namespace, backup, rec.Values[valueTargetBSL]); err != nil {
		return Outcome{}, err
	}
	if err := k.applyStorageClasses(ctx, sc, tgt, tv.Namespace, spec); err != nil {
		return Outcome{}, err
	}
	u, adopted, err := k.startRestore(ctx, sc, tgt, tv.Namespace, backup, spec)
	if err != nil {
		return Outcome{}, err
	}
	r, err := k.waitRestore(ctx, sc, tgt, tv.Namespace, u.GetName())
	if err != nil {
		return Outcome{}, err
	}
	sc.Note("Velero restore %s/%s completed: %d items, %d warnings (velero restore describe %s --details)",
		tv.Namespace, r.Name, restoredItems(r), r.Status.Warnings, r.Name)
	out := Outcome{TargetID: r.Name, Adopted: adopted, Values: map[string]string{valueRestore: r.Name, valueBackup: backup}}
	k.reportAddresses(ctx, sc, src, tgt, spec, excludedNamespaces(tv.Namespace), out.Values)
	return out, nil
}

func restoredItems(r *velerov1.Restore) int {
	if p := r.Status.Progress; p != nil {
		return p.ItemsRestored
	}
	return 0
}

// waitSynced waits until Velero in the new cluster has synced the backup
// from the shared bucket and sees it Completed.
func (k *Kube) waitSynced(ctx context.Context, sc *StepContext, tgt *kube.Clients, ns, backup, location string) error {
	poll := k.wait(sc, k.VeleroTimeout, DefaultVeleroTimeout)
	err := poll.Until(ctx, "backup "+backup+" to reach the new cluster", func(ctx context.Context) (bool, error) {
		u, err := tgt.Dynamic.Resource(kube.Backups).Namespace(ns).Get(ctx, backup, metav1.GetOptions{})
		if kube.IsNotFound(err) {
			k.progress(sc, "waiting for backup %s to sync from location %s into the new cluster's Velero", backup, location)
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("read backup %s/%s in the new cluster: %w", ns, backup, err)
		}
		phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
		return phase == string(velerov1.BackupPhaseCompleted), nil
	})
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("%w: check that location %s of the new cluster is Available (velero backup-location get)", err, location)
	}
	return err
}

// applyStorageClasses writes the storage-class mapping into the
// ConfigMap Velero's change-storage-class plugin reads; the target's
// default class stands in where the plan says "".
func (k *Kube) applyStorageClasses(ctx context.Context, sc *StepContext, tgt *kube.Clients, ns string, spec *plans.ClusterSpec) error {
	if len(spec.StorageClasses) == 0 {
		return nil
	}
	have, def, err := targetStorageClasses(ctx, tgt)
	if err != nil {
		return err
	}
	want := map[string]string{}
	for _, from := range slices.Sorted(maps.Keys(spec.StorageClasses)) {
		to := spec.StorageClasses[from]
		if to == "" {
			if def == "" {
				return fmt.Errorf("the new cluster has no default storage class (scs-0211 asks for one) for the PVCs on %s: "+
					"map it under storageClasses in the mapping file and plan again, or mark one class default", from)
			}
			to = def
		}
		if !slices.Contains(have, to) {
			return fmt.Errorf("storage class %s (for the PVCs on %s) does not exist in the new cluster (it has %s)", to, from, strings.Join(have, ", "))
		}
		if to != from {
			want[from] = to
			sc.Note("PVCs on storage class %s are restored on %s", from, to)
		}
	}
	if len(want) == 0 {
		return nil
	}
	return writeChangeStorageClass(ctx, tgt, ns, want)
}

func targetStorageClasses(ctx context.Context, c *kube.Clients) (names []string, def string, err error) {
	list, err := c.Typed.StorageV1().StorageClasses().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, "", fmt.Errorf("list the new cluster's storage classes: %w", err)
	}
	for i := range list.Items {
		s := &list.Items[i]
		names = append(names, s.Name)
		if kube.IsDefaultStorageClass(s) && (def == "" || s.Name < def) {
			def = s.Name
		}
	}
	slices.Sort(names)
	return names, def, nil
}

// writeChangeStorageClass creates the plugin's ConfigMap, or merges the
// mapping into the one that is there; a conflicting entry is an error.
func writeChangeStorageClass(ctx context.Context, c *kube.Clients, ns string, want map[string]string) error {
	cms := c.Typed.CoreV1().ConfigMaps(ns)
	sel := labels.Set{pluginConfigLabel: "", changeStorageClassLabel: "RestoreItemAction"}.String()
	list, err := cms.List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return fmt.Errorf("list Velero plugin ConfigMaps in %s: %w", ns, err)
	}
	if len(list.Items) == 0 {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: changeStorageClassConfigMap,
			Labels: map[string]string{pluginConfigLabel: "", changeStorageClassLabel: "RestoreItemAction"}}, Data: want}
		if _, err := cms.Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("create ConfigMap %s/%s: %w", ns, changeStorageClassConfigMap, err)
		}
		return nil
	}
	cm := &list.Items[0]
	if cm.Data == nil {
		cm.Data = map[string]string{}
	}
	for from, to := range want {
		if old, ok := cm.Data[from]; ok && old != to {
			return fmt.Errorf("ConfigMap %s/%s already maps storage class %s to %s, the plan to %s: settle it and run migrate again", ns, cm.Name, from, old, to)
		}
		cm.Data[from] = to
	}
	if _, err := cms.Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update ConfigMap %s/%s: %w", ns, cm.Name, err)
	}
	return nil
}

// startRestore creates the step's Restore, or finds the one an earlier
// attempt made; after a failed attempt it starts the next one.
func (k *Kube) startRestore(ctx context.Context, sc *StepContext, c *kube.Clients, ns, backup string, spec *plans.ClusterSpec) (*unstructured.Unstructured, bool, error) {
	prev, n, err := latestAttempt(ctx, sc, c, kube.Restores, ns)
	if err != nil {
		return nil, false, err
	}
	if prev != nil {
		r, err := kube.FromUnstructured[velerov1.Restore](prev)
		if err != nil {
			return nil, false, err
		}
		if !restoreFailed(r.Status.Phase) {
			return prev, true, nil
		}
		sc.Note("restore %s ended %s: %s; starting attempt %d", r.Name, r.Status.Phase, restoreReason(r), n+1)
	}
	yes := true
	r := &velerov1.Restore{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: attemptName(sc, spec.Name, n+1),
		Labels: markerLabels(sc, map[string]string{attemptLabel: strconv.Itoa(n + 1)})},
		Spec: velerov1.RestoreSpec{BackupName: backup, IncludedNamespaces: []string{"*"}, NamespaceMapping: spec.Namespaces,
			RestorePVs: &yes, ExistingResourcePolicy: velerov1.PolicyTypeNone}}
	u, err := kube.ToUnstructured(r, kube.RestoreKind)
	if err != nil {
		return nil, false, err
	}
	created, err := c.Dynamic.Resource(kube.Restores).Namespace(ns).Create(ctx, u, metav1.CreateOptions{})
	if err != nil {
		return nil, false, fmt.Errorf("create Velero restore %s/%s in the new cluster: %w", ns, r.Name, err)
	}
	k.progress(sc, "restore %s of backup %s created", r.Name, backup)
	return created, false, nil
}

func restoreFailed(p velerov1.RestorePhase) bool {
	switch p {
	case velerov1.RestorePhaseFailed, velerov1.RestorePhasePartiallyFailed, velerov1.RestorePhaseFailedValidation:
		return true
	}
	return false
}

func restoreReason(r *velerov1.Restore) string {
	why := cmp.Or(r.Status.FailureReason, strings.Join(r.Status.ValidationErrors, "; "))
	return fmt.Sprintf("%s(%d errors, %d warnings)", cmp.Or(why+" ", ""), r.Status.Errors, r.Status.Warnings)
}

// waitRestore waits until the restore completes; a failed or partly
// failed one is an error with Velero's counts and reason.
func (k *Kube) waitRestore(ctx context.Context, sc *StepContext, c *kube.Clients, ns, name string) (*velerov1.Restore, error) {
	var r *velerov1.Restore
	poll := k.wait(sc, k.VeleroTimeout, DefaultVeleroTimeout)
	err := poll.Until(ctx, "Velero restore "+name+" to complete", func(ctx context.Context) (bool, error) {
		u, err := c.Dynamic.Resource(kube.Restores).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("read restore %s/%s: %w", ns, name, err)
		}
		if r, err = kube.FromUnstructured[velerov1.Restore](u); err != nil {
			return false, err
		}
		items := ""
		if p := r.Status.Progress; p != nil && p.TotalItems > 0 {
			items = fmt.Sprintf(", %d of %d items", p.ItemsRestored, p.TotalItems)
		}
		k.progress(sc, "restore %s: %s%s", name, cmp.Or(string(r.Status.Phase), "New"), items)
		switch {
		case r.Status.Phase == velerov1.RestorePhaseCompleted:
			return true, nil
		case restoreFailed(r.Status.Phase):
			return false, fmt.Errorf("Velero restore %s/%s ended %s: %s; see `velero restore describe %s --details` and `velero restore logs %s` "+
				"in the new cluster; run migrate again to restore again (what exists is kept)", ns, name, r.Status.Phase, restoreReason(r), name, name)
		}
		return false, nil
	})
	return r, err
}
