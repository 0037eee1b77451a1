package kubesim

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"

	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// controllers play Cluster API, Velero, the cloud controller manager's
// load balancers and the volume binder for one server. They work
// through client-go against the server, like the real ones: status of
// Clusters, Services and PVCs through /status, status of Velero's
// objects by plain updates (their CRDs have no status subresource).
type controllers struct {
	w      *World
	s      *Server
	c      *kube.Clients
	addons Addons
	seen   map[string]time.Time // object → when a controller first acted on it
}

// roundTimeout bounds one round of the controllers.
const roundTimeout = 10 * time.Second

func (ctl *controllers) loop(stop <-chan struct{}) {
	t := time.NewTicker(ctl.w.opts.Tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), roundTimeout)
			ctl.once(ctx)
			cancel()
		}
	}
}

func (ctl *controllers) once(ctx context.Context) {
	for _, step := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"cluster-api", ctl.clusters}, {"velero locations", ctl.locations}, {"velero backups", ctl.backups},
		{"velero restores", ctl.restores}, {"load balancers", ctl.loadBalancers}, {"volumes", ctl.claims},
	} {
		err := step.run(ctx)
		if err != nil && ctx.Err() == nil && !apierrors.IsConflict(err) && !apierrors.IsAlreadyExists(err) {
			ctl.w.fail(fmt.Errorf("kubesim %s: %s controller: %w", ctl.s.name, step.name, err))
		}
	}
}

// due reports whether the object was first seen at least d ago.
func (ctl *controllers) due(key string, d time.Duration) bool {
	first, ok := ctl.seen[key]
	if !ok {
		ctl.seen[key] = ctl.w.clock.Now()
		return d <= 0
	}
	return ctl.w.clock.Now().Sub(first) >= d
}

// kubeconfigSecretName and kubeconfigSecretKey are where Cluster API
// keeps a workload cluster's admin kubeconfig: secret.Name(cluster,
// secret.Kubeconfig) and secret.KubeconfigDataName of package util/secret
// in sigs.k8s.io/cluster-api, the controllers' module (only its api
// module is a dependency).
func kubeconfigSecretName(cluster string) string { return cluster + "-kubeconfig" }

const kubeconfigSecretKey = "value"

// clusters makes new Clusters ready in two stages: infrastructure first,
// then a workload cluster with its kubeconfig Secret, the endpoint and
// the Available condition. The workload clusters of deleted Clusters go.
func (ctl *controllers) clusters(ctx context.Context) error {
	list, err := clusters.list(ctx, ctl.c.Dynamic, "")
	if err != nil {
		return err
	}
	live := map[string]bool{}
	for _, cl := range list {
		live[cl.Namespace+"/"+cl.Name] = true
		if available(cl) || cl.DeletionTimestamp != nil {
			continue
		}
		if err := ctl.provision(ctx, cl); err != nil {
			return err
		}
	}
	ctl.w.dropWorkload(ctl.s, live)
	return nil
}

func available(cl *clusterv1.Cluster) bool {
	return apimeta.IsStatusConditionTrue(cl.Status.Conditions, clusterv1.ClusterAvailableCondition)
}

