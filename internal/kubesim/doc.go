// Package kubesim is an in-process, minimal Kubernetes API server over
// HTTPS on loopback, enough for client-go's discovery, dynamic and typed
// clients for the calls scs-migrate makes: namespaces, Secrets,
// ConfigMaps, Services, PVCs, storage classes, Deployments, and the
// Cluster API, Cluster Stack and Velero objects, with resourceVersion,
// uid and generation, 404 and 409 answers, and status subresources
// exactly where the real CRDs have them (Velero's have none: their
// status is written with a plain update).
//
// A World runs several such servers (management and workload clusters)
// with simulated controllers: a new Cluster becomes ready after a short
// delay and gets a workload cluster of its own; Velero backs up into a
// shared in-memory bucket, syncs backups between clusters on the same
// bucket and restores them. `scs-migrate demo` and the tests use it; the
// product packages never import it. The seed functions work against any
// API server, so the same fixtures fill a real kube-apiserver in tests.
//
// The simulator stands on its own, so that a mistake of the product is
// caught rather than copied: it reads and writes Cluster API and Velero
// objects as the upstream Go types (sigs.k8s.io/cluster-api/api,
// github.com/vmware-tanzu/velero/pkg/apis/velero/v1, k8s.io/api) and
// takes groups, versions and names from those packages, never from
// internal/kube's decoders or constants. The one thing it uses of
// internal/kube is kube.Clients and its constructors (NewClients,
// ConfigFromBytes, OpenBytes): the client-go wiring the seed functions
// and the controllers talk through, which decodes nothing itself.
package kubesim
