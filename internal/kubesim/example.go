package kubesim

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// ExampleNamespace is the tenant's namespace on both KaaS management
// clusters of the example.
const ExampleNamespace = "webshop"

// ExampleBucket is the object storage both clusters' Velero use: the
// source writes, the target reads.
func ExampleBucket(readOnly bool) Location {
	return Location{Name: "default", Provider: "aws", Bucket: "webshop-backups", Prefix: "kaas",
		S3URL: "https://s3.example.invalid", ReadOnly: readOnly}
}

// Example is the demo's Kubernetes side: the source KaaS with the
// tenant's cluster "shop" built from an SCS cluster stack and running a
// small web shop (PVCs, a LoadBalancer Service, an Ingress, Velero on a
// shared bucket), and a target KaaS offering newer stack releases whose
// new clusters get Velero reading the same bucket.
type Example struct {
	World          *World
	Source, Target *Server
}

// NewExample starts and seeds the example; it returns when the source
// cluster is ready and its workload seeded. Close stops it.
func NewExample(ctx context.Context, opts WorldOptions) (*Example, error) {
	w := NewWorld(opts)
	ex := &Example{World: w}
	var err error
	srcBucket, dstBucket := ExampleBucket(false), ExampleBucket(true)
	if ex.Source, err = w.AddManagement("source-kaas", Addons{Velero: &srcBucket}); err == nil {
		ex.Target, err = w.AddManagement("target-kaas", Addons{Velero: &dstBucket})
	}
	if err == nil {
		err = ex.seed(ctx)
	}
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("kubesim example: %w", err)
	}
	return ex, nil
}

// Close stops every simulated cluster.
func (ex *Example) Close() { ex.World.Close() }

// Clients are the clients of the source and target management clusters
// in the tenant's namespace.
func (ex *Example) Clients() (src, dst *kube.Clients, err error) {
	if src, err = ex.Source.Clients(ExampleNamespace); err != nil {
		return nil, nil, err
	}
	dst, err = ex.Target.Clients(ExampleNamespace)
	return src, dst, err
}

func (ex *Example) seed(ctx context.Context) error {
	src, dst, err := ex.Clients()
	if err != nil {
		return err
	}
	if err := SeedManagement(ctx, src, ExampleNamespace, Stack{Class: "openstack-scs2-1-32-v1", KubernetesVersion: "v1.32.9"}); err != nil {
		return err
	}
	if err := SeedManagement(ctx, dst, ExampleNamespace, Stack{Class: "openstack-scs2-1-33-v2", KubernetesVersion: "v1.33.5"},
		Stack{Class: "openstack-scs2-1-33-v3", KubernetesVersion: "v1.33.10"}, Stack{Class: "openstack-scs2-1-34-v1", KubernetesVersion: "v1.34.7"}); err != nil {
		return err
	}
	one, two := int32(1), int32(2)
	shop := Cluster{Namespace: ExampleNamespace, Name: "shop", Class: "openstack-scs2-1-32-v1", Version: "v1.32.9",
		Labels: map[string]string{"managed-secret": "clouds-yaml"}, ControlPlaneReplicas: &one,
		Workers: []MachineDeployment{{Class: "default-worker", Name: "md-0", Replicas: &two}},
		Variables: map[string]any{"controlPlaneFlavor": "SCS-2V-4", "workerFlavor": "SCS-4V-16", "workerRootDisk": 50,
			"sshKeyName": "ops", "dnsNameservers": []any{"9.9.9.9", "149.112.112.112"}}}
	if err := SeedCluster(ctx, src, shop); err != nil {
		return err
	}
	wl, err := ex.World.waitWorkload(ctx, src, ExampleNamespace, "shop")
	if err != nil {
		return err
	}
	return SeedWorkload(ctx, wl, Workload{
		Namespaces:     []string{"shop", "monitoring"},
		StorageClasses: []StorageClass{{Name: "local-path", Provisioner: "rancher.io/local-path"}},
		PVCs: []PVC{{Namespace: "shop", Name: "db", StorageClass: "csi-cinder-sc-delete", Size: "10Gi"},
			{Namespace: "shop", Name: "uploads", StorageClass: "local-path", Size: "5Gi"},
			{Namespace: "monitoring", Name: "prometheus", Size: "20Gi"}},
		Deployments: []Deployment{{Namespace: "shop", Name: "web", Image: "nginx:1.27", Replicas: 2, Claim: "uploads"},
			{Namespace: "shop", Name: "db", Image: "postgres:17", Replicas: 1, Claim: "db"}},
		Services:   []Service{{Namespace: "shop", Name: "web", Port: 443, LoadBalancer: true}},
		Ingresses:  []Ingress{{Namespace: "shop", Name: "web", Host: "shop.example.com", Service: "web", Port: 443}},
		ConfigMaps: []ConfigMap{{Namespace: "shop", Name: "settings", Data: map[string]string{"currency": "EUR"}}},
	})
}

// waitWorkload waits until the simulated Cluster API has made a cluster
// ready and opens it through its kubeconfig Secret. A Manual world is
// stepped meanwhile: seeding is set-up, not what a test looks at.
func (w *World) waitWorkload(ctx context.Context, mgmt *kube.Clients, ns, name string) (*kube.Clients, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		cl, err := clusters.get(ctx, mgmt.Dynamic, ns, name)
		if err == nil && available(cl) {
			sec, err := mgmt.Typed.CoreV1().Secrets(ns).Get(ctx, kubeconfigSecretName(name), metav1.GetOptions{})
			if err != nil {
				return nil, err
			}
			return kube.OpenBytes(sec.Data[kubeconfigSecretKey])
		}
		if err != nil && !apierrors.IsNotFound(err) {
			return nil, err
		}
		if w.manual != nil && ctx.Err() == nil {
			w.Step(ctx)
			continue
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("cluster %s/%s did not become ready: %w", ns, name, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
