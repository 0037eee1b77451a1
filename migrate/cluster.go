package migrate

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/plans"
)

// Defaults of the Kubernetes waits.
const (
	// DefaultClusterTimeout bounds the wait for a new cluster: Cluster
	// API builds networks, a load balancer and nodes.
	DefaultClusterTimeout = 45 * time.Minute
	// DefaultVeleroTimeout bounds each wait for a backup, its sync to
	// the target and a restore (volume data is copied file by file).
	DefaultVeleroTimeout = 4 * time.Hour
	// DefaultLoadBalancerTimeout bounds the wait for the restored
	// LoadBalancer Services to get addresses, for the DNS report; what
	// is still pending then is reported as pending.
	DefaultLoadBalancerTimeout = 10 * time.Minute
)

// Journal kinds and values of the Kubernetes steps.
const (
	createdCluster   = "cluster" // Created.Kind of a target Cluster, ID "namespace/name"
	valueEndpointOld = "endpoint.old"
	valueEndpointNew = "endpoint.new"
	valueVersion     = "version"
	valueBackup      = "backup"
	valueSourceBSL   = "location.source"
	valueTargetBSL   = "location.target"
	valueRestore     = "restore"
)

// Kube is the Kubernetes side of a migration: the KaaS management
// clusters of both clouds and the way to the source's workload
// clusters. Register adds its executors for the cluster, velero-backup
// and velero-restore steps.
type Kube struct {
	// Source and Target are the management clusters; their Namespace is
	// the tenant's namespace there.
	Source, Target *kube.Clients
	// SourceWorkloads are workload clusters opened from kubeconfigs the
	// user gave, by "namespace/name" or "name"; the others are opened
	// through their <cluster>-kubeconfig Secret.
	SourceWorkloads map[string]*kube.Clients
	// ClusterTimeout, VeleroTimeout and LoadBalancerTimeout bound the
	// waits; 0 means the defaults.
	ClusterTimeout, VeleroTimeout, LoadBalancerTimeout time.Duration
	// Progress hears what the waits see (conditions, phases, items), as
	// it changes; nil hears nothing. It must return quickly.
	Progress func(stepID, message string)

	mu   sync.Mutex
	last map[string]string // step → last progress message
}

// Register adds the executors of the Kubernetes steps to reg.
func (k *Kube) Register(reg Registry) {
	reg[plans.StepCluster] = ExecutorFunc(k.runCluster)
	reg[plans.StepVeleroBackup] = ExecutorFunc(k.runVeleroBackup)
	reg[plans.StepVeleroRestore] = ExecutorFunc(k.runVeleroRestore)
}

// progress reports a message once, when it changes.
func (k *Kube) progress(sc *StepContext, format string, args ...any) {
	if k.Progress == nil {
		return
	}
	msg := fmt.Sprintf(format, args...)
	k.mu.Lock()
	if k.last == nil {
		k.last = map[string]string{}
	}
	same := k.last[sc.Step.ID] == msg
	k.last[sc.Step.ID] = msg
	k.mu.Unlock()
	if !same {
		k.Progress(sc.Step.ID, msg)
	}
}

// wait polls like the other executors, with its own timeout.
func (k *Kube) wait(sc *StepContext, timeout, def time.Duration) cloud.Poll {
	p := sc.poll
	p.Timeout = cmp.Or(timeout, def)
	if p.Max == 0 {
		p.Max = DefaultPoll
	}
	return p
}

