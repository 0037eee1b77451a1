package kubesim

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apiresource "k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// The seed functions write fixtures through the Kubernetes API, so the
// same fixtures fill a simulated cluster and a real kube-apiserver.

// Stack is a cluster-stack release a KaaS offers a tenant: a
// ClusterClass with the ClusterStack and ClusterStackRelease behind it.
type Stack struct {
	// Class is the ClusterClass name, e.g. "openstack-scs2-1-33-v2".
	Class string
	// KubernetesVersion is the patch release its node images are built
	// for, e.g. "v1.33.10".
	KubernetesVersion string
}

// CloudsSecret is the clouds.yaml Secret cluster stacks read.
const CloudsSecret = "openstack"

// SeedManagement prepares a tenant namespace on a management cluster:
// the clouds.yaml Secret and the stacks.
func SeedManagement(ctx context.Context, c *kube.Clients, ns string, stacks ...Stack) error {
	if err := EnsureNamespace(ctx, c, ns); err != nil {
		return err
	}
	sec := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: CloudsSecret, Labels: map[string]string{"managed-secret": "clouds-yaml"}},
		StringData: map[string]string{"clouds.yaml": "clouds:\n  openstack:\n    auth:\n      auth_url: https://keystone.example/v3\n"}}
	if err := create(c.Typed.CoreV1().Secrets(ns).Create(ctx, sec, metav1.CreateOptions{})); err != nil {
		return fmt.Errorf("seed Secret %s/%s: %w", ns, CloudsSecret, err)
	}
	for _, s := range stacks {
		if err := seedStack(ctx, c, ns, s); err != nil {
			return err
		}
	}
	return nil
}

// EnsureNamespace creates a namespace unless it exists.
func EnsureNamespace(ctx context.Context, c *kube.Clients, ns string) error {
	err := create(c.Typed.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}))
	if err != nil {
		return fmt.Errorf("create namespace %s: %w", ns, err)
	}
	return nil
}

// create ignores AlreadyExists: seeding is idempotent.
func create[T any](_ T, err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

func seedStack(ctx context.Context, c *kube.Clients, ns string, s Stack) error {
	name, err := scs.ParseClusterClassName(s.Class)
	if err != nil {
		return err
	}
	ref := func(apiVersion, kind, name string) clusterv1.ClusterClassTemplateReference {
		return clusterv1.ClusterClassTemplateReference{APIVersion: apiVersion, Kind: kind, Name: name}
	}
	class := &clusterv1.ClusterClass{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: s.Class}, Spec: clusterv1.ClusterClassSpec{
		ControlPlane:   clusterv1.ControlPlaneClass{TemplateRef: ref("controlplane.cluster.x-k8s.io/v1beta2", "KubeadmControlPlaneTemplate", s.Class)},
		Infrastructure: clusterv1.InfrastructureClass{TemplateRef: ref("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackClusterTemplate", s.Class)},
		Workers: clusterv1.WorkersClass{MachineDeployments: []clusterv1.MachineDeploymentClass{{Class: "default-worker",
			Bootstrap:      clusterv1.MachineDeploymentClassBootstrapTemplate{TemplateRef: ref("bootstrap.cluster.x-k8s.io/v1beta2", "KubeadmConfigTemplate", s.Class+"-worker")},
			Infrastructure: clusterv1.MachineDeploymentClassInfrastructureTemplate{TemplateRef: ref("infrastructure.cluster.x-k8s.io/v1beta1", "OpenStackMachineTemplate", s.Class+"-worker")},
		}}},
	}}
	if err := create(clusterClasses.create(ctx, c.Dynamic, class)); err != nil {
		return fmt.Errorf("seed ClusterClass %s/%s: %w", ns, s.Class, err)
	}
	dyn := c.Dynamic
	stacks, releases := clusterStackGroupVersion.WithResource("clusterstacks"), clusterStackGroupVersion.WithResource("clusterstackreleases")
	stackName := fmt.Sprintf("%s-%s-%d-%d", name.Provider, name.Stack, name.K8sMajor, name.K8sMinor)
	stack := unstructuredObject(stacks, "ClusterStack", ns, stackName, map[string]any{
		"provider": name.Provider, "name": name.Stack, "kubernetesVersion": name.KubernetesVersion(),
		"channel": "stable", "versions": []any{name.Version}, "autoSubscribe": false,
	})
	err = create(dyn.Resource(stacks).Namespace(ns).Create(ctx, stack, metav1.CreateOptions{}))
	if err != nil {
		return fmt.Errorf("seed ClusterStack %s/%s: %w", ns, stackName, err)
	}
	release := unstructuredObject(releases, "ClusterStackRelease", ns, s.Class, map[string]any{})
	rel, err := dyn.Resource(releases).Namespace(ns).Create(ctx, release, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed ClusterStackRelease %s/%s: %w", ns, s.Class, err)
	}
	unstructured.SetNestedField(rel.Object, s.KubernetesVersion, "status", "kubernetesVersion")
	unstructured.SetNestedField(rel.Object, true, "status", "ready")
	if _, err := dyn.Resource(releases).Namespace(ns).UpdateStatus(ctx, rel, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("seed ClusterStackRelease %s/%s status: %w", ns, s.Class, err)
	}
	return nil
}

