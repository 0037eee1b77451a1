package kubesim

import (
	"context"
	"fmt"
	"reflect"

	velerov1 "github.com/vmware-tanzu/velero/pkg/apis/velero/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	clusterv1 "sigs.k8s.io/cluster-api/api/core/v1beta2"
)

// typed is a custom resource that the simulated controllers read and
// write through the dynamic client as its upstream Go type, the way
// Cluster API's and Velero's own controllers see it.
type typed[T any, PT apiObject[T]] struct {
	gvr  schema.GroupVersionResource
	kind string
}

// apiObject is a pointer to an upstream API type.
type apiObject[T any] interface {
	*T
	metav1.Object
}

func newTyped[T any, PT apiObject[T]](gv schema.GroupVersion, resource string) typed[T, PT] {
	return typed[T, PT]{gvr: gv.WithResource(resource), kind: reflect.TypeFor[T]().Name()}
}

var (
	clusters       = newTyped[clusterv1.Cluster](clusterv1.GroupVersion, "clusters")
	clusterClasses = newTyped[clusterv1.ClusterClass](clusterv1.GroupVersion, "clusterclasses")
	backups        = newTyped[velerov1.Backup](velerov1.SchemeGroupVersion, "backups")
	restores       = newTyped[velerov1.Restore](velerov1.SchemeGroupVersion, "restores")
	locations      = newTyped[velerov1.BackupStorageLocation](velerov1.SchemeGroupVersion, "backupstoragelocations")
)

func (t typed[T, PT]) in(dyn dynamic.Interface, ns string) dynamic.ResourceInterface {
	return dyn.Resource(t.gvr).Namespace(ns)
}

// list lists a namespace ("" for all).
func (t typed[T, PT]) list(ctx context.Context, dyn dynamic.Interface, ns string) ([]*T, error) {
	l, err := t.in(dyn, ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(l.Items))
	for i := range l.Items {
		o, err := decode[T](&l.Items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (t typed[T, PT]) get(ctx context.Context, dyn dynamic.Interface, ns, name string) (*T, error) {
	u, err := t.in(dyn, ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return decode[T](u)
}

func (t typed[T, PT]) create(ctx context.Context, dyn dynamic.Interface, obj *T) (*T, error) {
	u, err := t.encode(obj)
	if err != nil {
		return nil, err
	}
	if u, err = t.in(dyn, PT(obj).GetNamespace()).Create(ctx, u, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	return decode[T](u)
}

// update writes the object, or with subresource "status" its status.
func (t typed[T, PT]) update(ctx context.Context, dyn dynamic.Interface, obj *T, subresource ...string) (*T, error) {
	u, err := t.encode(obj)
	if err != nil {
		return nil, err
	}
	if u, err = t.in(dyn, PT(obj).GetNamespace()).Update(ctx, u, metav1.UpdateOptions{}, subresource...); err != nil {
		return nil, err
	}
	return decode[T](u)
}

func (t typed[T, PT]) encode(obj *T) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("kubesim: encode %s: %w", t.kind, err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(t.gvr.GroupVersion().WithKind(t.kind))
	return u, nil
}

func decode[T any](u *unstructured.Unstructured) (*T, error) {
	var out T
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &out); err != nil {
		return nil, fmt.Errorf("kubesim: decode %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
	}
	return &out, nil
}
