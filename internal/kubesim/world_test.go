package kubesim_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/kubesim"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// epoch is the simulated world's clock in the tests: a fixed date, so
// that nothing seen depends on today's.
var epoch = time.Date(2030, 6, 15, 8, 0, 0, 0, time.UTC)

func startExample(t *testing.T, opts kubesim.WorldOptions) (*kubesim.Example, *kube.Clients, *kube.Clients, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	opts.Tick = 10 * time.Millisecond
	if opts.Manual { // a step is a quarter of a transition
		opts.Tick, opts.Clock = opts.Delay/4, clock.NewManual(epoch)
	}
	ex, err := kubesim.NewExample(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ex.Close()
		for _, err := range ex.World.Errors() {
			t.Errorf("simulated controller: %v", err)
		}
	})
	src, dst, err := ex.Clients()
	if err != nil {
		t.Fatal(err)
	}
	return ex, src, dst, ctx
}

// TestExampleInventory: the inventory's collector works against the
// simulated KaaS as against a real kube-apiserver.
func TestExampleInventory(t *testing.T) {
	_, src, dst, ctx := startExample(t, kubesim.WorldOptions{Delay: 50 * time.Millisecond, Manual: true})
	got, warnings, err := (&inventory.KubeClusters{Management: src}).Clusters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 || len(got) != 1 {
		t.Fatalf("clusters %+v, warnings %v", got, warnings)
	}
	shop := got[0]
	w := shop.Workload
	if shop.Class != "openstack-scs2-1-32-v1" || w == nil || !w.Velero || w.DefaultStorageClass != "csi-cinder-sc-delete" ||
		!slices.Contains(w.Namespaces, "monitoring") || len(w.PVCs) != 3 || len(w.BackupLocations) != 1 {
		t.Errorf("shop = %+v, workload %+v", shop, w)
	}
	for _, p := range w.PVCs {
		if p.Name == "prometheus" && p.Size != "20Gi" {
			t.Errorf("prometheus = %+v", p)
		}
	}
	names, err := dst.ClusterClassNames(ctx)
	if err != nil || !slices.Equal(names, []string{"openstack-scs2-1-33-v2", "openstack-scs2-1-33-v3", "openstack-scs2-1-34-v1"}) {
		t.Errorf("target classes = %v, %v", names, err)
	}
}

// TestExampleMigration moves the example cluster with migrate.Run and
// the simulated controllers: the Cluster is created and becomes ready,
// Velero backs up, syncs and restores with the storage classes and
// namespaces mapped, and the step notes say what DNS must change.
//
// The world is stepped by the test, and held while the target cluster
// shows its intermediate state (infrastructure ready, control plane not
// yet initialised) until migrate has reported it: the report is then
// seen however slow the machine.
func TestExampleMigration(t *testing.T) {
	ex, srcK, dstK, ctx := startExample(t, kubesim.WorldOptions{Delay: 200 * time.Millisecond, Manual: true})
	src, dst := openPair(t, ctx)
	inv, err := inventory.Collect(ctx, src, inventory.Options{Clusters: &inventory.KubeClusters{Management: srcK}})
	if err != nil {
		t.Fatal(err)
	}
	plan := examplePlan(inv)
	reg := migrate.Registry{}
	var mu sync.Mutex
	var progress []string
	const intermediate = "ControlPlaneInitialized False"
	reported := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.ContainsFunc(progress, func(p string) bool { return strings.Contains(p, intermediate) })
	}
	k := &migrate.Kube{Source: srcK, Target: dstK, ClusterTimeout: time.Minute, VeleroTimeout: time.Minute, LoadBalancerTimeout: 10 * time.Second,
		Progress: func(step, msg string) {
			mu.Lock()
			progress = append(progress, step+": "+msg)
			mu.Unlock()
		}}
	done := make(chan struct{})
	defer close(done)
	go func() { // the test's hand on the simulated controllers
		for {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
			cl, err := dstK.GetCluster(ctx, "v1beta2", kubesim.ExampleNamespace, "shop")
			if err == nil && len(cl.Conditions) > 0 && !cl.ControlPlaneInitialized && !reported() {
				continue
			}
			ex.World.Step(ctx)
		}
	}()
	k.Register(reg)
	dir := t.TempDir()
	rep, err := migrate.Run(ctx, plan, src, dst, migrate.Options{JournalPath: filepath.Join(dir, "plan.journal"), Registry: reg,
		Poll: 30 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		for _, s := range rep.Steps {
			t.Logf("%s %s %s", s.ID, s.State, s.Error)
		}
		t.Fatal(err)
	}
	var notes []string
	for _, s := range rep.Steps {
		notes = append(notes, s.Notes...)
	}
	for _, want := range []string{"API endpoint https://", "PVCs on storage class local-path are restored on csi-cinder-sc-delete",
		"Service shop/web: load balancer 192.0.2.", "Ingress shop/web: 192.0.2.", "change the DNS records of shop.example.com"} {
		if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, want) }) {
			t.Errorf("no note %q in %q", want, notes)
		}
	}
	if !reported() {
		mu.Lock()
		t.Errorf("the cluster's progress was not reported: %q", progress)
		mu.Unlock()
	}

	cl, err := dstK.GetCluster(ctx, "v1beta2", kubesim.ExampleNamespace, "shop")
	if err != nil || cl.Class != "openstack-scs2-1-33-v3" || cl.Version != "v1.33.10" {
		t.Fatalf("target cluster = %+v, %v", cl, err)
	}
	w, err := dstK.Workload(ctx, kubesim.ExampleNamespace, "shop")
	if err != nil {
		t.Fatal(err)
	}
	uploads, err := w.Typed.CoreV1().PersistentVolumeClaims("shop").Get(ctx, "uploads", metav1.GetOptions{})
	if err != nil || uploads.Spec.StorageClassName == nil || *uploads.Spec.StorageClassName != "csi-cinder-sc-delete" {
		t.Errorf("restored PVC uploads = %+v, %v", uploads, err)
	}
	if _, err := w.Typed.CoreV1().ConfigMaps("shop").Get(ctx, "settings", metav1.GetOptions{}); err != nil {
		t.Errorf("restored ConfigMap: %v", err)
	}
	if _, err := w.Typed.CoreV1().PersistentVolumeClaims("metrics").Get(ctx, "prometheus", metav1.GetOptions{}); err != nil {
		t.Errorf("the namespace mapping monitoring → metrics was not applied: %v", err)
	}
}

