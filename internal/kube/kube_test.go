package kube_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/kube/kubetest"
)

var env *kubetest.Env

func TestMain(m *testing.M) { os.Exit(kubetest.Main(m, &env)) }

func clients(t *testing.T, ns string) (*kube.Clients, context.Context) {
	t.Helper()
	kubetest.Need(t, env)
	c, err := env.Clients(ns)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	if ns != "" {
		_, err := c.Typed.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{})
		if err != nil && !kube.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	return c, ctx
}

func TestClusterRoundTrip(t *testing.T) {
	c, ctx := clients(t, "kube-rt")
	v, err := c.ClusterAPIVersion(ctx)
	if err != nil || v != "v1beta2" {
		t.Fatalf("ClusterAPIVersion = %q, %v; want v1beta2", v, err)
	}
	three, one := int32(3), int32(1)
	want := &kube.Cluster{Namespace: "kube-rt", Name: "prod", Labels: map[string]string{"managed-secret": "clouds-yaml"},
		Class: "openstack-scs2-1-33-v2", Version: "v1.33.10", ControlPlaneReplicas: &three,
		Workers: []kube.MachineDeploymentTopology{{Class: "default-worker", Name: "md-0", Replicas: &one}},
		Variables: map[string]any{"workerFlavor": "SCS-4V-8", "controlPlaneRootDisk": float64(50),
			"identityRef": map[string]any{"name": "openstack", "cloudName": "openstack"}}}
	u, err := want.Object("v1beta2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Dynamic.Resource(kube.ClustersV1Beta2).Namespace("kube-rt").Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create Cluster on a real apiserver with the real CRD: %v", err)
	}
	got, err := c.GetCluster(ctx, "v1beta2", "kube-rt", "prod")
	if err != nil {
		t.Fatal(err)
	}
	if got.Class != want.Class || got.Version != want.Version || *got.ControlPlaneReplicas != 3 || len(got.Workers) != 1 ||
		*got.Workers[0].Replicas != 1 || got.Variables["workerFlavor"] != "SCS-4V-8" || got.Variables["controlPlaneRootDisk"] != float64(50) {
		t.Errorf("read back %+v", got)
	}
	if got.Available || got.Waiting() != "no conditions reported yet" {
		t.Errorf("a new cluster is not available: %v %q", got.Available, got.Waiting())
	}
}

func TestVeleroAndWorkloadSecret(t *testing.T) {
	c, ctx := clients(t, "velero")
	v, err := c.Velero(ctx)
	if err != nil || v.Installed {
		t.Fatalf("Velero() = %+v, %v; want not installed", v, err)
	}
	bsl := &velerov1.BackupStorageLocation{ObjectMeta: metav1.ObjectMeta{Namespace: "velero", Name: "default"},
		Spec: velerov1.BackupStorageLocationSpec{Provider: "aws", StorageType: velerov1.StorageType{
			ObjectStorage: &velerov1.ObjectStorageLocation{Bucket: "b1", Prefix: "p"}}}}
	u, err := kube.ToUnstructured(bsl, velerov1.SchemeGroupVersion.WithKind("BackupStorageLocation"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Dynamic.Resource(kube.BackupStorageLocations).Namespace("velero").Create(ctx, u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, _ := c.Velero(ctx); v.Installed || v.Reason == "" {
		t.Errorf("without a Deployment Velero is not installed: %+v", v)
	}
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "velero", Name: "velero"}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "velero"}},
		Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "velero"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "velero", Image: "velero/velero:v1.18.3"}}}}}}
	if _, err := c.Typed.AppsV1().Deployments("velero").Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	v, err = c.Velero(ctx)
	if err != nil || !v.Installed || len(v.Locations) != 1 || v.Namespace != "velero" {
		t.Fatalf("Velero() = %+v, %v", v, err)
	}
	other := v.Locations[0]
	other.Spec.AccessMode = velerov1.BackupStorageLocationAccessModeReadOnly
	if !kube.SameBucket(v.Locations[0], other) || kube.AccessMode(other) != "ReadOnly" {
		t.Error("a read-only location on the same bucket is the same bucket")
	}
	other.Spec.ObjectStorage = &velerov1.ObjectStorageLocation{Bucket: "b1", Prefix: "q"}
	if kube.SameBucket(v.Locations[0], other) {
		t.Error("another prefix is another place")
	}

	kc, err := env.Kubeconfig("workload-admin")
	if err != nil {
		t.Fatal(err)
	}
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "velero", Name: kube.KubeconfigSecretName("w1")},
		Data: map[string][]byte{kube.KubeconfigSecretKey: kc}}
	if _, err := c.Typed.CoreV1().Secrets("velero").Create(ctx, sec, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	w, err := c.Workload(ctx, "velero", "w1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Typed.CoreV1().Namespaces().Get(ctx, "velero", metav1.GetOptions{}); err != nil {
		t.Errorf("the workload kubeconfig does not work: %v", err)
	}
	if _, err := c.Workload(ctx, "velero", "missing"); !kube.IsNotFound(err) {
		t.Errorf("missing secret: %v", err)
	}
}

func TestOpenWorkloads(t *testing.T) {
	if c, err := kube.OpenIfGiven("", "", ""); c != nil || err != nil {
		t.Errorf("no flags: %v %v", c, err)
	}
	for _, bad := range []string{"prod", "=x", "prod="} {
		if _, err := kube.OpenWorkloads([]string{bad}); err == nil || !strings.Contains(err.Error(), "want CLUSTER=FILE") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := kube.OpenWorkloads([]string{"prod=/nonexistent/kubeconfig"}); err == nil || !strings.Contains(err.Error(), "workload kubeconfig for prod") {
		t.Errorf("missing file: %v", err)
	}
}
