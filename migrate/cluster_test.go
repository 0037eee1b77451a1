package migrate

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/kube/kubetest"
	"github.com/scs-migrate/scs-migrate/internal/kubesim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// kubeWorld is two real kube-apiservers: the source (management and
// workload cluster in one) and the target, where the workload cluster
// is the same server as the management cluster. The tests play Cluster
// API and Velero: the target Cluster is made ready through its status
// subresource; Backups and Restores, whose CRDs have none, through
// plain updates.
type kubeWorld struct {
	t          *testing.T
	ctx        context.Context
	src, dst   *kubetest.Env
	srcC, dstC *kube.Clients
	dstKC      []byte
	plan       *plans.Plan
	journal    *Journal
	kube       *Kube
	progress   []string
	mu         sync.Mutex
}

// TestKubeSteps runs the cluster, velero-backup and velero-restore
// executors against real API servers with the real CRDs. One top-level
// test starts the two servers once for all of them.
func TestKubeSteps(t *testing.T) {
	kubetest.Require(t)
	w := &kubeWorld{t: t}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); w.src = kubetest.StartT(t) }()
	go func() { defer wg.Done(); w.dst = kubetest.StartT(t) }()
	wg.Wait()
	if w.src == nil || w.dst == nil {
		t.FailNow()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	w.ctx = ctx
	w.setUp()

	t.Run("cluster: no credentials Secret", w.testMissingSecret)
	t.Run("cluster: timeout says what it waits for", w.testClusterTimeout)
	t.Run("cluster: created, ready, adopted again", w.testCluster)
	t.Run("backup: target without Velero", w.testBackupNeedsTargetVelero)
	t.Run("backup: failed, then a new attempt", w.testBackup)
	t.Run("restore: failed, then restored with mappings and DNS report", w.testRestore)
	t.Run("rollback deletes the cluster", w.testRollback)
}

func (w *kubeWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *kubeWorld) setUp() {
	t, ctx := w.t, w.ctx
	var err error
	w.srcC, err = w.src.Clients("tenant-a")
	w.must(err)
	w.dstC, err = w.dst.Clients("tenant-b")
	w.must(err)
	srcKC, err := w.src.Kubeconfig("src-admin")
	w.must(err)
	w.dstKC, err = w.dst.Kubeconfig("dst-admin")
	w.must(err)

	w.must(kubesim.SeedManagement(ctx, w.srcC, "tenant-a", kubesim.Stack{Class: "openstack-scs2-1-32-v1", KubernetesVersion: "v1.32.5"}))
	one := int32(1)
	w.must(kubesim.SeedCluster(ctx, w.srcC, kubesim.Cluster{Namespace: "tenant-a", Name: "prod", Class: "openstack-scs2-1-32-v1", Version: "v1.32.5",
		ControlPlaneReplicas: &one, Workers: []kubesim.MachineDeployment{{Class: "default-worker", Name: "md-0", Replicas: &one}}}))
	w.setEndpoint(w.srcC, "tenant-a", "prod", "203.0.113.1")
	_, err = w.srcC.Typed.CoreV1().Secrets("tenant-a").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-a", Name: "prod-kubeconfig"},
		Data: map[string][]byte{"value": srcKC}}, metav1.CreateOptions{})
	w.must(err)
	w.must(kubesim.SeedWorkload(ctx, w.srcC, kubesim.Workload{
		Namespaces: []string{"shop"},
		StorageClasses: []kubesim.StorageClass{{Name: "local-path", Provisioner: "rancher.io/local-path"},
			{Name: "standard", Provisioner: "cinder.csi.openstack.org", Default: true}},
		PVCs:     []kubesim.PVC{{Namespace: "shop", Name: "db", StorageClass: "local-path", Size: "1Gi"}},
		Services: []kubesim.Service{{Namespace: "shop", Name: "web", Port: 443, LoadBalancer: true, Address: "203.0.113.10"}},
		Velero:   &kubesim.Velero{Location: bucket(false)},
	}))
	w.ingress(w.srcC, "shop", "203.0.113.10")

	w.must(kubesim.SeedManagement(ctx, w.dstC, "tenant-b", kubesim.Stack{Class: "openstack-scs2-1-33-v2", KubernetesVersion: "v1.33.10"}))
	w.must(kubesim.SeedWorkload(ctx, w.dstC, kubesim.Workload{
		StorageClasses: []kubesim.StorageClass{{Name: "csi-cinder", Provisioner: "cinder.csi.openstack.org", Default: true}}}))

	w.plan = kubePlan()
	var jerr error
	w.journal, jerr = CreateJournal(filepath.Join(t.TempDir(), "plan.journal"), w.plan, "p-src", "p-dst", "https://dst")
	w.must(jerr)
	t.Cleanup(func() { w.journal.Close() })
	w.kube = &Kube{Source: w.srcC, Target: w.dstC, ClusterTimeout: 30 * time.Second, VeleroTimeout: 30 * time.Second,
		LoadBalancerTimeout: 5 * time.Second, Progress: func(step, msg string) {
			w.mu.Lock()
			w.progress = append(w.progress, step+": "+msg)
			w.mu.Unlock()
		}}
}

