package kube

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Clients talk to one Kubernetes API server.
type Clients struct {
	// Config is the REST config the clients were made from.
	Config *rest.Config
	// Typed is the clientset of the built-in kinds.
	Typed kubernetes.Interface
	// Dynamic reads and writes custom resources.
	Dynamic dynamic.Interface
	// Discovery says which APIs the server offers.
	Discovery *discovery.DiscoveryClient
	// Namespace is the kubeconfig context's namespace ("default" if it
	// names none): the tenant's namespace on a KaaS management cluster.
	Namespace string
	// Host is the API server URL, for messages.
	Host string
}

// NewClients makes the clients of one API server.
func NewClients(cfg *rest.Config, namespace string) (*Clients, error) {
	cfg = tune(cfg)
	typed, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client for %s: %w", cfg.Host, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("dynamic client for %s: %w", cfg.Host, err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("discovery client for %s: %w", cfg.Host, err)
	}
	return &Clients{Config: cfg, Typed: typed, Dynamic: dyn, Discovery: disc, Namespace: namespace, Host: cfg.Host}, nil
}

// Open loads a kubeconfig (see LoadConfig) and makes its clients; a
// non-empty namespace overrides the context's.
func Open(path, context, namespace string) (*Clients, error) {
	cfg, ns, err := LoadConfig(path, context)
	if err != nil {
		return nil, err
	}
	if namespace != "" {
		ns = namespace
	}
	return NewClients(cfg, ns)
}

// OpenBytes makes the clients of a kubeconfig held in memory.
func OpenBytes(kubeconfig []byte) (*Clients, error) {
	cfg, ns, err := ConfigFromBytes(kubeconfig, "")
	if err != nil {
		return nil, err
	}
	return NewClients(cfg, ns)
}

// Serves reports whether the server serves a resource at its group
// version, through discovery. A group or version the server does not
// know is false, not an error.
func (c *Clients) Serves(ctx context.Context, gvr schema.GroupVersionResource) (bool, error) {
	list, err := c.Discovery.ServerResourcesForGroupVersionWithContext(ctx, gvr.GroupVersion().String())
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("discover %s on %s: %w", gvr.GroupVersion(), c.Host, err)
	}
	return slices.ContainsFunc(list.APIResources, func(r metav1.APIResource) bool { return r.Name == gvr.Resource }), nil
}

// ClusterAPIVersion is the newest Cluster API version the server serves
// clusters at ("v1beta2" or "v1beta1"), or "" when it serves none.
func (c *Clients) ClusterAPIVersion(ctx context.Context) (string, error) {
	for _, v := range clusterAPIVersionsByOrder {
		ok, err := c.Serves(ctx, WithVersion(ClustersV1Beta2, v))
		if err != nil {
			return "", err
		}
		if ok {
			return v, nil
		}
	}
	return "", nil
}