func unstructuredObject(gvr schema.GroupVersionResource, kind, ns, name string, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetGroupVersionKind(gvr.GroupVersion().WithKind(kind))
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

// Cluster is a Cluster a tenant builds from a ClusterClass.
type Cluster struct {
	Namespace, Name string
	Labels          map[string]string
	// Class is the ClusterClass, Version the Kubernetes version.
	Class, Version       string
	ControlPlaneReplicas *int32
	Workers              []MachineDeployment
	// Variables are the topology variables, each written as JSON.
	Variables map[string]any
}

// MachineDeployment is a worker pool of a Cluster's topology.
type MachineDeployment struct {
	Class, Name string
	Replicas    *int32
}

// SeedCluster creates a Cluster on a management cluster, at v1beta2.
func SeedCluster(ctx context.Context, c *kube.Clients, cl Cluster) error {
	obj := &clusterv1.Cluster{ObjectMeta: metav1.ObjectMeta{Namespace: cl.Namespace, Name: cl.Name, Labels: cl.Labels}}
	t := &obj.Spec.Topology
	t.ClassRef.Name, t.Version, t.ControlPlane.Replicas = cl.Class, cl.Version, cl.ControlPlaneReplicas
	for _, w := range cl.Workers {
		t.Workers.MachineDeployments = append(t.Workers.MachineDeployments, clusterv1.MachineDeploymentTopology{Class: w.Class, Name: w.Name, Replicas: w.Replicas})
	}
	for _, name := range slices.Sorted(maps.Keys(cl.Variables)) {
		raw, err := json.Marshal(cl.Variables[name])
		if err != nil {
			return fmt.Errorf("seed Cluster %s/%s: variable %s: %w", cl.Namespace, cl.Name, name, err)
		}
		t.Variables = append(t.Variables, clusterv1.ClusterVariable{Name: name, Value: apiextensionsv1.JSON{Raw: raw}})
	}
	if err := create(clusters.create(ctx, c.Dynamic, obj)); err != nil {
		return fmt.Errorf("seed Cluster %s/%s: %w", cl.Namespace, cl.Name, err)
	}
	return nil
}

// Workload is what runs in a workload cluster.
type Workload struct {
	Namespaces     []string
	StorageClasses []StorageClass
	PVCs           []PVC
	Deployments    []Deployment
	Services       []Service
	Ingresses      []Ingress
	ConfigMaps     []ConfigMap
	// Velero, when set, installs Velero (its namespace, Deployment and
	// storage location; the CRDs must exist).
	Velero *Velero
}

// StorageClass is a storage class to create.
type StorageClass struct {
	Name, Provisioner string
	Default           bool
}

// PVC is a claim; StorageClass "" leaves it to the default class.
type PVC struct {
	Namespace, Name, StorageClass, Size string
}

// Deployment is a one-container deployment.
type Deployment struct {
	Namespace, Name, Image string
	Replicas               int32
	// Claim mounts a PVC at /data.
	Claim string
}

// Service is a Service; LoadBalancer ones get Address as their ingress.
type Service struct {
	Namespace, Name string
	Port            int32
	LoadBalancer    bool
	Address         string
}

// Ingress routes a host name to a Service; Address, when set, is its
// load balancer's.
type Ingress struct {
	Namespace, Name, Host, Service string
	Port                           int32
	Address                        string
}

// ConfigMap is a config map.
type ConfigMap struct {
	Namespace, Name string
	Data            map[string]string
}

// Velero is a Velero installation with one storage location.
type Velero struct {
	Namespace string // Velero's default namespace "velero" when ""
	Location  Location
}

// Location is a BackupStorageLocation.
type Location struct {
	Name, Provider, Bucket, Prefix, S3URL string
	ReadOnly                              bool
}

// SeedWorkload creates a workload's objects.
func SeedWorkload(ctx context.Context, c *kube.Clients, w Workload) error {
	for _, ns := range w.Namespaces {
		if err := EnsureNamespace(ctx, c, ns); err != nil {
			return err
		}
	}
	for _, s := range w.StorageClasses {
		if err := seedStorageClass(ctx, c, s); err != nil {
			return err
		}
	}
	for _, p := range w.PVCs {
		if err := seedPVC(ctx, c, p); err != nil {
			return err
		}
	}
	for _, d := range w.Deployments {
		if err := create(c.Typed.AppsV1().Deployments(d.Namespace).Create(ctx, deployment(d), metav1.CreateOptions{})); err != nil {
			return fmt.Errorf("seed Deployment %s/%s: %w", d.Namespace, d.Name, err)
		}
	}
	for _, s := range w.Services {
		if err := seedService(ctx, c, s); err != nil {
			return err
		}
	}
	for _, i := range w.Ingresses {
		if err := seedIngress(ctx, c, i); err != nil {
			return err
		}
	}
	for _, m := range w.ConfigMaps {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: m.Namespace, Name: m.Name}, Data: m.Data}
		if err := create(c.Typed.CoreV1().ConfigMaps(m.Namespace).Create(ctx, cm, metav1.CreateOptions{})); err != nil {
			return fmt.Errorf("seed ConfigMap %s/%s: %w", m.Namespace, m.Name, err)
		}
	}
	if w.Velero != nil {
		return InstallVelero(ctx, c, *w.Velero)
	}
	return nil
}

