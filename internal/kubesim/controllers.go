package kubesim

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

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
		if err != nil && ctx.Err() == nil && !kube.IsConflict(err) && !kube.IsAlreadyExists(err) {
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

func gvr(group, version, name string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: version, Resource: name}
}

// clusters makes new Clusters ready in two stages: infrastructure first,
// then a workload cluster with its kubeconfig Secret, the endpoint and
// the Available condition. The workload clusters of deleted Clusters go.
func (ctl *controllers) clusters(ctx context.Context) error {
	res := ctl.c.Dynamic.Resource(kube.ClustersV1Beta2)
	list, err := res.Namespace("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	live := map[string]bool{}
	for i := range list.Items {
		u := &list.Items[i]
		live[u.GetNamespace()+"/"+u.GetName()] = true
		cl, err := kube.DecodeCluster(u)
		if err != nil {
			return err
		}
		if cl.Available || u.GetDeletionTimestamp() != nil {
			continue
		}
		if err := ctl.provision(ctx, u, cl); err != nil {
			return err
		}
	}
	ctl.w.dropWorkload(ctl.s, live)
	return nil
}

func (ctl *controllers) provision(ctx context.Context, u *unstructured.Unstructured, cl *kube.Cluster) error {
	key, d := "cluster/"+cl.Namespace+"/"+cl.Name, ctl.w.opts.Delay
	if !ctl.due(key, d/2) {
		return nil
	}
	res := ctl.c.Dynamic.Resource(kube.ClustersV1Beta2).Namespace(cl.Namespace)
	if !ctl.due(key, d) {
		if len(cl.Conditions) > 0 {
			return nil
		}
		setConditions(u, ctl.stamp(), [][3]string{{"InfrastructureReady", "True", "Ready"},
			{"ControlPlaneInitialized", "False", "WaitingForControlPlane"}, {"Available", "False", "WaitingForControlPlane"}})
		_, err := res.UpdateStatus(ctx, u, metav1.UpdateOptions{})
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
	sec := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"namespace": cl.Namespace, "name": kube.KubeconfigSecretName(cl.Name),
		"labels": map[string]any{"cluster.x-k8s.io/cluster-name": cl.Name}}, "type": "cluster.x-k8s.io/secret",
		"stringData": map[string]any{kube.KubeconfigSecretKey: string(wl.Kubeconfig("default"))}}
	if err := createIgnoringExisting(ctx, ctl.c, gvr("", "v1", "secrets"), cl.Namespace, sec); err != nil {
		return err
	}
	if cl.Endpoint == "" {
		unstructured.SetNestedMap(u.Object, map[string]any{"host": ctl.w.address(), "port": int64(6443)}, "spec", "controlPlaneEndpoint")
		if u, err = res.Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	setConditions(u, ctl.stamp(), [][3]string{{"InfrastructureReady", "True", "Ready"}, {"ControlPlaneInitialized", "True", "Initialized"},
		{"ControlPlaneAvailable", "True", "Available"}, {"WorkersAvailable", "True", "Available"}, {"Available", "True", "Available"}})
	unstructured.SetNestedField(u.Object, true, "status", "initialization", "infrastructureProvisioned")
	unstructured.SetNestedField(u.Object, true, "status", "initialization", "controlPlaneInitialized")
	unstructured.SetNestedField(u.Object, "Provisioned", "status", "phase")
	_, err = res.UpdateStatus(ctx, u, metav1.UpdateOptions{})
	return err
}

func setConditions(u *unstructured.Unstructured, at string, conds [][3]string) {
	var list []any
	now := at
	for _, c := range conds {
		list = append(list, map[string]any{"type": c[0], "status": c[1], "reason": c[2], "lastTransitionTime": now})
	}
	unstructured.SetNestedSlice(u.Object, list, "status", "conditions")
}

func createIgnoringExisting(ctx context.Context, c *kube.Clients, r schema.GroupVersionResource, ns string, obj map[string]any) error {
	_, err := c.Dynamic.Resource(r).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
	if kube.IsAlreadyExists(err) {
		return nil
	}
	return err
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

// stamp is the world's time as Kubernetes writes it into objects.
func (ctl *controllers) stamp() string { return ctl.w.clock.Now().UTC().Format(time.RFC3339) }