func bucket(readOnly bool) kubesim.Location {
	return kubesim.Location{Name: "default", Provider: "aws", Bucket: "migrate", Prefix: "tenant", S3URL: "https://s3.example", ReadOnly: readOnly}
}

func (w *kubeWorld) setEndpoint(c *kube.Clients, ns, name, host string) {
	w.t.Helper()
	res := c.Dynamic.Resource(kube.ClustersV1Beta2).Namespace(ns)
	u, err := res.Get(w.ctx, name, metav1.GetOptions{})
	w.must(err)
	w.must(unstructured.SetNestedMap(u.Object, map[string]any{"host": host, "port": int64(6443)}, "spec", "controlPlaneEndpoint"))
	_, err = res.Update(w.ctx, u, metav1.UpdateOptions{})
	w.must(err)
}

func (w *kubeWorld) ingress(c *kube.Clients, ns, address string) {
	w.t.Helper()
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "web"},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: "shop.example.com"}}}}
	got, err := c.Typed.NetworkingV1().Ingresses(ns).Create(w.ctx, ing, metav1.CreateOptions{})
	w.must(err)
	got.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: address}}
	_, err = c.Typed.NetworkingV1().Ingresses(ns).UpdateStatus(w.ctx, got, metav1.UpdateOptions{})
	w.must(err)
}

// kubePlan is a plan for tenant-a/prod (and tenant-a/slow) as the
// planner writes it.
func kubePlan() *plans.Plan {
	cluster := func(name string, vars map[string]any) inventory.Cluster {
		return inventory.Cluster{Namespace: "tenant-a", Name: name, Class: "openstack-scs2-1-32-v1", Version: "v1.32.5", ControlPlaneReplicas: 1,
			Workers: []inventory.WorkerPool{{Name: "md-0", Class: "default-worker", Replicas: 1}}, Labels: map[string]string{"managed-secret": "clouds-yaml"},
			Variables: vars, Workload: &inventory.Workload{Namespaces: []string{"shop"}, Velero: true, DefaultStorageClass: "standard",
				PVCs: []inventory.PVC{{Namespace: "shop", Name: "db", StorageClass: "local-path", Size: "1Gi"}}}}
	}
	inv := &inventory.Document{APIVersion: inventory.APIVersion, Kind: inventory.Kind, Clusters: []inventory.Cluster{
		cluster("prod", map[string]any{"workerFlavor": "SCS-4V-8", "networkExternalID": "ext-1", "identityRef": map[string]any{"name": "openstack"}}),
		cluster("slow", map[string]any{}),
		cluster("nosecret", map[string]any{"identityRef": map[string]any{"name": "elsewhere"}}),
	}}
	m := plans.Mappings{
		Flavors: []plans.Mapping{{Kind: "flavor", SourceName: "SCS-2V-4", TargetName: "SCS-2V-4", Action: "map", Rule: "same-name"},
			{Kind: "flavor", SourceName: "SCS-4V-8", TargetName: "SCS-4V-16", Action: "map", Rule: "covering"}},
		ExternalNetworks: []plans.Mapping{{Kind: "external-network", SourceID: "ext-1", SourceName: "public", TargetID: "ext-9", TargetName: "ext-net", Action: "map"}},
		ClusterClasses: []plans.Mapping{{Kind: "cluster-class", SourceName: "openstack-scs2-1-32-v1", TargetID: "tenant-b/openstack-scs2-1-33-v2",
			TargetName: "openstack-scs2-1-33-v2", Action: "map", Rule: "newer-minor"}},
	}
	var steps []plans.Step
	for _, c := range inv.Clusters {
		id := c.Namespace + "/" + c.Name
		m.ClusterClasses = append(m.ClusterClasses,
			plans.Mapping{Kind: "kubernetes-version", SourceID: id, SourceName: "v1.32.5", TargetName: "v1.33", Action: "map", Rule: "class-release"},
			plans.Mapping{Kind: "storage-class", SourceID: id, SourceName: "local-path", Action: "map", Rule: "default"},
			plans.Mapping{Kind: "namespace", SourceID: id, SourceName: "shop", TargetName: "shop-restored", Action: "map", Rule: "override"})
		steps = append(steps,
			plans.Step{ID: "cluster/" + id, Kind: plans.StepCluster, SourceID: id, Name: c.Name, DependsOn: []string{}},
			plans.Step{ID: "velero-backup/" + id, Kind: plans.StepVeleroBackup, SourceID: id, Name: c.Name, DependsOn: []string{"cluster/" + id}},
			plans.Step{ID: "velero-restore/" + id, Kind: plans.StepVeleroRestore, SourceID: id, Name: c.Name, DependsOn: []string{"velero-backup/" + id}})
	}
	return &plans.Plan{APIVersion: plans.APIVersion, Kind: plans.Kind, ID: "plan-0123456789abcdef", Options: plans.Options{Cutover: plans.CutoverCold},
		Mappings: m, Steps: steps, Inventory: inv}
}

