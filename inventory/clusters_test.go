package inventory_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/kube/kubetest"
	"github.com/scs-migrate/scs-migrate/internal/kubesim"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// TestKubeClusters reads clusters from a real kube-apiserver with the
// real Cluster API and Velero CRDs. The workload cluster of "prod" is
// the same API server, reached through the kubeconfig Secret.
func TestKubeClusters(t *testing.T) {
	env := kubetest.StartT(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mgmt, err := env.Clients("tenant-a")
	if err != nil {
		t.Fatal(err)
	}
	kc, err := env.Kubeconfig("prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	seedTenant(t, ctx, mgmt, kc)

	t.Run("management and workload", func(t *testing.T) {
		got, warnings, err := (&inventory.KubeClusters{Management: mgmt}).Clusters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		checkClusters(t, got, warnings)
	})
	t.Run("all namespaces", func(t *testing.T) {
		got, _, err := (&inventory.KubeClusters{Management: mgmt, AllNamespaces: true}).Clusters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if names := clusterIDs(got); !slices.Equal(names, []string{"tenant-a/dev", "tenant-a/prod", "tenant-b/other"}) {
			t.Errorf("clusters = %v", names)
		}
	})
	t.Run("given kubeconfig wins over the Secret", func(t *testing.T) {
		w, err := kube.OpenBytes(kc)
		if err != nil {
			t.Fatal(err)
		}
		got, warnings, err := (&inventory.KubeClusters{Management: mgmt, Workloads: map[string]*kube.Clients{"dev": w}}).Clusters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Name != "dev" || got[0].Workload == nil {
			t.Errorf("dev's workload was not read through the given kubeconfig: %+v", got[0])
		}
		for _, w := range warnings {
			if strings.Contains(w.Message, "workload cluster tenant-a/dev") {
				t.Errorf("unexpected warning %q", w.Message)
			}
		}
	})
	t.Run("forbidden is a warning", func(t *testing.T) {
		b, err := env.RestrictedKubeconfig("nobody")
		if err != nil {
			t.Fatal(err)
		}
		nobody, err := kube.OpenBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		nobody.Namespace = "tenant-a"
		got, warnings, err := (&inventory.KubeClusters{Management: nobody}).Clusters(ctx)
		if err != nil || len(got) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0].Message, "not readable") {
			t.Errorf("Clusters() = %v, %v, %v; want one warning", got, warnings, err)
		}
	})
	t.Run("collect with the OpenStack side", func(t *testing.T) {
		e := startSim(t, sim.Options{})
		doc, err := inventory.Collect(e.ctx, e.s, inventory.Options{Clusters: &inventory.KubeClusters{Management: mgmt}})
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Clusters) != 2 || doc.Count(inventory.KindClusters) != 2 {
			t.Fatalf("document clusters: %+v", doc.Clusters)
		}
		b, err := json.Marshal(doc.Clusters)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"client-key-data", "BEGIN", "token"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("the document holds %q", secret)
			}
		}
	})
}

// seedTenant makes tenant-a with clusters prod (complete) and dev (no
// class, no kubeconfig), and tenant-b/other.
func seedTenant(t *testing.T, ctx context.Context, mgmt *kube.Clients, kubeconfig []byte) {
	t.Helper()
	must(t, kubesim.SeedManagement(ctx, mgmt, "tenant-a", kubesim.Stack{Class: "openstack-scs2-1-32-v1", KubernetesVersion: "v1.32.5"}))
	must(t, kubesim.SeedManagement(ctx, mgmt, "tenant-b"))
	three, two := int32(3), int32(2)
	must(t, kubesim.SeedCluster(ctx, mgmt, kubesim.Cluster{Namespace: "tenant-a", Name: "prod", Class: "openstack-scs2-1-32-v1",
		Version: "v1.32.5", ControlPlaneReplicas: &three, Labels: map[string]string{"managed-secret": "clouds-yaml"},
		Workers:   []kubesim.MachineDeployment{{Class: "default-worker", Name: "md-0", Replicas: &two}, {Class: "default-worker", Name: "autoscaled"}},
		Variables: map[string]any{"workerFlavor": "SCS-4V-8", "networkExternalID": "ext-1", "controlPlaneRootDisk": 50}}))
	must(t, kubesim.SeedCluster(ctx, mgmt, kubesim.Cluster{Namespace: "tenant-a", Name: "dev", Class: "openstack-scs2-1-31-v0", Version: "v1.31.2"}))
	must(t, kubesim.SeedCluster(ctx, mgmt, kubesim.Cluster{Namespace: "tenant-b", Name: "other", Class: "openstack-scs2-1-32-v1", Version: "v1.32.5"}))
	md := &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{
		"clusterName": "prod", "replicas": int64(5),
		"selector": map[string]any{"matchLabels": map[string]any{"pool": "autoscaled"}},
		"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"pool": "autoscaled"}},
			"spec": map[string]any{"clusterName": "prod", "version": "v1.32.5",
				"bootstrap":         map[string]any{"configRef": map[string]any{"apiGroup": "bootstrap.cluster.x-k8s.io", "kind": "KubeadmConfigTemplate", "name": "x"}},
				"infrastructureRef": map[string]any{"apiGroup": "infrastructure.cluster.x-k8s.io", "kind": "OpenStackMachineTemplate", "name": "x"}}}}}}
	md.SetGroupVersionKind(kube.MachineDeployments.GroupVersion().WithKind("MachineDeployment"))
	md.SetNamespace("tenant-a")
	md.SetName("prod-autoscaled-x7f")
	md.SetLabels(map[string]string{"cluster.x-k8s.io/cluster-name": "prod", "topology.cluster.x-k8s.io/deployment-name": "autoscaled"})
	if _, err := mgmt.Dynamic.Resource(kube.MachineDeployments).Namespace("tenant-a").Create(ctx, md, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create MachineDeployment: %v", err)
	}
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant-a", Name: "prod-kubeconfig"},
		Data: map[string][]byte{"value": kubeconfig}}
	if _, err := mgmt.Typed.CoreV1().Secrets("tenant-a").Create(ctx, sec, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	must(t, kubesim.SeedWorkload(ctx, mgmt, kubesim.Workload{
		Namespaces: []string{"shop"},
		StorageClasses: []kubesim.StorageClass{{Name: "csi-cinder-sc-delete", Provisioner: "cinder.csi.openstack.org", Default: true},
			{Name: "local-path", Provisioner: "rancher.io/local-path"}},
		PVCs: []kubesim.PVC{{Namespace: "shop", Name: "db", StorageClass: "csi-cinder-sc-delete", Size: "10Gi"},
			{Namespace: "shop", Name: "cache", StorageClass: "local-path", Size: "1Gi"}, {Namespace: "shop", Name: "defaulted", Size: "2Gi"}},
		Velero: &kubesim.Velero{Location: kubesim.Location{Name: "default", Provider: "aws", Bucket: "backups", Prefix: "prod", S3URL: "https://s3.example"}},
	}))
}

