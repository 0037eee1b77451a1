package migrate

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/plans"
)

// attemptLabel numbers the Backups and Restores of one step: a failed
// one is kept for its logs and the next run makes the next attempt.
const attemptLabel = "scs-migrate.attempt"

// Velero's change-storage-class plugin reads its mapping from a
// ConfigMap in Velero's namespace with these labels.
const (
	changeStorageClassConfigMap = "change-storage-class-config"
	pluginConfigLabel           = "velero.io/plugin-config"
	changeStorageClassLabel     = "velero.io/change-storage-class"
)

// locations are the storage locations of both clusters on one bucket.
type locations struct {
	srcNS, tgtNS string // Velero's namespaces
	src, tgt     velerov1.BackupStorageLocation
}

// veleroLocations checks that both clusters run Velero with a location
// on the same bucket (the target's may be read-only), or says what to do.
func veleroLocations(ctx context.Context, src, tgt *kube.Clients, target string) (*locations, error) {
	sv, err := src.Velero(ctx)
	if err != nil {
		return nil, fmt.Errorf("look for Velero in the source cluster: %w", err)
	}
	if !sv.Installed {
		return nil, fmt.Errorf("Velero is not installed in the source cluster: %s", sv.Reason)
	}
	writable := slices.DeleteFunc(slices.Clone(sv.Locations), func(l velerov1.BackupStorageLocation) bool { return kube.AccessMode(l) == "ReadOnly" })
	if len(writable) == 0 {
		return nil, fmt.Errorf("the source cluster's Velero has no writable BackupStorageLocation")
	}
	slices.SortStableFunc(writable, func(a, b velerov1.BackupStorageLocation) int {
		return cmp.Compare(boolRank(!a.Spec.Default), boolRank(!b.Spec.Default))
	})
	tv, err := tgt.Velero(ctx)
	if err != nil {
		return nil, fmt.Errorf("look for Velero in the new cluster: %w", err)
	}
	if !tv.Installed {
		return nil, fmt.Errorf("Velero is not installed in the new cluster %s (%s). Install it there with the node agent and a "+
			"BackupStorageLocation on the bucket the source writes to, then run migrate again:\n%s", target, tv.Reason, installHint(writable[0]))
	}
	for _, s := range writable {
		for _, t := range tv.Locations {
			if kube.SameBucket(s, t) {
				return &locations{srcNS: sv.Namespace, tgtNS: tv.Namespace, src: s, tgt: t}, nil
			}
		}
	}
	var have []string
	for _, t := range tv.Locations {
		have = append(have, kube.DescribeLocation(t))
	}
	return nil, fmt.Errorf("no BackupStorageLocation of the new cluster %s points at the bucket the source writes to, %s (it has: %s). Add one, read-only is enough:\n%s",
		target, kube.DescribeLocation(writable[0]), cmp.Or(strings.Join(have, "; "), "none"), locationHint(writable[0]))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// installHint is a velero install command line for the target.
func installHint(l velerov1.BackupStorageLocation) string {
	bucket, prefix := kube.Bucket(l)
	cmd := fmt.Sprintf("  velero install --use-node-agent --provider %s --plugins <the %s plugin image> --bucket %s", l.Spec.Provider, l.Spec.Provider, bucket)
	if prefix != "" {
		cmd += " --prefix " + prefix
	}
	if cfg := configFlag(l); cfg != "" {
		cmd += " --backup-location-config " + cfg
	}
	return cmd + " --secret-file <credentials for the bucket>"
}

// locationHint adds a read-only location to an installed Velero.
func locationHint(l velerov1.BackupStorageLocation) string {
	bucket, prefix := kube.Bucket(l)
	cmd := fmt.Sprintf("  velero backup-location create scs-migrate-source --provider %s --bucket %s --access-mode ReadOnly", l.Spec.Provider, bucket)
	if prefix != "" {
		cmd += " --prefix " + prefix
	}
	if cfg := configFlag(l); cfg != "" {
		cmd += " --config " + cfg
	}
	return cmd + " --credential <secret>=<key>"
}

func configFlag(l velerov1.BackupStorageLocation) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(l.Spec.Config)) {
		parts = append(parts, k+"="+l.Spec.Config[k])
	}
	return strings.Join(parts, ",")
}