// step runs one step the way run.attempt and run.record do.
func (w *kubeWorld) step(id string) (Outcome, []string, error) {
	w.t.Helper()
	reg := Registry{}
	w.kube.Register(reg)
	i := slices.IndexFunc(w.plan.Steps, func(s plans.Step) bool { return s.ID == id })
	s := w.plan.Steps[i]
	before, err := w.journal.UpdateStep(id, func(r *StepRecord) { r.State, r.Attempts = StateRunning, r.Attempts+1 })
	w.must(err)
	g, err := plans.NewGraph(w.plan.Steps)
	w.must(err)
	sc := &StepContext{Step: s, Plan: w.plan, Journal: w.journal, Resume: before.Attempts > 0, Previous: before,
		inv: newIndex(w.plan, g), mark: newMarker(w.plan.ID, id), poll: cloud.Poll{Max: 50 * time.Millisecond, Timeout: 30 * time.Second}}
	out, runErr := reg[s.Kind].Execute(w.ctx, sc)
	_, err = w.journal.UpdateStep(id, func(r *StepRecord) {
		r.State, r.Notes, r.Error = StateSucceeded, sc.Notes(), ""
		if runErr != nil {
			r.State, r.Error = StateFailed, runErr.Error()
			return
		}
		r.TargetID, r.Values, r.Adopted = out.TargetID, out.Values, out.Adopted
	})
	w.must(err)
	return out, sc.Notes(), runErr
}