func checkClusters(t *testing.T, got []inventory.Cluster, warnings []inventory.Warning) {
	t.Helper()
	if ids := clusterIDs(got); !slices.Equal(ids, []string{"tenant-a/dev", "tenant-a/prod"}) {
		t.Fatalf("clusters = %v", ids)
	}
	prod := got[1]
	if prod.Class != "openstack-scs2-1-32-v1" || prod.Version != "v1.32.5" || prod.ControlPlaneReplicas != 3 ||
		prod.Labels["managed-secret"] != "clouds-yaml" || prod.Variables["workerFlavor"] != "SCS-4V-8" {
		t.Errorf("prod = %+v", prod)
	}
	wantWorkers := []inventory.WorkerPool{{Name: "md-0", Class: "default-worker", Replicas: 2}, {Name: "autoscaled", Class: "default-worker", Replicas: 5}}
	if !slices.Equal(prod.Workers, wantWorkers) {
		t.Errorf("workers = %+v, want %+v (the autoscaled pool's replicas from its MachineDeployment)", prod.Workers, wantWorkers)
	}
	w := prod.Workload
	if w == nil {
		t.Fatalf("prod's workload was not read; warnings %v", warnings)
	}
	if !slices.Contains(w.Namespaces, "shop") || w.DefaultStorageClass != "csi-cinder-sc-delete" || !w.Velero || len(w.StorageClasses) != 2 {
		t.Errorf("workload = %+v", w)
	}
	wantPVCs := []inventory.PVC{
		{Namespace: "shop", Name: "cache", StorageClass: "local-path", Size: "1Gi", AccessModes: []string{"ReadWriteOnce"}},
		{Namespace: "shop", Name: "db", StorageClass: "csi-cinder-sc-delete", Size: "10Gi", AccessModes: []string{"ReadWriteOnce"}},
		{Namespace: "shop", Name: "defaulted", Size: "2Gi", AccessModes: []string{"ReadWriteOnce"}},
	}
	if len(w.PVCs) != len(wantPVCs) {
		t.Fatalf("PVCs = %+v", w.PVCs)
	}
	for i := range wantPVCs {
		g, x := w.PVCs[i], wantPVCs[i]
		// The API server's admission may fill in the default class.
		if g.Namespace != x.Namespace || g.Name != x.Name || (x.StorageClass != "" && g.StorageClass != x.StorageClass) ||
			g.Size != x.Size || !slices.Equal(g.AccessModes, x.AccessModes) {
			t.Errorf("PVC %d = %+v, want %+v", i, g, x)
		}
	}
	wantBSL := []inventory.BackupStorageLocation{{Name: "default", Provider: "aws", Bucket: "backups", Prefix: "prod", AccessMode: "ReadWrite"}}
	if !slices.Equal(w.BackupLocations, wantBSL) {
		t.Errorf("locations = %+v", w.BackupLocations)
	}
	dev := got[0]
	if dev.Workload != nil {
		t.Error("dev has no kubeconfig Secret: its workload cannot be read")
	}
	for _, want := range []string{
		"workload cluster tenant-a/dev not read: no kubeconfig: Secret tenant-a/dev-kubeconfig not found",
		"cluster tenant-a/dev: its ClusterClass tenant-a/openstack-scs2-1-31-v0 does not exist",
		"cluster tenant-a/dev: no ClusterStack provides class openstack-scs2-1-31-v0",
	} {
		if !slices.ContainsFunc(warnings, func(w inventory.Warning) bool { return strings.HasPrefix(w.Message, want) }) {
			t.Errorf("no warning %q in %v", want, warnings)
		}
	}
	for _, w := range warnings {
		if strings.Contains(w.Message, "tenant-a/prod") {
			t.Errorf("unexpected warning about prod: %s", w.Message)
		}
	}
}

func clusterIDs(cs []inventory.Cluster) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Namespace+"/"+c.Name)
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
