package kube

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// DefaultVeleroNamespace is where `velero install` puts Velero.
const DefaultVeleroNamespace = "velero"

// The kinds of Velero objects, for ToUnstructured.
var (
	BackupKind  = velerov1.SchemeGroupVersion.WithKind("Backup")
	RestoreKind = velerov1.SchemeGroupVersion.WithKind("Restore")
)

// Velero is what a cluster has of Velero.
type Velero struct {
	// Installed is true when the velero.io API is served and the velero
	// Deployment exists; Reason says what is missing when it is false.
	Installed bool
	Reason    string
	// Namespace is where Velero runs: that of its storage locations, or
	// DefaultVeleroNamespace.
	Namespace string
	// Locations are the BackupStorageLocations, sorted by name.
	Locations []velerov1.BackupStorageLocation
}

// Velero looks for Velero in the cluster.
func (c *Clients) Velero(ctx context.Context) (*Velero, error) {
	v := &Velero{Namespace: DefaultVeleroNamespace}
	served, err := c.Serves(ctx, BackupStorageLocations)
	if err != nil || !served {
		v.Reason = "the velero.io API is not served (Velero's CRDs are not installed)"
		return v, err
	}
	list, err := c.Dynamic.Resource(BackupStorageLocations).Namespace("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list BackupStorageLocations on %s: %w", c.Host, err)
	}
	for i := range list.Items {
		bsl, err := FromUnstructured[velerov1.BackupStorageLocation](&list.Items[i])
		if err != nil {
			return nil, err
		}
		v.Locations = append(v.Locations, *bsl)
	}
	slices.SortFunc(v.Locations, func(a, b velerov1.BackupStorageLocation) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	if len(v.Locations) > 0 {
		v.Namespace = v.Locations[0].Namespace
	}
	_, err = c.Typed.AppsV1().Deployments(v.Namespace).Get(ctx, "velero", metav1.GetOptions{})
	switch {
	case IsNotFound(err):
		v.Reason = fmt.Sprintf("Velero's CRDs are installed, but there is no Deployment velero in namespace %s", v.Namespace)
		return v, nil
	case err != nil:
		return nil, fmt.Errorf("look for the velero Deployment on %s: %w", c.Host, err)
	}
	v.Installed = true
	return v, nil
}

// Bucket is where a storage location keeps backups.
func Bucket(bsl velerov1.BackupStorageLocation) (bucket, prefix string) {
	if o := bsl.Spec.ObjectStorage; o != nil {
		return o.Bucket, o.Prefix
	}
	return "", ""
}

// SameBucket reports whether two storage locations (in different
// clusters) point at the same object storage: provider, bucket and
// prefix, and the S3 endpoint and region where both name one.
func SameBucket(a, b velerov1.BackupStorageLocation) bool {
	ab, ap := Bucket(a)
	bb, bp := Bucket(b)
	if ab == "" || ab != bb || strings.Trim(ap, "/") != strings.Trim(bp, "/") || provider(a) != provider(b) {
		return false
	}
	for _, k := range []string{"s3Url", "region"} {
		x, y := strings.TrimRight(a.Spec.Config[k], "/"), strings.TrimRight(b.Spec.Config[k], "/")
		if x != "" && y != "" && x != y {
			return false
		}
	}
	return true
}

// provider drops the plugin's registry prefix: "velero.io/aws" is "aws".
func provider(bsl velerov1.BackupStorageLocation) string {
	p := bsl.Spec.Provider
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	return p
}

// AccessMode is a location's access mode, ReadWrite when unset.
func AccessMode(bsl velerov1.BackupStorageLocation) string {
	return string(cmp.Or(bsl.Spec.AccessMode, velerov1.BackupStorageLocationAccessModeReadWrite))
}

// DescribeLocation names a storage location for messages, e.g.
// `velero/default (aws bucket "backups", prefix "prod", https://s3.example)`.
func DescribeLocation(bsl velerov1.BackupStorageLocation) string {
	bucket, prefix := Bucket(bsl)
	s := fmt.Sprintf("%s/%s (%s bucket %q", bsl.Namespace, bsl.Name, bsl.Spec.Provider, bucket)
	if prefix != "" {
		s += fmt.Sprintf(", prefix %q", prefix)
	}
	if u := bsl.Spec.Config["s3Url"]; u != "" {
		s += ", " + u
	}
	return s + ")"
}