// eventually polls check until it is done, in the background; the
// returned function waits for it and fails the test on its error.
func (w *kubeWorld) eventually(what string, check func(ctx context.Context) (bool, error)) func() {
	ctx, cancel := context.WithTimeout(w.ctx, 40*time.Second)
	done := make(chan error, 1)
	go func() {
		defer cancel()
		for {
			ok, err := check(ctx)
			if err != nil || ok {
				done <- err
				return
			}
			select {
			case <-ctx.Done():
				done <- fmt.Errorf("%s: %w", what, ctx.Err())
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() {
		w.t.Helper()
		if err := <-done; err != nil {
			w.t.Errorf("playing the controller: %v", err)
		}
	}
}

func (w *kubeWorld) testMissingSecret(t *testing.T) {
	_, _, err := w.step("cluster/tenant-a/nosecret")
	if err == nil || !strings.Contains(err.Error(), "has no Secret elsewhere with the target project's clouds.yaml") ||
		!strings.Contains(err.Error(), "kubectl -n tenant-b create secret generic elsewhere --from-file=clouds.yaml") {
		t.Errorf("err = %v", err)
	}
}

func (w *kubeWorld) testClusterTimeout(t *testing.T) {
	// Cluster API reports that the infrastructure is not there yet.
	wait := w.eventually("mark slow waiting", func(ctx context.Context) (bool, error) {
		return w.setClusterStatus(ctx, "slow", []metav1.Condition{
			{Type: "InfrastructureReady", Status: metav1.ConditionFalse, Reason: "WaitingForInfrastructure", Message: "OpenStackCluster is provisioning"},
			{Type: "Available", Status: metav1.ConditionFalse, Reason: "NotAvailable"}}, false)
	})
	w.kube.ClusterTimeout = 1500 * time.Millisecond
	_, _, err := w.step("cluster/tenant-a/slow")
	w.kube.ClusterTimeout = 30 * time.Second
	wait()
	if err == nil || !errors.Is(err, context.DeadlineExceeded) ||
		!strings.Contains(err.Error(), "still waiting for: InfrastructureReady False (OpenStackCluster is provisioning)") {
		t.Errorf("err = %v", err)
	}
}

// setClusterStatus plays Cluster API on the target: conditions through
// the status subresource; when ready, the endpoint and the kubeconfig
// Secret too. It reports false while the Cluster does not exist.
func (w *kubeWorld) setClusterStatus(ctx context.Context, name string, conds []metav1.Condition, ready bool) (bool, error) {
	res := w.dstC.Dynamic.Resource(kube.ClustersV1Beta2).Namespace("tenant-b")
	u, err := res.Get(ctx, name, metav1.GetOptions{})
	if kube.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if ready {
		unstructured.SetNestedMap(u.Object, map[string]any{"host": "198.51.100.20", "port": int64(6443)}, "spec", "controlPlaneEndpoint")
		if u, err = res.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return false, err
		}
		sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-b", Name: name + "-kubeconfig"}, Data: map[string][]byte{"value": w.dstKC}}
		if _, err := w.dstC.Typed.CoreV1().Secrets("tenant-b").Create(ctx, sec, metav1.CreateOptions{}); err != nil && !kube.IsAlreadyExists(err) {
			return false, err
		}
		unstructured.SetNestedField(u.Object, true, "status", "initialization", "controlPlaneInitialized")
		unstructured.SetNestedField(u.Object, "Provisioned", "status", "phase")
	}
	var list []any
	for _, c := range conds {
		list = append(list, map[string]any{"type": c.Type, "status": string(c.Status), "reason": c.Reason, "message": c.Message,
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339)})
	}
	unstructured.SetNestedSlice(u.Object, list, "status", "conditions")
	_, err = res.UpdateStatus(ctx, u, metav1.UpdateOptions{})
	return err == nil, err
}

func (w *kubeWorld) testCluster(t *testing.T) {
	var created *kube.Cluster
	wait := w.eventually("make prod ready", func(ctx context.Context) (bool, error) {
		ok, err := w.setClusterStatus(ctx, "prod", []metav1.Condition{{Type: "InfrastructureReady", Status: metav1.ConditionTrue, Reason: "Ready"},
			{Type: "ControlPlaneInitialized", Status: metav1.ConditionTrue, Reason: "Initialized"},
			{Type: "Available", Status: metav1.ConditionTrue, Reason: "Available"}}, true)
		if ok {
			created, err = w.dstC.GetCluster(ctx, "v1beta2", "tenant-b", "prod")
		}
		return ok, err
	})
	out, notes, err := w.step("cluster/tenant-a/prod")
	wait()
	if err != nil {
		t.Fatal(err)
	}
	if out.TargetID != "tenant-b/prod" || out.Adopted || out.Values[valueVersion] != "v1.33.10" ||
		out.Values[valueEndpointOld] != "203.0.113.1:6443" || out.Values[valueEndpointNew] != "198.51.100.20:6443" {
		t.Errorf("outcome = %+v", out)
	}
	if !slices.Contains(notes, "API endpoint https://203.0.113.1:6443 → https://198.51.100.20:6443: kubeconfigs, CI pipelines and DNS names that point at the old endpoint must change") {
		t.Errorf("notes = %q", notes)
	}
	if created == nil || created.Class != "openstack-scs2-1-33-v2" || created.Version != "v1.33.10" ||
		created.Variables["workerFlavor"] != "SCS-4V-16" || created.Variables["networkExternalID"] != "ext-9" ||
		created.Labels["managed-secret"] != "clouds-yaml" || created.Labels[MarkerPlanKey] != "plan-0123456789abcdef" ||
		*created.ControlPlaneReplicas != 1 || len(created.Workers) != 1 {
		t.Errorf("created cluster = %+v", created)
	}
	if !slices.ContainsFunc(w.journal.CreatedResources(), func(c Created) bool { return c.Kind == "cluster" && c.ID == "tenant-b/prod" }) {
		t.Error("the journal does not know the cluster")
	}
	w.mu.Lock()
	progress := slices.Clone(w.progress)
	w.mu.Unlock()
	if !slices.ContainsFunc(progress, func(p string) bool {
		return strings.Contains(p, "cluster tenant-b/prod is ready at https://198.51.100.20:6443")
	}) {
		t.Errorf("progress = %q", progress)
	}
	out, _, err = w.step("cluster/tenant-a/prod")
	if err != nil || !out.Adopted {
		t.Errorf("a second run adopts the cluster: %+v, %v", out, err)
	}
}

func (w *kubeWorld) testBackupNeedsTargetVelero(t *testing.T) {
	_, _, err := w.step("velero-backup/tenant-a/prod")
	if err == nil || !strings.Contains(err.Error(), "Velero is not installed in the new cluster tenant-b/prod") ||
		!strings.Contains(err.Error(), "velero install --use-node-agent --provider aws") || !strings.Contains(err.Error(), "--bucket migrate --prefix tenant") {
		t.Errorf("err = %v", err)
	}
	// Another bucket is not good enough either.
	other := bucket(true)
	other.Bucket = "elsewhere"
	w.must(kubesim.InstallVelero(w.ctx, w.dstC, kubesim.Velero{Location: other}))
	_, _, err = w.step("velero-backup/tenant-a/prod")
	if err == nil || !strings.Contains(err.Error(), "points at the bucket the source writes to") ||
		!strings.Contains(err.Error(), "velero backup-location create scs-migrate-source --provider aws --bucket migrate --access-mode ReadOnly --prefix tenant") {
		t.Errorf("err = %v", err)
	}
	bsl, err := w.dstC.Dynamic.Resource(kube.BackupStorageLocations).Namespace("velero").Get(w.ctx, "default", metav1.GetOptions{})
	w.must(err)
	unstructured.SetNestedField(bsl.Object, "migrate", "spec", "objectStorage", "bucket")
	_, err = w.dstC.Dynamic.Resource(kube.BackupStorageLocations).Namespace("velero").Update(w.ctx, bsl, metav1.UpdateOptions{})
	w.must(err)
}

// playBackup finishes the step's backup attempt n with a phase, as
// Velero does: by a plain update (Backup has no status subresource).
func (w *kubeWorld) playBackup(name string, phase velerov1.BackupPhase, check func(*velerov1.Backup)) func() {
	res := w.srcC.Dynamic.Resource(kube.Backups).Namespace("velero")
	return w.eventually("finish backup "+name, func(ctx context.Context) (bool, error) {
		u, err := res.Get(ctx, name, metav1.GetOptions{})
		if kube.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		b, err := kube.FromUnstructured[velerov1.Backup](u)
		if err != nil {
			return false, err
		}
		check(b)
		if _, err := res.UpdateStatus(ctx, u, metav1.UpdateOptions{}); !kube.IsNotFound(err) {
			return false, fmt.Errorf("Velero's Backup has no status subresource, so UpdateStatus must be NotFound: %v", err)
		}
		b.Status = velerov1.BackupStatus{Phase: phase, Progress: &velerov1.BackupProgress{TotalItems: 42, ItemsBackedUp: 42}, Warnings: 1}
		if phase == velerov1.BackupPhasePartiallyFailed {
			b.Status.Errors, b.Status.FailureReason = 3, "pod volume backup failed for shop/db-0"
		}
		u, err = kube.ToUnstructured(b, kube.BackupKind)
		if err != nil {
			return false, err
		}
		_, err = res.Update(ctx, u, metav1.UpdateOptions{})
		return err == nil, err
	})
}

func (w *kubeWorld) testBackup(t *testing.T) {
	sc := &StepContext{Plan: w.plan, Step: plans.Step{ID: "velero-backup/tenant-a/prod"}}
	first, second := attemptName(sc, "prod", 1), attemptName(sc, "prod", 2)
	wait := w.playBackup(first, velerov1.BackupPhasePartiallyFailed, func(b *velerov1.Backup) {
		if b.Spec.DefaultVolumesToFsBackup == nil || !*b.Spec.DefaultVolumesToFsBackup || b.Spec.StorageLocation != "default" ||
			!slices.Equal(b.Spec.IncludedNamespaces, []string{"*"}) || !slices.Equal(b.Spec.ExcludedNamespaces, []string{"kube-node-lease", "kube-public", "kube-system", "velero"}) ||
			!slices.Contains(b.Spec.ExcludedResources, "storageclasses.storage.k8s.io") {
			t.Errorf("backup spec = %+v", b.Spec)
		}
	})
	_, _, err := w.step("velero-backup/tenant-a/prod")
	wait()
	if err == nil || !strings.Contains(err.Error(), "ended PartiallyFailed: pod volume backup failed for shop/db-0 (3 errors, 1 warnings)") ||
		!strings.Contains(err.Error(), "velero backup logs "+first) {
		t.Errorf("err = %v", err)
	}
	wait = w.playBackup(second, velerov1.BackupPhaseCompleted, func(*velerov1.Backup) {})
	out, notes, err := w.step("velero-backup/tenant-a/prod")
	wait()
	if err != nil {
		t.Fatal(err)
	}
	if out.Values[valueBackup] != second || out.Values[valueSourceBSL] != "default" || out.Values[valueTargetBSL] != "default" {
		t.Errorf("outcome = %+v", out)
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, "backup "+first+" ended PartiallyFailed") }) {
		t.Errorf("notes = %q", notes)
	}
}

