// Package kube is scs-migrate's narrow access to Kubernetes: kubeconfig
// and context loading through client-go's clientcmd, typed and dynamic
// clients, the GroupVersionResources of Cluster API, the SCS Cluster
// Stack Operator and Velero, and the conversions between their objects
// and the plain structs the rest of the tool works with.
//
// testdata/crds holds the real CRDs the tests install into a real
// kube-apiserver (see kubetest): Cluster API v1.14.2 (clusters,
// machinedeployments, clusterclasses), Velero v1.18.3 (backups,
// restores, backupstoragelocations), and minimal ClusterStack and
// ClusterStackRelease CRDs of our own.
package kube
