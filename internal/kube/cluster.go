package kube

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clusterv1beta1 "sigs.k8s.io/cluster-api/api/core/v1beta1"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
)

// Cluster is a Cluster API Cluster in the shape scs-migrate needs,
// whichever API version it was read at.
type Cluster struct {
	Namespace       string
	Name            string
	UID             string
	ResourceVersion string
	Labels          map[string]string
	// APIVersion is the version the object was read at ("v1beta2").
	APIVersion string

	// Class and ClassNamespace name the ClusterClass of the topology;
	// Class is "" for a cluster not built from a class.
	Class          string
	ClassNamespace string
	Version        string
	// Variables are the topology variables, decoded from JSON.
	Variables map[string]any
	// ControlPlaneReplicas is nil when the topology leaves it open.
	ControlPlaneReplicas *int32
	Workers              []MachineDeploymentTopology

	// Endpoint is the control plane endpoint, "" until it is known.
	Endpoint   string
	Phase      string
	Conditions []Condition
	// Available is the cluster's own verdict: the v1beta2 Available
	// condition (Ready for v1beta1) is True.
	Available bool
	// ControlPlaneInitialized says the API server answers.
	ControlPlaneInitialized bool
}

// MachineDeploymentTopology is one worker pool of a topology.
type MachineDeploymentTopology struct {
	Class    string
	Name     string
	Replicas *int32
}

// Condition is a status condition.
type Condition struct {
	Type, Status, Reason, Message string
}

// Cluster API condition types scs-migrate reads.
const (
	ConditionAvailable               = clusterv1.ClusterAvailableCondition
	ConditionReadyV1Beta1            = string(clusterv1beta1.ReadyCondition)
	ConditionControlPlaneInitialized = clusterv1.ClusterControlPlaneInitializedCondition
)

// DecodeCluster reads a Cluster object of either API version, through
// Cluster API's own types.
func DecodeCluster(u *unstructured.Unstructured) (*Cluster, error) {
	if u.GroupVersionKind().Version == "v1beta1" {
		c, err := FromUnstructured[clusterv1beta1.Cluster](u)
		if err != nil {
			return nil, err
		}
		return fromV1Beta1(c)
	}
	c, err := FromUnstructured[clusterv1.Cluster](u)
	if err != nil {
		return nil, err
	}
	return fromV1Beta2(c)
}

func newCluster(m metav1.ObjectMeta, version string) *Cluster {
	return &Cluster{Namespace: m.Namespace, Name: m.Name, UID: string(m.UID), ResourceVersion: m.ResourceVersion,
		Labels: m.Labels, APIVersion: version, Variables: map[string]any{}}
}

func fromV1Beta2(c *clusterv1.Cluster) (*Cluster, error) {
	t := c.Spec.Topology
	out := newCluster(c.ObjectMeta, "v1beta2")
	out.Class, out.ClassNamespace, out.Version = t.ClassRef.Name, t.ClassRef.Namespace, t.Version
	out.ControlPlaneReplicas, out.Phase = t.ControlPlane.Replicas, c.Status.Phase
	for _, v := range t.Variables {
		if err := out.setVariable(v.Name, v.Value.Raw); err != nil {
			return nil, err
		}
	}
	for _, md := range t.Workers.MachineDeployments {
		out.Workers = append(out.Workers, MachineDeploymentTopology{Class: md.Class, Name: md.Name, Replicas: md.Replicas})
	}
	if e := c.Spec.ControlPlaneEndpoint; e.IsValid() {
		out.Endpoint = e.String()
	}
	for _, cd := range c.Status.Conditions {
		out.Conditions = append(out.Conditions, Condition{Type: cd.Type, Status: string(cd.Status), Reason: cd.Reason, Message: cd.Message})
	}
	out.Available = out.conditionTrue(ConditionAvailable)
	init := c.Status.Initialization.ControlPlaneInitialized
	out.ControlPlaneInitialized = init != nil && *init || out.conditionTrue(ConditionControlPlaneInitialized)
	return out, nil
}

// fromV1Beta1 reads a v1beta1 Cluster (Cluster API < 1.11):
// topology.class is a string, conditions carry a severity, and the
// cluster's verdict is its Ready condition.
func fromV1Beta1(c *clusterv1beta1.Cluster) (*Cluster, error) {
	out := newCluster(c.ObjectMeta, "v1beta1")
	out.Phase = c.Status.Phase
	if t := c.Spec.Topology; t != nil {
		out.Class, out.ClassNamespace, out.Version, out.ControlPlaneReplicas = t.Class, t.ClassNamespace, t.Version, t.ControlPlane.Replicas
		for _, v := range t.Variables {
			if err := out.setVariable(v.Name, v.Value.Raw); err != nil {
				return nil, err
			}
		}
		if t.Workers != nil {
			for _, md := range t.Workers.MachineDeployments {
				out.Workers = append(out.Workers, MachineDeploymentTopology{Class: md.Class, Name: md.Name, Replicas: md.Replicas})
			}
		}
	}
	if e := c.Spec.ControlPlaneEndpoint; e.IsValid() {
		out.Endpoint = e.String()
	}
	for _, cd := range c.Status.Conditions {
		out.Conditions = append(out.Conditions, Condition{Type: string(cd.Type), Status: string(cd.Status), Reason: cd.Reason, Message: cd.Message})
	}
	out.Available = out.conditionTrue(ConditionReadyV1Beta1)
	out.ControlPlaneInitialized = c.Status.ControlPlaneReady || out.conditionTrue(ConditionControlPlaneInitialized)
	return out, nil
}