// excludedNamespaces are left out of the backup: the system namespaces
// and Velero's own.
func excludedNamespaces(veleroNS string) []string {
	out := plans.SystemNamespaces()
	if !slices.Contains(out, veleroNS) {
		out = append(out, veleroNS)
	}
	slices.Sort(out)
	return out
}

// excludedResources are the storage stack of the source: the target's
// KaaS brings its own storage classes and CSI objects.
var excludedResources = []string{"csidrivers.storage.k8s.io", "csinodes.storage.k8s.io", "storageclasses.storage.k8s.io",
	"volumeattachments.storage.k8s.io", "volumesnapshotclasses.snapshot.storage.k8s.io"}

// runVeleroBackup backs the source cluster up with file-system backup of
// its volumes, after checking that the new cluster can read the bucket.
func (k *Kube) runVeleroBackup(ctx context.Context, sc *StepContext) (Outcome, error) {
	spec, err := k.spec(sc)
	if err != nil {
		return Outcome{}, err
	}
	src, err := k.sourceWorkload(ctx, spec.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	tgt, err := k.targetWorkload(ctx, spec)
	if err != nil {
		return Outcome{}, err
	}
	locs, err := veleroLocations(ctx, src, tgt, spec.Namespace+"/"+spec.Name)
	if err != nil {
		return Outcome{}, err
	}
	u, adopted, err := k.startBackup(ctx, sc, src, locs, spec)
	if err != nil {
		return Outcome{}, err
	}
	b, err := k.waitBackup(ctx, sc, src, locs.srcNS, u.GetName())
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{TargetID: b.Name, Adopted: adopted, Values: map[string]string{valueBackup: b.Name,
		valueSourceBSL: locs.src.Name, valueTargetBSL: locs.tgt.Name}}
	items := 0
	if p := b.Status.Progress; p != nil {
		items = p.ItemsBackedUp
	}
	sc.Note("Velero backup %s/%s completed: %d items, volumes by file-system backup, to %s; %d warnings",
		locs.srcNS, b.Name, items, kube.DescribeLocation(locs.src), b.Status.Warnings)
	return out, nil
}

// startBackup creates the step's Backup, or finds the one an earlier
// attempt made; after a failed attempt it starts the next one.
func (k *Kube) startBackup(ctx context.Context, sc *StepContext, src *kube.Clients, locs *locations, spec *plans.ClusterSpec) (*unstructured.Unstructured, bool, error) {
	prev, n, err := latestAttempt(ctx, sc, src, kube.Backups, locs.srcNS)
	if err != nil {
		return nil, false, err
	}
	if prev != nil {
		b, err := kube.FromUnstructured[velerov1.Backup](prev)
		if err != nil {
			return nil, false, err
		}
		if !backupFailed(b.Status.Phase) {
			return prev, true, nil
		}
		sc.Note("backup %s ended %s: %s; starting attempt %d", b.Name, b.Status.Phase, backupReason(b), n+1)
	}
	yes, no := true, false
	b := &velerov1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: locs.srcNS, Name: attemptName(sc, spec.Name, n+1),
		Labels: markerLabels(sc, map[string]string{attemptLabel: strconv.Itoa(n + 1)})},
		Spec: velerov1.BackupSpec{IncludedNamespaces: []string{"*"}, ExcludedNamespaces: excludedNamespaces(locs.srcNS),
			ExcludedResources: slices.Clone(excludedResources),
			StorageLocation:   locs.src.Name, DefaultVolumesToFsBackup: &yes, SnapshotVolumes: &no,
			TTL: metav1.Duration{Duration: 30 * 24 * time.Hour}}}
	u, err := kube.ToUnstructured(b, kube.BackupKind)
	if err != nil {
		return nil, false, err
	}
	created, err := src.Dynamic.Resource(kube.Backups).Namespace(locs.srcNS).Create(ctx, u, metav1.CreateOptions{})
	if err != nil {
		return nil, false, fmt.Errorf("create Velero backup %s/%s in the source cluster: %w", locs.srcNS, b.Name, err)
	}
	k.progress(sc, "backup %s created (file-system backup of volumes to %s)", b.Name, kube.DescribeLocation(locs.src))
	return created, false, nil
}