// openPair starts the simulated OpenStack clouds migrate.Run needs.
func openPair(t *testing.T, ctx context.Context) (*cloud.Session, *cloud.Session) {
	t.Helper()
	pair, err := sim.NewPair(sim.PairOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	clouds := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := sim.WriteCloudsYAML(clouds, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	open := func(name string) *cloud.Session {
		s, err := cloud.Open(ctx, name, cloud.Options{CloudsFile: clouds})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return open("sim-source"), open("sim-target")
}

// examplePlan is the plan of the example cluster as the planner writes
// it: class 1.32 → 1.33 (newest release), storage classes to the
// target's default, monitoring renamed by a mapping file.
func examplePlan(inv *inventory.Document) *plans.Plan {
	id := kubesim.ExampleNamespace + "/shop"
	m := plans.Mappings{
		Flavors: []plans.Mapping{{Kind: "flavor", SourceName: "SCS-2V-4", TargetName: "SCS-2V-4", Action: "map", Rule: "scs-name"},
			{Kind: "flavor", SourceName: "SCS-4V-16", TargetName: "SCS-4V-16", Action: "map", Rule: "scs-name"}},
		ClusterClasses: []plans.Mapping{
			{Kind: "cluster-class", SourceName: "openstack-scs2-1-32-v1", TargetID: kubesim.ExampleNamespace + "/openstack-scs2-1-33-v3",
				TargetName: "openstack-scs2-1-33-v3", Action: "map", Rule: "newer-minor"},
			{Kind: "kubernetes-version", SourceID: id, SourceName: "v1.32.9", TargetName: "v1.33", Action: "map", Rule: "class-release"},
			{Kind: "storage-class", SourceID: id, SourceName: "csi-cinder-sc-delete", Action: "map", Rule: "default"},
			{Kind: "storage-class", SourceID: id, SourceName: "local-path", Action: "map", Rule: "default"},
			{Kind: "namespace", SourceID: id, SourceName: "monitoring", TargetName: "metrics", Action: "map", Rule: "override"},
		},
	}
	return &plans.Plan{APIVersion: plans.APIVersion, Kind: plans.Kind, ID: "plan-kubesim0000001", Options: plans.Options{Cutover: plans.CutoverCold},
		Mappings: m, Inventory: inv, Steps: []plans.Step{
			{ID: "cluster/" + id, Kind: plans.StepCluster, SourceID: id, Name: "shop", DependsOn: []string{}},
			{ID: "velero-backup/" + id, Kind: plans.StepVeleroBackup, SourceID: id, Name: "shop", DependsOn: []string{"cluster/" + id}},
			{ID: "velero-restore/" + id, Kind: plans.StepVeleroRestore, SourceID: id, Name: "shop", DependsOn: []string{"velero-backup/" + id}},
		}}
}

// TestExamplePlanned plans the example with the real planner and
// migrates it: inventory → target classes → plans.Build → migrate.Run.
func TestExamplePlanned(t *testing.T) {
	_, srcK, dstK, ctx := startExample(t, kubesim.WorldOptions{Delay: 50 * time.Millisecond})
	src, dst := openPair(t, ctx)
	inv, err := inventory.Collect(ctx, src, inventory.Options{Clusters: &inventory.KubeClusters{Management: srcK}})
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := plans.ReadTarget(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	plans.ReadTargetClusterClasses(ctx, tgt, dstK, dstK.Namespace)
	plan, err := plans.Build(inv, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(plan.Steps, func(s plans.Step) bool { return s.Kind == plans.StepCluster }) {
		t.Fatalf("plans.Build planned no cluster step: %+v", plan.Steps)
	}
	if len(plan.Blocked) > 0 {
		t.Fatalf("blocked: %+v", plan.Blocked)
	}
	reg := migrate.DefaultRegistry()
	(&migrate.Kube{Source: srcK, Target: dstK, LoadBalancerTimeout: 10 * time.Second}).Register(reg)
	rep, err := migrate.Run(ctx, plan, src, dst, migrate.Options{JournalPath: filepath.Join(t.TempDir(), "plan.journal"), Registry: reg,
		Poll: 30 * time.Millisecond, Timeout: time.Minute})
	if err != nil {
		for _, s := range rep.Steps {
			t.Logf("%s %s %s", s.ID, s.State, s.Error)
		}
		t.Fatal(err)
	}
	cl, err := dstK.GetCluster(ctx, "v1beta2", kubesim.ExampleNamespace, "shop")
	if err != nil || cl.Class != "openstack-scs2-1-33-v3" || cl.Version != "v1.33.10" || cl.Variables["workerFlavor"] == nil {
		t.Errorf("target cluster = %+v, %v", cl, err)
	}
}
