package kube_test

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// clusterV1Beta1 is a Cluster as Cluster API 1.10 serves it at v1beta1:
// topology.class a string, conditions with a severity, and the v1beta2
// conditions under status.v1beta2.
const clusterV1Beta1 = `
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata:
  namespace: tenant-a
  name: prod
  uid: 0b9c6a52-1d1e-4a55-9c39-6f0f7f5f4c11
  resourceVersion: "4711"
  labels: {managed-secret: clouds-yaml}
spec:
  controlPlaneEndpoint: {host: 203.0.113.1, port: 6443}
  topology:
    class: openstack-scs2-1-32-v1
    classNamespace: stacks
    version: v1.32.5
    controlPlane: {replicas: 3}
    workers:
      machineDeployments:
      - {class: default-worker, name: md-0, replicas: 2}
      - {class: default-worker, name: autoscaled}
    variables:
    - {name: workerFlavor, value: SCS-4V-8}
    - {name: identityRef, value: {name: openstack, cloudName: openstack}}
    - {name: dnsNameservers, value: [9.9.9.9]}
status:
  phase: Provisioned
  infrastructureReady: true
  controlPlaneReady: true
  conditions:
  - {type: Ready, status: "False", severity: Warning, reason: WorkersNotReady, lastTransitionTime: "2030-06-15T08:00:00Z"}
  - {type: ControlPlaneInitialized, status: "True", lastTransitionTime: "2030-06-15T08:00:00Z"}
  - {type: InfrastructureReady, status: "True", lastTransitionTime: "2030-06-15T08:00:00Z"}
  - {type: WorkersReady, status: "False", severity: Info, reason: ScalingUp, message: "1 of 2 ready", lastTransitionTime: "2030-06-15T08:00:00Z"}
  v1beta2:
    conditions:
    - {type: Available, status: "True", reason: Available, lastTransitionTime: "2030-06-15T08:00:00Z"}
`

func decodeYAML(t *testing.T, doc string) *kube.Cluster {
	t.Helper()
	// Through JSON, as the dynamic client reads it (whole numbers int64).
	b, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	cl, err := kube.DecodeCluster(u)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func TestDecodeClusterV1Beta1(t *testing.T) {
	cl := decodeYAML(t, clusterV1Beta1)
	three, two := int32(3), int32(2)
	want := &kube.Cluster{Namespace: "tenant-a", Name: "prod", UID: "0b9c6a52-1d1e-4a55-9c39-6f0f7f5f4c11", ResourceVersion: "4711",
		Labels: map[string]string{"managed-secret": "clouds-yaml"}, APIVersion: "v1beta1",
		Class: "openstack-scs2-1-32-v1", ClassNamespace: "stacks", Version: "v1.32.5", ControlPlaneReplicas: &three,
		Workers: []kube.MachineDeploymentTopology{{Class: "default-worker", Name: "md-0", Replicas: &two}, {Class: "default-worker", Name: "autoscaled"}},
		Variables: map[string]any{"workerFlavor": "SCS-4V-8", "identityRef": map[string]any{"name": "openstack", "cloudName": "openstack"},
			"dnsNameservers": []any{"9.9.9.9"}},
		Endpoint: "203.0.113.1:6443", Phase: "Provisioned",
		Conditions: []kube.Condition{{Type: "Ready", Status: "False", Reason: "WorkersNotReady"}, {Type: "ControlPlaneInitialized", Status: "True"},
			{Type: "InfrastructureReady", Status: "True"}, {Type: "WorkersReady", Status: "False", Reason: "ScalingUp", Message: "1 of 2 ready"}},
		// v1beta1's verdict is its Ready condition, not the v1beta2 one.
		Available: false, ControlPlaneInitialized: true}
	if !reflect.DeepEqual(cl, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", cl, want)
	}
	if w := cl.Waiting(); w != "WorkersReady False (1 of 2 ready)" {
		t.Errorf("Waiting() = %q", w)
	}
}

// TestClusterObjectRoundTrip: what Object writes at either version,
// DecodeCluster reads back.
func TestClusterObjectRoundTrip(t *testing.T) {
	three, two := int32(3), int32(2)
	in := &kube.Cluster{Namespace: "tenant-a", Name: "prod", Labels: map[string]string{"managed-secret": "clouds-yaml"},
		Class: "openstack-scs2-1-33-v2", ClassNamespace: "stacks", Version: "v1.33.10", ControlPlaneReplicas: &three,
		Workers: []kube.MachineDeploymentTopology{{Class: "default-worker", Name: "md-0", Replicas: &two}, {Class: "default-worker", Name: "autoscaled"}},
		Variables: map[string]any{"workerFlavor": "SCS-4V-8", "workerRootDisk": float64(50), "ratio": 0.5,
			"identityRef": map[string]any{"name": "openstack"}, "dnsNameservers": []any{"9.9.9.9"}}}
	for _, version := range []string{"v1beta2", "v1beta1"} {
		u, err := in.Object(version)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.GetAPIVersion(); got != "cluster.x-k8s.io/"+version || u.GetKind() != "Cluster" {
			t.Errorf("%s: apiVersion %q kind %q", version, got, u.GetKind())
		}
		// Through JSON, as the API server stores and returns it.
		b, err := u.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if err := u.UnmarshalJSON(b); err != nil {
			t.Fatal(err)
		}
		out, err := kube.DecodeCluster(u)
		if err != nil {
			t.Fatal(err)
		}
		want := *in
		want.APIVersion = version
		if !reflect.DeepEqual(out, &want) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v\nfrom %s", version, out, &want, b)
		}
	}
}
