package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// KubeconfigSecretKey is the key of the kubeconfig in the Secret Cluster
// API writes for every workload cluster.
const KubeconfigSecretKey = "value"

// KubeconfigSecretName is the Secret in the cluster's namespace on the
// management cluster that holds the workload cluster's admin kubeconfig.
func KubeconfigSecretName(cluster string) string { return cluster + "-kubeconfig" }

// WorkloadKubeconfig reads a workload cluster's kubeconfig from its
// Secret on the management cluster. A missing Secret is an error that
// apierrors.IsNotFound recognizes.
func (c *Clients) WorkloadKubeconfig(ctx context.Context, namespace, cluster string) ([]byte, error) {
	name := KubeconfigSecretName(cluster)
	s, err := c.Typed.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("read Secret %s/%s: %w", namespace, name, err)
	}
	b := s.Data[KubeconfigSecretKey]
	if len(b) == 0 {
		return nil, fmt.Errorf("Secret %s/%s has no %q key: not a Cluster API kubeconfig", namespace, name, KubeconfigSecretKey)
	}
	return b, nil
}

// Workload opens a workload cluster through its kubeconfig Secret.
func (c *Clients) Workload(ctx context.Context, namespace, cluster string) (*Clients, error) {
	b, err := c.WorkloadKubeconfig(ctx, namespace, cluster)
	if err != nil {
		return nil, err
	}
	w, err := OpenBytes(b)
	if err != nil {
		return nil, fmt.Errorf("workload cluster %s/%s: %w", namespace, cluster, err)
	}
	return w, nil
}

// IsNotFound reports whether err says an object (or a resource kind)
// does not exist.
func IsNotFound(err error) bool { return apierrors.IsNotFound(err) }

// IsForbidden reports whether err says the credentials may not do this.
func IsForbidden(err error) bool { return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) }

// IsAlreadyExists reports whether a create failed because the name is taken.
func IsAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }

// IsConflict reports whether an update lost a race (stale resourceVersion).
func IsConflict(err error) bool { return apierrors.IsConflict(err) }