// setVariable decodes a topology variable's JSON value.
func (c *Cluster) setVariable(name string, raw []byte) error {
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("cluster %s/%s: variable %q: %w", c.Namespace, c.Name, name, err)
		}
	}
	c.Variables[name] = v
	return nil
}

func (c *Cluster) conditionTrue(t string) bool {
	for _, cd := range c.Conditions {
		if cd.Type == t {
			return cd.Status == string(metav1.ConditionTrue)
		}
	}
	return false
}

// Waiting describes what the cluster still waits for: its conditions
// that are not True, e.g. "InfrastructureReady: WaitingForInfrastructure".
func (c *Cluster) Waiting() string {
	var parts []string
	for _, cd := range c.Conditions {
		if cd.Status == string(metav1.ConditionTrue) || cd.Type == ConditionAvailable || cd.Type == ConditionReadyV1Beta1 {
			continue
		}
		p := cd.Type + " " + cd.Status
		if r := cmp.Or(cd.Message, cd.Reason); r != "" {
			p += " (" + oneLine(r, 120) + ")"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		if c.Phase != "" {
			return "phase " + c.Phase
		}
		return "no conditions reported yet"
	}
	return strings.Join(parts, "; ")
}

// Object encodes the cluster for creation at the given API version
// ("v1beta2" or "v1beta1"), through Cluster API's types. Variables are
// written sorted by name.
func (c *Cluster) Object(version string) (*unstructured.Unstructured, error) {
	meta := metav1.ObjectMeta{Namespace: c.Namespace, Name: c.Name, Labels: c.Labels}
	var vars []clusterv1.ClusterVariable
	for _, name := range slices.Sorted(maps.Keys(c.Variables)) {
		raw, err := json.Marshal(c.Variables[name])
		if err != nil {
			return nil, fmt.Errorf("cluster %s: variable %q: %w", c.Name, name, err)
		}
		vars = append(vars, clusterv1.ClusterVariable{Name: name, Value: apiextensionsv1.JSON{Raw: raw}})
	}
	if version == "v1beta1" {
		t := &clusterv1beta1.Topology{Class: c.Class, ClassNamespace: c.ClassNamespace, Version: c.Version,
			ControlPlane: clusterv1beta1.ControlPlaneTopology{Replicas: c.ControlPlaneReplicas}}
		if len(c.Workers) > 0 {
			t.Workers = &clusterv1beta1.WorkersTopology{}
		}
		for _, w := range c.Workers {
			t.Workers.MachineDeployments = append(t.Workers.MachineDeployments,
				clusterv1beta1.MachineDeploymentTopology{Class: w.Class, Name: w.Name, Replicas: w.Replicas})
		}
		for _, v := range vars {
			t.Variables = append(t.Variables, clusterv1beta1.ClusterVariable{Name: v.Name, Value: v.Value})
		}
		obj := &clusterv1beta1.Cluster{ObjectMeta: meta, Spec: clusterv1beta1.ClusterSpec{Topology: t}}
		return ToUnstructured(obj, clusterv1beta1.GroupVersion.WithKind("Cluster"))
	}
	obj := &clusterv1.Cluster{ObjectMeta: meta}
	t := &obj.Spec.Topology
	t.ClassRef = clusterv1.ClusterClassRef{Name: c.Class, Namespace: c.ClassNamespace}
	t.Version, t.ControlPlane.Replicas, t.Variables = c.Version, c.ControlPlaneReplicas, vars
	for _, w := range c.Workers {
		t.Workers.MachineDeployments = append(t.Workers.MachineDeployments,
			clusterv1.MachineDeploymentTopology{Class: w.Class, Name: w.Name, Replicas: w.Replicas})
	}
	return ToUnstructured(obj, clusterv1.GroupVersion.WithKind("Cluster"))
}

// GetCluster reads one Cluster at the given API version.
func (c *Clients) GetCluster(ctx context.Context, version, namespace, name string) (*Cluster, error) {
	u, err := c.Dynamic.Resource(WithVersion(ClustersV1Beta2, version)).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return DecodeCluster(u)
}

// ListClusters reads the Clusters of a namespace ("" for all).
func (c *Clients) ListClusters(ctx context.Context, version, namespace string) ([]*Cluster, error) {
	list, err := c.Dynamic.Resource(WithVersion(ClustersV1Beta2, version)).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]*Cluster, 0, len(list.Items))
	for i := range list.Items {
		cl, err := DecodeCluster(&list.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, cl)
	}
	return out, nil
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