func (w *kubeWorld) testRestore(t *testing.T) {
	backup := w.journal.Step("velero-backup/tenant-a/prod").Values[valueBackup]
	sc := &StepContext{Plan: w.plan, Step: plans.Step{ID: "velero-restore/tenant-a/prod"}}
	first, second := attemptName(sc, "prod", 1), attemptName(sc, "prod", 2)
	// The backup syncs to the target's Velero a little later.
	sync := w.eventually("sync the backup", func(ctx context.Context) (bool, error) {
		time.Sleep(200 * time.Millisecond)
		b := &velerov1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "velero", Name: backup},
			Status: velerov1.BackupStatus{Phase: velerov1.BackupPhaseCompleted}}
		u, err := kube.ToUnstructured(b, kube.BackupKind)
		if err != nil {
			return false, err
		}
		_, err = w.dstC.Dynamic.Resource(kube.Backups).Namespace("velero").Create(ctx, u, metav1.CreateOptions{})
		return err == nil, err
	})
	wait := w.playRestore(first, velerov1.RestorePhaseFailed, nil)
	_, _, err := w.step("velero-restore/tenant-a/prod")
	sync()
	wait()
	if err == nil || !strings.Contains(err.Error(), "ended Failed: restore failed: boom (1 errors, 0 warnings)") {
		t.Errorf("err = %v", err)
	}
	cm, err := w.dstC.Typed.CoreV1().ConfigMaps("velero").Get(w.ctx, changeStorageClassConfigMap, metav1.GetOptions{})
	if err != nil || cm.Data["local-path"] != "csi-cinder" || cm.Labels[changeStorageClassLabel] != "RestoreItemAction" {
		t.Errorf("change-storage-class ConfigMap = %+v, %v", cm, err)
	}
	wait = w.playRestore(second, velerov1.RestorePhaseCompleted, func(ctx context.Context, r *velerov1.Restore) error {
		if r.Spec.BackupName != backup || r.Spec.NamespaceMapping["shop"] != "shop-restored" || r.Spec.RestorePVs == nil || !*r.Spec.RestorePVs {
			t.Errorf("restore spec = %+v", r.Spec)
		}
		// What Velero restores, with new load balancer addresses.
		if err := kubesim.SeedWorkload(ctx, w.dstC, kubesim.Workload{Namespaces: []string{"shop-restored"},
			Services: []kubesim.Service{{Namespace: "shop-restored", Name: "web", Port: 443, LoadBalancer: true, Address: "198.51.100.30"}}}); err != nil {
			return err
		}
		w.ingress(w.dstC, "shop-restored", "198.51.100.30")
		return nil
	})
	out, notes, err := w.step("velero-restore/tenant-a/prod")
	wait()
	if err != nil {
		t.Fatal(err)
	}
	if out.TargetID != second || out.Values["address.Service/shop/web"] != "203.0.113.10 → 198.51.100.30" {
		t.Errorf("outcome = %+v", out)
	}
	for _, want := range []string{
		"PVCs on storage class local-path are restored on csi-cinder",
		"Service shop/web: load balancer 203.0.113.10 → 198.51.100.30: point the DNS names of 203.0.113.10 at 198.51.100.30",
		"Ingress shop/web: 203.0.113.10 → 198.51.100.30: change the DNS records of shop.example.com",
		"Velero restore velero/" + second + " completed: 7 items, 2 warnings (velero restore describe " + second + " --details)",
	} {
		if !slices.Contains(notes, want) {
			t.Errorf("notes lack %q: %q", want, notes)
		}
	}
}

