package transfer

import (
	"context"
	"fmt"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// BucketDiff is how a target bucket differs from its source.
type BucketDiff struct {
	Objects    int64 // in the source
	Missing    int64 // in the source, not in the target
	Different  int64 // under the same key with another size or checksum
	Extraneous int64 // in the target only (not a failure: see Problems)
	// Examples names the first few keys of each kind.
	Examples []string
}

// Problems describes what makes the copy incomplete: missing and
// different objects. Extraneous ones are the target's own business.
func (d BucketDiff) Problems() string {
	if d.Missing == 0 && d.Different == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d objects missing, %d different (%s)", d.Missing, d.Objects, d.Different, strings.Join(d.Examples, ", "))
}

// CompareBucket compares the object lists: every source object must be
// in the target with the same size and the same checksum (the ETag; for
// a copy made in parts, the source ETag it carries).
func (b *BucketCopier) CompareBucket(ctx context.Context, bucket, target string) (BucketDiff, error) {
	var d BucketDiff
	exists, err := b.Target.Core().BucketExists(ctx, target)
	if err != nil {
		return d, s3.Wrap("look for bucket "+target+" on the target", err)
	}
	note := func(kind, key string) {
		if len(d.Examples) < maxExtraneousNames {
			d.Examples = append(d.Examples, kind+" "+key)
		}
	}
	err = b.compare(ctx, bucket, target, exists, func(p pairing, v verdict) error {
		if p.source != nil {
			d.Objects++
		}
		switch v {
		case missing:
			d.Missing++
			note("missing", p.source.Key)
		case different:
			d.Different++
			note("different", p.source.Key)
		case extraneous:
			d.Extraneous++
		}
		return nil
	})
	return d, err
}

// RemoveBucket deletes a bucket the plan made on the target: its
// objects, its unfinished uploads, then the bucket. A missing bucket is
// no error.
func (b *BucketCopier) RemoveBucket(ctx context.Context, bucket string) error {
	core := b.Target.Core()
	exists, err := core.BucketExists(ctx, bucket)
	if err != nil || !exists {
		return s3.Wrap("look for bucket "+bucket+" on the target", err)
	}
	b.init()
	if _, err := b.abortUploads(ctx, bucket); err != nil {
		return err
	}
	objs := make(chan minio.ObjectInfo, 1000)
	var walkErr error
	go func() {
		defer close(objs)
		walkErr = b.Target.Walk(ctx, bucket, func(o s3.Object) error {
			select {
			case objs <- minio.ObjectInfo{Key: o.Key}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	for r := range core.RemoveObjects(ctx, bucket, objs, minio.RemoveObjectsOptions{}) {
		if r.Err != nil && !s3.IsNotFound(r.Err) {
			for range objs {
			}
			return s3.Wrap("remove object "+r.ObjectName+" from bucket "+bucket, r.Err)
		}
	}
	if walkErr != nil {
		return walkErr
	}
	if err := core.RemoveBucket(ctx, bucket); err != nil && !s3.IsNotFound(err) {
		return s3.Wrap("remove bucket "+bucket+" from the target", err)
	}
	return nil
}

// Exists reports whether the target has the bucket.
func (b *BucketCopier) Exists(ctx context.Context, bucket string) (bool, error) {
	ok, err := b.Target.Core().BucketExists(ctx, bucket)
	return ok, s3.Wrap("look for bucket "+bucket+" on the target", err)
}

// Minted names the access keys of EC2 credentials made for this copier
// (by "source" and "target"): a caller that journals them can delete
// them after a crash.
func (b *BucketCopier) Minted() map[string]string {
	out := map[string]string{}
	if b.Source != nil && b.Source.Minted {
		out["source"] = b.Source.AccessKey
	}
	if b.Target != nil && b.Target.Minted {
		out["target"] = b.Target.AccessKey
	}
	return out
}
