// Package s3 speaks S3 to an SCS cloud's object store, as the tenant:
// where (the catalog's endpoint or one given), as whom (EC2 credentials
// from Keystone, minted for the run with the user's own rights and
// revoked afterwards, or given), and what is there (buckets, their
// settings, their objects in key order).
//
// The wire protocol is minio-go's (github.com/minio/minio-go/v7). It
// was chosen over the AWS SDK for Go v2 because it is one small module
// with few dependencies, made for S3-compatible stores other than AWS
// (path-style addressing, regions that are not AWS's, stores that
// answer NotImplemented), keeps SigV4 signing and XML decoding in one
// tested place, and offers a low-level Core (single PUTs with a
// Content-MD5, multipart uploads part by part, listing page by page)
// so that the copier decides buffering, parallelism and verification
// itself. Swift-only properties (ACLs, container metadata) are read
// through gophercloud's objectstorage package by the callers.
package s3