// defaultStorageClassAnnotation makes a storage class the default:
// storageutil.IsDefaultAnnotation in k8s.io/kubernetes, which k8s.io/api
// does not export.
const defaultStorageClassAnnotation = "storageclass.kubernetes.io/is-default-class"

func seedStorageClass(ctx context.Context, c *kube.Clients, s StorageClass) error {
	sc := &storagev1.StorageClass{ObjectMeta: metav1.ObjectMeta{Name: s.Name}, Provisioner: s.Provisioner}
	if s.Default {
		sc.Annotations = map[string]string{defaultStorageClassAnnotation: "true"}
	}
	if err := create(c.Typed.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{})); err != nil {
		return fmt.Errorf("seed storage class %s: %w", s.Name, err)
	}
	return nil
}

func seedPVC(ctx context.Context, c *kube.Clients, p PVC) error {
	pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Name},
		Spec: corev1.PersistentVolumeClaimSpec{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: apiresource.MustParse(p.Size)}}}}
	if p.StorageClass != "" {
		pvc.Spec.StorageClassName = &p.StorageClass
	}
	if err := create(c.Typed.CoreV1().PersistentVolumeClaims(p.Namespace).Create(ctx, pvc, metav1.CreateOptions{})); err != nil {
		return fmt.Errorf("seed PVC %s/%s: %w", p.Namespace, p.Name, err)
	}
	return nil
}