// labelValue is a value fit for a Kubernetes label.
var labelValue = regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`)

// markerLabels are the marker labels of a step's Kubernetes objects.
func markerLabels(sc *StepContext, own map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range own {
		out[k] = v
	}
	plan := sc.mark.plan
	if len(plan) > 63 || !labelValue.MatchString(plan) {
		plan = "h-" + shortHash(sc.Plan.ID, 32)
	}
	out[MarkerPlanKey], out[MarkerStepKey] = plan, sc.mark.step
	return out
}

// ours reports whether an object carries this step's markers.
func ours(sc *StepContext, labels map[string]string) bool {
	m := markerLabels(sc, nil)
	return labels[MarkerPlanKey] == m[MarkerPlanKey] && labels[MarkerStepKey] == m[MarkerStepKey]
}

func (k *Kube) spec(sc *StepContext) (*plans.ClusterSpec, error) {
	if k.Source == nil || k.Target == nil {
		return nil, fmt.Errorf("step %s needs both KaaS management clusters: give the source's and the target's kubeconfig", sc.Step.ID)
	}
	return plans.ClusterSpecOf(sc.Plan, sc.Step.SourceID)
}

// runCluster creates the target Cluster from the plan and waits until
// it is available and its API answers.
func (k *Kube) runCluster(ctx context.Context, sc *StepContext) (Outcome, error) {
	spec, err := k.spec(sc)
	if err != nil {
		return Outcome{}, err
	}
	tgt := k.Target
	version, err := k.clusterVersion(ctx, sc, spec)
	if err != nil {
		return Outcome{}, err
	}
	apiVersion, err := tgt.ClusterAPIVersion(ctx)
	if err != nil {
		return Outcome{}, fmt.Errorf("read the target's KaaS: %w", err)
	}
	if apiVersion == "" {
		return Outcome{}, fmt.Errorf("the target's management cluster %s serves no Cluster API", tgt.Host)
	}
	if err := k.checkTargetNamespace(ctx, spec, apiVersion); err != nil {
		return Outcome{}, err
	}
	out, err := k.createCluster(ctx, sc, spec, version, apiVersion)
	if err != nil {
		return Outcome{}, err
	}
	cl, err := k.waitCluster(ctx, sc, spec, apiVersion)
	if err != nil {
		return Outcome{}, err
	}
	out.Values = map[string]string{valueVersion: version, valueEndpointNew: cl.Endpoint}
	if old := k.sourceEndpoint(ctx, spec.SourceID); old != "" {
		out.Values[valueEndpointOld] = old
		sc.Note("API endpoint https://%s → https://%s: kubeconfigs, CI pipelines and DNS names that point at the old endpoint must change", old, cl.Endpoint)
	} else {
		sc.Note("API endpoint of the new cluster: https://%s", cl.Endpoint)
	}
	return out, nil
}

// sourceEndpoint is the source cluster's API endpoint, "" if unknown.
func (k *Kube) sourceEndpoint(ctx context.Context, sourceID string) string {
	ns, name, _ := strings.Cut(sourceID, "/")
	version, err := k.Source.ClusterAPIVersion(ctx)
	if err != nil || version == "" {
		return ""
	}
	cl, err := k.Source.GetCluster(ctx, version, ns, name)
	if err != nil {
		return ""
	}
	return cl.Endpoint
}

// clusterVersion is the Kubernetes version to create: the patch release
// the target's ClusterStackRelease ships, or the plan's own version.
func (k *Kube) clusterVersion(ctx context.Context, sc *StepContext, spec *plans.ClusterSpec) (string, error) {
	rel, err := k.Target.ReleaseKubernetesVersion(ctx, spec.Namespace, spec.Class)
	if err != nil {
		return "", err
	}
	planned := spec.Version
	full := strings.Count(planned, ".") == 2
	switch {
	case rel != "" && !sameMinor(rel, planned):
		return "", fmt.Errorf("the target's ClusterStackRelease %s/%s ships Kubernetes %s, not %s as planned: plan again", spec.Namespace, spec.Class, rel, planned)
	case rel != "":
		if rel != planned && full {
			sc.Note("Kubernetes %s instead of %s: the patch release the target's cluster stack ships", rel, planned)
		}
		return rel, nil
	case full:
		return planned, nil
	}
	return "", fmt.Errorf("the target's cluster stack does not say which %s patch release class %s ships (no ClusterStackRelease %s/%s with status.kubernetesVersion)",
		planned, spec.Class, spec.Namespace, spec.Class)
}

func sameMinor(a, b string) bool {
	minor := func(v string) string {
		parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
		if len(parts) < 2 {
			return v
		}
		return parts[0] + "." + parts[1]
	}
	return minor(a) == minor(b)
}

// checkTargetNamespace checks what the new cluster needs in its
// namespace: the ClusterClass and the cloud credentials Secret.
func (k *Kube) checkTargetNamespace(ctx context.Context, spec *plans.ClusterSpec, apiVersion string) error {
	tgt := k.Target
	_, err := tgt.Dynamic.Resource(kube.WithVersion(kube.ClusterClasses, apiVersion)).Namespace(spec.Namespace).Get(ctx, spec.Class, metav1.GetOptions{})
	if kube.IsNotFound(err) {
		return fmt.Errorf("the target's KaaS does not offer ClusterClass %s in namespace %s (any more): plan again", spec.Class, spec.Namespace)
	}
	if err != nil {
		return fmt.Errorf("read ClusterClass %s/%s: %w", spec.Namespace, spec.Class, err)
	}
	secret := credentialsSecret(spec.Variables)
	_, err = tgt.Typed.CoreV1().Secrets(spec.Namespace).Get(ctx, secret, metav1.GetOptions{})
	if kube.IsNotFound(err) {
		return fmt.Errorf("namespace %s on the target's management cluster has no Secret %s with the target project's clouds.yaml: "+
			"create it (kubectl -n %s create secret generic %s --from-file=clouds.yaml), or ask the provider to, and run migrate again",
			spec.Namespace, secret, spec.Namespace, secret)
	}
	if err != nil && !kube.IsForbidden(err) {
		return fmt.Errorf("read Secret %s/%s: %w", spec.Namespace, secret, err)
	}
	return nil
}

// credentialsSecret is the clouds.yaml Secret a cluster stack reads:
// identityRef.name (scs2) or secret_name (scs), "openstack" by default.
func credentialsSecret(vars map[string]any) string {
	if ref, ok := vars["identityRef"].(map[string]any); ok {
		if name, _ := ref["name"].(string); name != "" {
			return name
		}
	}
	if name, _ := vars["secret_name"].(string); name != "" {
		return name
	}
	return "openstack"
}

// createCluster creates the Cluster, or adopts the one an earlier
// attempt of this step made.
func (k *Kube) createCluster(ctx context.Context, sc *StepContext, spec *plans.ClusterSpec, version, apiVersion string) (Outcome, error) {
	id := spec.Namespace + "/" + spec.Name
	out := Outcome{TargetID: id}
	existing, err := k.Target.GetCluster(ctx, apiVersion, spec.Namespace, spec.Name)
	switch {
	case err == nil && ours(sc, existing.Labels):
		out.Adopted = true
		return out, sc.created(createdCluster, spec.SourceID, id, spec.Name, "")
	case err == nil:
		return out, fmt.Errorf("a Cluster %s already exists on the target's KaaS and was not made by this plan: remove it, or migrate into another namespace", id)
	case !kube.IsNotFound(err):
		return out, fmt.Errorf("read Cluster %s on the target: %w", id, err)
	}
	cl := &kube.Cluster{Namespace: spec.Namespace, Name: spec.Name, Labels: markerLabels(sc, spec.Labels), Class: spec.Class,
		Version: version, Variables: spec.Variables}
	if n := spec.ControlPlaneReplicas; n > 0 {
		cl.ControlPlaneReplicas = ptr32(n)
	}
	for _, w := range spec.Workers {
		cl.Workers = append(cl.Workers, kube.MachineDeploymentTopology{Class: w.Class, Name: w.Name, Replicas: ptr32(w.Replicas)})
	}
	u, err := cl.Object(apiVersion)
	if err != nil {
		return out, err
	}
	if _, err := k.Target.Dynamic.Resource(kube.WithVersion(kube.ClustersV1Beta2, apiVersion)).Namespace(spec.Namespace).Create(ctx, u, metav1.CreateOptions{}); err != nil {
		return out, fmt.Errorf("create Cluster %s on the target: %w", id, err)
	}
	k.progress(sc, "Cluster %s created from class %s, Kubernetes %s", id, spec.Class, version)
	return out, sc.created(createdCluster, spec.SourceID, id, spec.Name, "")
}

func ptr32(n int) *int32 {
	v := int32(n)
	return &v
}

// waitCluster waits until the cluster is available and its API answers
// through the kubeconfig Secret Cluster API writes.
func (k *Kube) waitCluster(ctx context.Context, sc *StepContext, spec *plans.ClusterSpec, apiVersion string) (*kube.Cluster, error) {
	id := spec.Namespace + "/" + spec.Name
	var cl *kube.Cluster
	var waiting string
	poll := k.wait(sc, k.ClusterTimeout, DefaultClusterTimeout)
	err := poll.Until(ctx, "cluster "+id+" to become ready", func(ctx context.Context) (bool, error) {
		var err error
		cl, err = k.Target.GetCluster(ctx, apiVersion, spec.Namespace, spec.Name)
		if err != nil {
			return false, fmt.Errorf("read Cluster %s: %w", id, err)
		}
		if !cl.Available || !cl.ControlPlaneInitialized || cl.Endpoint == "" {
			waiting = cl.Waiting()
			k.progress(sc, "cluster %s: %s", id, waiting)
			return false, nil
		}
		w, err := k.Target.Workload(ctx, spec.Namespace, spec.Name)
		if err == nil {
			_, err = w.Discovery.ServerVersion()
		}
		if err != nil {
			waiting = "its API does not answer yet: " + err.Error()
			k.progress(sc, "cluster %s is available; %s", id, waiting)
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		if waiting != "" && ctx.Err() == nil {
			err = fmt.Errorf("%w; still waiting for: %s", err, waiting)
		}
		return nil, err
	}
	k.progress(sc, "cluster %s is ready at https://%s", id, cl.Endpoint)
	return cl, nil
}

// sourceWorkload opens the source cluster's API: a given kubeconfig, or
// its Secret on the source's management cluster.
func (k *Kube) sourceWorkload(ctx context.Context, sourceID string) (*kube.Clients, error) {
	ns, name, _ := strings.Cut(sourceID, "/")
	for _, key := range []string{sourceID, name} {
		if w, ok := k.SourceWorkloads[key]; ok {
			return w, nil
		}
	}
	w, err := k.Source.Workload(ctx, ns, name)
	if err != nil {
		return nil, fmt.Errorf("open the source cluster %s: %w", sourceID, err)
	}
	return w, nil
}

// targetWorkload opens the new cluster's API through its Secret.
func (k *Kube) targetWorkload(ctx context.Context, spec *plans.ClusterSpec) (*kube.Clients, error) {
	w, err := k.Target.Workload(ctx, spec.Namespace, spec.Name)
	if err != nil {
		return nil, fmt.Errorf("open the new cluster %s/%s (its cluster step must have succeeded): %w", spec.Namespace, spec.Name, err)
	}
	return w, nil
}

// RollbackClusters deletes the Clusters plan p made on the target's
// KaaS (Cluster API then deletes their servers, networks and load
// balancers) and waits until they are gone. Backups stay on the source:
// they are the way back. It returns what it deleted.
func (k *Kube) RollbackClusters(ctx context.Context, j *Journal, timeout time.Duration) ([]string, error) {
	var deleted []string
	for _, r := range j.CreatedResources() {
		if r.Cloud != "target" || r.Kind != createdCluster {
			continue
		}
		if k.Target == nil {
			return deleted, fmt.Errorf("the plan made Cluster %s on the target: give the target's KaaS kubeconfig to roll it back", r.ID)
		}
		if err := k.deleteCluster(ctx, r.ID, cmp.Or(timeout, DefaultClusterTimeout)); err != nil {
			return deleted, err
		}
		if err := j.RemoveCreated(r.Cloud, r.Kind, r.ID); err != nil {
			return deleted, err
		}
		deleted = append(deleted, describeCreated(r))
	}
	return deleted, nil
}

func (k *Kube) deleteCluster(ctx context.Context, id string, timeout time.Duration) error {
	ns, name, _ := strings.Cut(id, "/")
	version, err := k.Target.ClusterAPIVersion(ctx)
	if err != nil || version == "" {
		return fmt.Errorf("delete Cluster %s: the target serves no Cluster API (%v)", id, err)
	}
	res := k.Target.Dynamic.Resource(kube.WithVersion(kube.ClustersV1Beta2, version)).Namespace(ns)
	if err := res.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !kube.IsNotFound(err) {
		return fmt.Errorf("delete Cluster %s: %w", id, err)
	}
	poll := cloud.Poll{Max: DefaultPoll, Timeout: timeout}
	return poll.Until(ctx, "Cluster "+id+" to be deleted", func(ctx context.Context) (bool, error) {
		_, err := res.Get(ctx, name, metav1.GetOptions{})
		if kube.IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
}
