package kube

import storagev1 "k8s.io/api/storage/v1"

// Annotations that make a storage class the default.
const (
	DefaultStorageClassAnnotation     = "storageclass.kubernetes.io/is-default-class"
	DefaultStorageClassAnnotationBeta = "storageclass.beta.kubernetes.io/is-default-class"
)

// IsDefaultStorageClass reports whether sc is annotated as the default.
func IsDefaultStorageClass(sc *storagev1.StorageClass) bool {
	a := sc.Annotations
	return a[DefaultStorageClassAnnotation] == "true" || a[DefaultStorageClassAnnotationBeta] == "true"
}