// playRestore finishes a restore attempt by a plain update, after act
// (what Velero restores).
func (w *kubeWorld) playRestore(name string, phase velerov1.RestorePhase, act func(context.Context, *velerov1.Restore) error) func() {
	res := w.dstC.Dynamic.Resource(kube.Restores).Namespace("velero")
	return w.eventually("finish restore "+name, func(ctx context.Context) (bool, error) {
		u, err := res.Get(ctx, name, metav1.GetOptions{})
		if kube.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		r, err := kube.FromUnstructured[velerov1.Restore](u)
		if err != nil {
			return false, err
		}
		if act != nil {
			if err := act(ctx, r); err != nil {
				return false, err
			}
		}
		r.Status = velerov1.RestoreStatus{Phase: phase, Warnings: 2, Progress: &velerov1.RestoreProgress{TotalItems: 7, ItemsRestored: 7}}
		if phase == velerov1.RestorePhaseFailed {
			r.Status = velerov1.RestoreStatus{Phase: phase, Errors: 1, FailureReason: "restore failed: boom"}
		}
		u, err = kube.ToUnstructured(r, kube.RestoreKind)
		if err != nil {
			return false, err
		}
		_, err = res.Update(ctx, u, metav1.UpdateOptions{})
		return err == nil, err
	})
}

