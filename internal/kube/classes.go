package kube

import (
	"context"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// ClusterClassNames lists the ClusterClasses in the clients' namespace:
// what the KaaS offers the tenant. A management cluster without Cluster
// API has none.
func (c *Clients) ClusterClassNames(ctx context.Context) ([]string, error) {
	version, err := c.ClusterAPIVersion(ctx)
	if err != nil || version == "" {
		return nil, err
	}
	list, err := c.Dynamic.Resource(WithVersion(ClusterClasses, version)).Namespace(c.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list ClusterClasses in namespace %s on %s: %w", c.Namespace, c.Host, err)
	}
	names := make([]string, 0, len(list.Items))
	for _, u := range list.Items {
		names = append(names, u.GetName())
	}
	slices.Sort(names)
	return names, nil
}

// ReleaseKubernetesVersion is the Kubernetes patch version the Cluster
// Stack Operator's release of a class ships ("v1.33.10"), from the
// ClusterStackRelease named like the class; "" when the operator or the
// release is not there or has not said yet.
func (c *Clients) ReleaseKubernetesVersion(ctx context.Context, namespace, class string) (string, error) {
	served, err := c.Serves(ctx, ClusterStackReleases)
	if err != nil || !served {
		return "", err
	}
	u, err := c.Dynamic.Resource(ClusterStackReleases).Namespace(namespace).Get(ctx, class, metav1.GetOptions{})
	if IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read ClusterStackRelease %s/%s: %w", namespace, class, err)
	}
	v, _, _ := unstructured.NestedString(u.Object, "status", "kubernetesVersion")
	if v != "" && v[0] != 'v' {
		v = "v" + v
	}
	return v, nil
}