// attemptName names the Backup or Restore of a step's attempt: the
// cluster, a hash of plan and step, and the attempt after the first.
func attemptName(sc *StepContext, cluster string, n int) string {
	name := fmt.Sprintf("%s-%s", cluster, shortHash(sc.Plan.ID+"/"+sc.Step.ID, 8))
	if n > 1 {
		name += "-" + strconv.Itoa(n)
	}
	return name
}

// latestAttempt finds the newest object of this step (by attempt).
func latestAttempt(ctx context.Context, sc *StepContext, c *kube.Clients, gvr schema.GroupVersionResource, ns string) (*unstructured.Unstructured, int, error) {
	sel := labels.SelectorFromSet(markerLabels(sc, nil)).String()
	list, err := c.Dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
	if err != nil {
		return nil, 0, fmt.Errorf("list %s of this step in %s: %w", gvr.Resource, ns, err)
	}
	var latest *unstructured.Unstructured
	n := 0
	for i := range list.Items {
		a, _ := strconv.Atoi(list.Items[i].GetLabels()[attemptLabel])
		if latest == nil || a > n {
			latest, n = &list.Items[i], a
		}
	}
	return latest, n, nil
}

func backupFailed(p velerov1.BackupPhase) bool {
	switch p {
	case velerov1.BackupPhaseFailed, velerov1.BackupPhasePartiallyFailed, velerov1.BackupPhaseFailedValidation, velerov1.BackupPhaseDeleting:
		return true
	}
	return false
}

func backupReason(b *velerov1.Backup) string {
	why := cmp.Or(b.Status.FailureReason, strings.Join(b.Status.ValidationErrors, "; "))
	return fmt.Sprintf("%s(%d errors, %d warnings)", cmp.Or(why+" ", ""), b.Status.Errors, b.Status.Warnings)
}

// waitBackup waits until the backup completes; a failed one is an
// error with Velero's reason.
func (k *Kube) waitBackup(ctx context.Context, sc *StepContext, c *kube.Clients, ns, name string) (*velerov1.Backup, error) {
	var b *velerov1.Backup
	poll := k.wait(sc, k.VeleroTimeout, DefaultVeleroTimeout)
	err := poll.Until(ctx, "Velero backup "+name+" to complete", func(ctx context.Context) (bool, error) {
		u, err := c.Dynamic.Resource(kube.Backups).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, fmt.Errorf("read backup %s/%s: %w", ns, name, err)
		}
		if b, err = kube.FromUnstructured[velerov1.Backup](u); err != nil {
			return false, err
		}
		k.progress(sc, "backup %s: %s%s", name, cmp.Or(string(b.Status.Phase), "New"), backupItems(b))
		switch {
		case b.Status.Phase == velerov1.BackupPhaseCompleted:
			return true, nil
		case backupFailed(b.Status.Phase):
			return false, fmt.Errorf("Velero backup %s/%s ended %s: %s; see `velero backup describe %s --details` and `velero backup logs %s` "+
				"in the source cluster, fix it and run migrate again (it starts a new backup)", ns, name, b.Status.Phase, backupReason(b), name, name)
		}
		return false, nil
	})
	return b, err
}

func backupItems(b *velerov1.Backup) string {
	if p := b.Status.Progress; p != nil && p.TotalItems > 0 {
		return fmt.Sprintf(", %d of %d items", p.ItemsBackedUp, p.TotalItems)
	}
	return ""
}