func deployment(d Deployment) *appsv1.Deployment {
	labels := map[string]string{"app": d.Name}
	pod := corev1.PodSpec{Containers: []corev1.Container{{Name: d.Name, Image: d.Image}}}
	if d.Claim != "" {
		pod.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: d.Claim}}}}
		pod.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
	}
	return &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: d.Namespace, Name: d.Name},
		Spec: appsv1.DeploymentSpec{Replicas: &d.Replicas, Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: pod}}}
}

func seedService(ctx context.Context, c *kube.Clients, s Service) error {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: s.Namespace, Name: s.Name},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": s.Name},
			Ports: []corev1.ServicePort{{Name: "main", Port: s.Port, TargetPort: intstr.FromInt32(s.Port)}}}}
	if s.LoadBalancer {
		svc.Spec.Type = corev1.ServiceTypeLoadBalancer
	}
	got, err := c.Typed.CoreV1().Services(s.Namespace).Create(ctx, svc, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed Service %s/%s: %w", s.Namespace, s.Name, err)
	}
	if s.LoadBalancer && s.Address != "" {
		got.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: s.Address}}
		if _, err := c.Typed.CoreV1().Services(s.Namespace).UpdateStatus(ctx, got, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("seed Service %s/%s status: %w", s.Namespace, s.Name, err)
		}
	}
	return nil
}

func seedIngress(ctx context.Context, c *kube.Clients, i Ingress) error {
	prefix := networkingv1.PathTypePrefix
	ing := &networkingv1.Ingress{ObjectMeta: metav1.ObjectMeta{Namespace: i.Namespace, Name: i.Name},
		Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{{Host: i.Host, IngressRuleValue: networkingv1.IngressRuleValue{
			HTTP: &networkingv1.HTTPIngressRuleValue{Paths: []networkingv1.HTTPIngressPath{{Path: "/", PathType: &prefix,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: i.Service,
					Port: networkingv1.ServiceBackendPort{Number: i.Port}}}}}}}}}}}
	got, err := c.Typed.NetworkingV1().Ingresses(i.Namespace).Create(ctx, ing, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("seed Ingress %s/%s: %w", i.Namespace, i.Name, err)
	}
	if i.Address != "" {
		got.Status.LoadBalancer.Ingress = []networkingv1.IngressLoadBalancerIngress{{IP: i.Address}}
		if _, err := c.Typed.NetworkingV1().Ingresses(i.Namespace).UpdateStatus(ctx, got, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("seed Ingress %s/%s status: %w", i.Namespace, i.Name, err)
		}
	}
	return nil
}

// InstallVelero creates Velero's namespace, Deployment and storage
// location (Velero's CRDs must be served).
func InstallVelero(ctx context.Context, c *kube.Clients, v Velero) error {
	ns := v.Namespace
	if ns == "" {
		ns = velerov1.DefaultNamespace
	}
	if err := EnsureNamespace(ctx, c, ns); err != nil {
		return err
	}
	dep := deployment(Deployment{Namespace: ns, Name: "velero", Image: "velero/velero:v1.18.3", Replicas: 1})
	if err := create(c.Typed.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{})); err != nil {
		return fmt.Errorf("install Velero: %w", err)
	}
	l := v.Location
	bsl := &velerov1.BackupStorageLocation{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: l.Name},
		Spec: velerov1.BackupStorageLocationSpec{Provider: l.Provider, Default: true,
			StorageType: velerov1.StorageType{ObjectStorage: &velerov1.ObjectStorageLocation{Bucket: l.Bucket, Prefix: l.Prefix}}}}
	if l.S3URL != "" {
		bsl.Spec.Config = map[string]string{"s3Url": l.S3URL, "region": "default"}
	}
	if l.ReadOnly {
		bsl.Spec.AccessMode = velerov1.BackupStorageLocationAccessModeReadOnly
	}
	if err := create(locations.create(ctx, c.Dynamic, bsl)); err != nil {
		return fmt.Errorf("install Velero: storage location %s: %w", l.Name, err)
	}
	return nil
}