func (ctl *controllers) provision(ctx context.Context, cl *clusterv1.Cluster) error {
	key, d := "cluster/"+cl.Namespace+"/"+cl.Name, ctl.w.opts.Delay
	if !ctl.due(key, d/2) {
		return nil
	}
	if !ctl.due(key, d) {
		if len(cl.Status.Conditions) > 0 {
			return nil
		}
		ctl.setConditions(cl, [][3]string{{clusterv1.ClusterInfrastructureReadyCondition, "True", "Ready"},
			{clusterv1.ClusterControlPlaneInitializedCondition, "False", "WaitingForControlPlane"},
			{clusterv1.ClusterAvailableCondition, "False", "WaitingForControlPlane"}})
		_, err := clusters.update(ctx, ctl.c.Dynamic, cl, "status")
		return err
	}
	wl, isNew, err := ctl.w.workloadFor(ctl.s, cl.Namespace, cl.Name)
	if err != nil {
		return err
	}
	if isNew {
		c, err := wl.Clients("default")
		if err == nil {
			err = ctl.addons.setUp(ctx, c)
		}
		if err != nil {
			return err
		}
	}
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: cl.Namespace, Name: kubeconfigSecretName(cl.Name),
		Labels: map[string]string{clusterv1.ClusterNameLabel: cl.Name}}, Type: clusterv1.ClusterSecretType,
		Data: map[string][]byte{kubeconfigSecretKey: wl.Kubeconfig("default")}}
	if err := create(ctl.c.Typed.CoreV1().Secrets(cl.Namespace).Create(ctx, sec, metav1.CreateOptions{})); err != nil {
		return err
	}
	if !cl.Spec.ControlPlaneEndpoint.IsValid() {
		cl.Spec.ControlPlaneEndpoint = clusterv1.APIEndpoint{Host: ctl.w.address(), Port: 6443}
		if cl, err = clusters.update(ctx, ctl.c.Dynamic, cl); err != nil {
			return err
		}
	}
	ctl.setConditions(cl, [][3]string{{clusterv1.ClusterInfrastructureReadyCondition, "True", "Ready"},
		{clusterv1.ClusterControlPlaneInitializedCondition, "True", "Initialized"},
		{clusterv1.ClusterControlPlaneAvailableCondition, "True", "Available"},
		{clusterv1.ClusterWorkersAvailableCondition, "True", "Available"}, {clusterv1.ClusterAvailableCondition, "True", "Available"}})
	yes := true
	cl.Status.Initialization = clusterv1.ClusterInitializationStatus{InfrastructureProvisioned: &yes, ControlPlaneInitialized: &yes}
	cl.Status.Phase = string(clusterv1.ClusterPhaseProvisioned)
	_, err = clusters.update(ctx, ctl.c.Dynamic, cl, "status")
	return err
}

// setConditions replaces the conditions: type, status, reason.
func (ctl *controllers) setConditions(cl *clusterv1.Cluster, conds [][3]string) {
	cl.Status.Conditions = nil
	for _, c := range conds {
		cl.Status.Conditions = append(cl.Status.Conditions, metav1.Condition{Type: c[0], Status: metav1.ConditionStatus(c[1]), Reason: c[2],
			LastTransitionTime: *ctl.now()})
	}
}

// loadBalancers give LoadBalancer Services and Ingresses an address.
func (ctl *controllers) loadBalancers(ctx context.Context) error {
	core := ctl.c.Typed.CoreV1()
	svcs, err := core.Services("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range svcs.Items {
		s := &svcs.Items[i]
		if s.Spec.Type != "LoadBalancer" || len(s.Status.LoadBalancer.Ingress) > 0 || !ctl.due("svc/"+s.Namespace+"/"+s.Name, ctl.w.opts.Delay/3) {
			continue
		}
		s.Status.LoadBalancer.Ingress = append(s.Status.LoadBalancer.Ingress, lbIngress(ctl.w.address()))
		if _, err := core.Services(s.Namespace).UpdateStatus(ctx, s, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	net := ctl.c.Typed.NetworkingV1()
	ings, err := net.Ingresses("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range ings.Items {
		in := &ings.Items[i]
		if len(in.Status.LoadBalancer.Ingress) > 0 || !ctl.due("ing/"+in.Namespace+"/"+in.Name, ctl.w.opts.Delay/3) {
			continue
		}
		in.Status.LoadBalancer.Ingress = append(in.Status.LoadBalancer.Ingress, ingressLB(ctl.w.address()))
		if _, err := net.Ingresses(in.Namespace).UpdateStatus(ctx, in, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// claims bind PVCs at the size they ask for.
func (ctl *controllers) claims(ctx context.Context) error {
	core := ctl.c.Typed.CoreV1()
	pvcs, err := core.PersistentVolumeClaims("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for i := range pvcs.Items {
		p := &pvcs.Items[i]
		if p.Status.Phase == "Bound" {
			continue
		}
		p.Status.Phase = "Bound"
		p.Status.AccessModes = p.Spec.AccessModes
		p.Status.Capacity = p.Spec.Resources.Requests
		if _, err := core.PersistentVolumeClaims(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// errNoDefaultLocation: a backup names no location and none is the default.
var errNoDefaultLocation = errors.New("no default BackupStorageLocation")

// now is the world's time for the objects' timestamps.
func (ctl *controllers) now() *metav1.Time {
	t := metav1.NewTime(ctl.w.clock.Now())
	return &t
}