func (w *kubeWorld) testRollback(t *testing.T) {
	deleted, err := w.kube.RollbackClusters(w.ctx, w.journal, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(deleted, func(d string) bool { return strings.Contains(d, "tenant-b/prod") }) {
		t.Errorf("deleted = %q", deleted)
	}
	if _, err := w.dstC.GetCluster(w.ctx, "v1beta2", "tenant-b", "prod"); !kube.IsNotFound(err) {
		t.Errorf("the cluster is still there: %v", err)
	}
	if slices.ContainsFunc(w.journal.CreatedResources(), func(c Created) bool { return c.Kind == "cluster" }) {
		t.Error("the journal still lists the cluster")
	}
}

func TestKubeAddressChanges(t *testing.T) {
	rec := StepRecord{State: StateSucceeded, Values: map[string]string{"address.Service/shop/web": "203.0.113.10 → 198.51.100.30",
		"address.Ingress/shop/web": "203.0.113.10 → ", valueRestore: "r"}}
	got := KubeAddressChanges(plans.Step{Kind: plans.StepVeleroRestore, Name: "prod"}, rec)
	want := []AddressChange{{Old: "203.0.113.10", New: "", Server: "Ingress shop/web"}, {Old: "203.0.113.10", New: "198.51.100.30", Server: "Service shop/web"}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	rec = StepRecord{State: StateSucceeded, Values: map[string]string{valueEndpointOld: "a:6443", valueEndpointNew: "b:6443"}}
	if got := KubeAddressChanges(plans.Step{Kind: plans.StepCluster, Name: "prod"}, rec); len(got) != 1 || got[0].New != "b:6443" {
		t.Errorf("endpoint: %+v", got)
	}
}
