package kube

import (
	"fmt"
	"strings"
)

// OpenIfGiven opens a kubeconfig given by flags (see Open); with neither
// a path nor a context it returns nil: Kubernetes is not part of the job.
func OpenIfGiven(path, context, namespace string) (*Clients, error) {
	if path == "" && context == "" {
		return nil, nil
	}
	return Open(path, context, namespace)
}

// OpenWorkloads opens workload-cluster kubeconfigs given as
// "CLUSTER=FILE" (CLUSTER is "name" or "namespace/name"), by CLUSTER.
func OpenWorkloads(specs []string) (map[string]*Clients, error) {
	out := map[string]*Clients{}
	for _, s := range specs {
		name, file, ok := strings.Cut(s, "=")
		if !ok || name == "" || file == "" {
			return nil, fmt.Errorf("workload kubeconfig %q: want CLUSTER=FILE", s)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("workload kubeconfig for %s given twice", name)
		}
		c, err := Open(file, "", "")
		if err != nil {
			return nil, fmt.Errorf("workload kubeconfig for %s: %w", name, err)
		}
		out[name] = c
	}
	return out, nil
}
