package kubesim_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/kubesim"
)

func newServer(t *testing.T) (*kube.Clients, context.Context) {
	t.Helper()
	s, err := kubesim.NewServer("test", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := s.Clients("tenant")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	if err := kubesim.EnsureNamespace(ctx, c, "tenant"); err != nil {
		t.Fatal(err)
	}
	return c, ctx
}

// TestServerSemantics checks the API answers client-go relies on:
// discovery, 404 and 409, resourceVersion, generation, and status
// subresources where the real CRDs have them (Velero's have none).
func TestServerSemantics(t *testing.T) {
	c, ctx := newServer(t)
	if v, err := c.Discovery.ServerVersion(); err != nil || v.GitVersion == "" {
		t.Fatalf("version: %v %v", v, err)
	}
	if v, err := c.ClusterAPIVersion(ctx); err != nil || v != "v1beta2" {
		t.Errorf("ClusterAPIVersion = %q, %v", v, err)
	}
	if ok, err := c.Serves(ctx, kube.Backups); err != nil || !ok {
		t.Errorf("Serves(backups) = %v, %v", ok, err)
	}
	if ok, err := c.Serves(ctx, kube.WithVersion(kube.Backups, "v2")); err != nil || ok {
		t.Errorf("Serves(velero v2) = %v, %v", ok, err)
	}
	if _, err := c.Dynamic.Resource(kube.Backups).Namespace("tenant").Get(ctx, "nope", metav1.GetOptions{}); !kube.IsNotFound(err) {
		t.Errorf("get a missing object: %v", err)
	}

	// Secrets: create, conflict, stale update, merge patch, delete.
	secrets := c.Typed.CoreV1().Secrets("tenant")
	s1, err := secrets.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s1", Labels: map[string]string{"a": "b"}},
		StringData: map[string]string{"k": "v"}}, metav1.CreateOptions{})
	if err != nil || s1.UID == "" || s1.ResourceVersion == "" || s1.Generation != 1 {
		t.Fatalf("create: %+v %v", s1, err)
	}
	if _, err := secrets.Create(ctx, s1, metav1.CreateOptions{}); !kube.IsAlreadyExists(err) {
		t.Errorf("create twice: %v", err)
	}
	stale := s1.DeepCopy()
	s1.Labels["c"] = "d"
	s2, err := secrets.Update(ctx, s1, metav1.UpdateOptions{})
	if err != nil || s2.ResourceVersion == s1.ResourceVersion || s2.Generation != 1 {
		t.Errorf("update labels: %+v %v (metadata changes keep the generation)", s2, err)
	}
	if _, err := secrets.Update(ctx, stale, metav1.UpdateOptions{}); !kube.IsConflict(err) {
		t.Errorf("stale update: %v", err)
	}
	p, err := secrets.Patch(ctx, "s1", types.MergePatchType, []byte(`{"metadata":{"labels":{"a":null}}}`), metav1.PatchOptions{})
	if err != nil || p.Labels["a"] != "" || p.Labels["c"] != "d" {
		t.Errorf("merge patch: %v %v", p.Labels, err)
	}
	list, err := secrets.List(ctx, metav1.ListOptions{LabelSelector: "c=d"})
	if err != nil || len(list.Items) != 1 {
		t.Errorf("list by label: %v %v", list, err)
	}
	if _, err := c.Typed.CoreV1().Secrets("missing-ns").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{}); !kube.IsNotFound(err) {
		t.Errorf("create in a missing namespace: %v", err)
	}

	// Cluster: status only through /status; spec changes count.
	one := int32(1)
	if err := kubesim.SeedCluster(ctx, c, kubesim.Cluster{Namespace: "tenant", Name: "c1", Class: "openstack-scs2-1-33-v1", Version: "v1.33.1", ControlPlaneReplicas: &one}); err != nil {
		t.Fatal(err)
	}
	res := c.Dynamic.Resource(clusterv1.GroupVersion.WithResource("clusters")).Namespace("tenant")
	u, _ := res.Get(ctx, "c1", metav1.GetOptions{})
	unstructured.SetNestedField(u.Object, "Provisioned", "status", "phase")
	u, err = res.Update(ctx, u, metav1.UpdateOptions{})
	if phase, _, _ := unstructured.NestedString(u.Object, "status", "phase"); err != nil || phase != "" || u.GetGeneration() != 1 {
		t.Errorf("a plain update must not write a Cluster's status: %q gen %d %v", phase, u.GetGeneration(), err)
	}
	unstructured.SetNestedField(u.Object, "Provisioned", "status", "phase")
	u, err = res.UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if phase, _, _ := unstructured.NestedString(u.Object, "status", "phase"); err != nil || phase != "Provisioned" {
		t.Errorf("UpdateStatus: %q %v", phase, err)
	}
	unstructured.SetNestedField(u.Object, "v1.33.2", "spec", "topology", "version")
	if u, err = res.Update(ctx, u, metav1.UpdateOptions{}); err != nil || u.GetGeneration() != 2 {
		t.Errorf("a spec change bumps the generation: %d %v", u.GetGeneration(), err)
	}

	// Velero: no status subresource; a plain update writes status.
	b := &velerov1.Backup{ObjectMeta: metav1.ObjectMeta{Namespace: "tenant", Name: "b1"}}
	m, _ := runtime.DefaultUnstructuredConverter.ToUnstructured(b)
	bu := &unstructured.Unstructured{Object: m}
	bu.SetGroupVersionKind(velerov1.SchemeGroupVersion.WithKind("Backup"))
	bres := c.Dynamic.Resource(velerov1.SchemeGroupVersion.WithResource("backups")).Namespace("tenant")
	bu, err = bres.Create(ctx, bu, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	unstructured.SetNestedField(bu.Object, "Completed", "status", "phase")
	if _, err := bres.UpdateStatus(ctx, bu, metav1.UpdateOptions{}); !kube.IsNotFound(err) {
		t.Errorf("Backup has no status subresource: UpdateStatus = %v, want NotFound", err)
	}
	bu, err = bres.Update(ctx, bu, metav1.UpdateOptions{})
	if phase, _, _ := unstructured.NestedString(bu.Object, "status", "phase"); err != nil || phase != "Completed" {
		t.Errorf("plain update of a Backup's status: %q %v", phase, err)
	}

	// Deleting a namespace takes its objects.
	if err := c.Typed.CoreV1().Namespaces().Delete(ctx, "tenant", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.Get(ctx, "s1", metav1.GetOptions{}); !kube.IsNotFound(err) {
		t.Errorf("the secret outlived its namespace: %v", err)
	}
	if err := secrets.Delete(ctx, "s1", metav1.DeleteOptions{}); !kube.IsNotFound(err) {
		t.Errorf("delete twice: %v", err)
	}
}

func TestServerNeedsToken(t *testing.T) {
	s, err := kubesim.NewServer("auth", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Clients("")
	if err != nil {
		t.Fatal(err)
	}
	tr := c.Config.TLSClientConfig
	if len(tr.CAData) == 0 {
		t.Fatal("the kubeconfig carries no CA")
	}
	resp, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: nil}}).Get(s.URL() + "/api")
	if err == nil {
		resp.Body.Close()
		t.Error("a client that does not trust the server's certificate got an answer")
	}
}
