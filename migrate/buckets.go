package migrate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// BucketMover moves object storage buckets between the clouds' S3.
// *transfer.BucketCopier is the implementation; a later release runs
// bucket copies as Kubernetes Jobs behind the same interface.
type BucketMover interface {
	// Exists reports whether the target has a bucket of that name.
	Exists(ctx context.Context, bucket string) (bool, error)
	CopyBucket(ctx context.Context, bucket string, opts transfer.BucketOptions) (transfer.BucketResult, error)
	CompareBucket(ctx context.Context, bucket, target string) (transfer.BucketDiff, error)
	RemoveBucket(ctx context.Context, bucket string) error
}

var _ BucketMover = (*transfer.BucketCopier)(nil)

// ErrNoBuckets means the plan copies buckets and no S3 access was given.
var ErrNoBuckets = errors.New("the plan copies buckets, but no S3 access to both clouds was given")

// journal kind of a bucket the plan made.
const kindBucket = "bucket"

// runCopyBucket copies one bucket with every object. It runs on every
// migrate, not once: a re-run copies only what changed on the source, so
// the last run before the cutover is the final sync. A bucket of the
// same name that this plan did not make is never written into.
func runCopyBucket(ctx context.Context, sc *StepContext) (Outcome, error) {
	if sc.Buckets == nil {
		return Outcome{}, ErrNoBuckets
	}
	c, err := lookup(sc.inv.containers, "bucket", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	target := sc.Step.Target.Bucket
	if target == "" {
		target = c.Name
	}
	_, ours := sc.Journal.TargetID(kindBucket, c.Name)
	if !ours {
		exists, err := sc.Buckets.Exists(ctx, target)
		if err != nil {
			return Outcome{}, err
		}
		if exists {
			return Outcome{}, fmt.Errorf("the target already has a bucket %q that this plan did not make: it is not written into; give the bucket another name in the buckets: section of a mapping file and plan again", target)
		}
		// Journaled before it is made: a crash in between leaves a
		// bucket the next run (and a rollback) knows as the plan's.
		if err := sc.created(kindBucket, c.Name, target, target, ""); err != nil {
			return Outcome{}, err
		}
	}
	res, err := sc.Buckets.CopyBucket(ctx, c.Name, transfer.BucketOptions{Target: target, Label: sc.Step.Name,
		Settings: c.Settings, Delete: sc.deleteObjects, Expected: &transfer.BucketSize{Bytes: c.Bytes, Objects: c.Objects}})
	if err != nil {
		return Outcome{}, err
	}
	if err := keepSwiftMetadata(ctx, sc.Target, target, c); err != nil {
		return Outcome{}, err
	}
	for _, name := range slices.Sorted(maps.Keys(res.Lost)) {
		sc.Note("%s not kept: %s", name, res.Lost[name])
	}
	if res.Aborted > 0 {
		sc.Note("aborted %d unfinished uploads of an interrupted run", res.Aborted)
	}
	if n := res.Extraneous - res.Deleted; n > 0 {
		sc.Note("%d objects are only on the target (deleted on the source since an earlier run?), kept: %s; migrate --delete-objects removes them",
			n, strings.Join(res.ExtraneousFew, ", "))
	}
	if res.Deleted > 0 {
		sc.Note("removed %d objects deleted on the source", res.Deleted)
	}
	return Outcome{TargetID: target, Adopted: ours, Bytes: res.BytesCopied, Values: map[string]string{
		"objects": fmt.Sprint(res.Objects), "copied": fmt.Sprint(res.Copied), "unchanged": fmt.Sprint(res.Unchanged),
		"bytes": fmt.Sprint(res.Bytes), "onlyOnTarget": fmt.Sprint(res.Extraneous - res.Deleted), "deleted": fmt.Sprint(res.Deleted)}}, nil
}

// keepSwiftMetadata puts the container metadata Swift showed on the
// source onto the target container, where the target has Swift. ACLs
// are not copied: they name the source's projects (the plan says so).
func keepSwiftMetadata(ctx context.Context, dst *cloud.Session, name string, c *inventory.Container) error {
	if dst.ObjectStore == nil || len(c.Metadata) == 0 {
		return nil
	}
	meta := maps.Clone(c.Metadata)
	if c.WebIndex != "" {
		meta["web-index"] = c.WebIndex
	}
	if _, err := containers.Update(ctx, dst.ObjectStore, name, containers.UpdateOpts{Metadata: meta}).Extract(); err != nil {
		return cloud.Wrap("set the metadata of container "+name+" on the target", err)
	}
	return nil
}

// verifyBuckets compares every bucket the plan copied with its source.
func verifyBuckets(ctx context.Context, p *plans.Plan, j *Journal, b BucketMover, rep *VerifyReport) error {
	for _, s := range p.Steps {
		if s.Kind != plans.StepCopyBucket {
			continue
		}
		rep.Checked[string(s.Kind)]++
		target, ok := j.TargetID(kindBucket, s.SourceID)
		if !ok {
			rep.Differences = append(rep.Differences, Difference{Kind: "bucket", Name: s.Name, SourceID: s.SourceID,
				Field: "bucket", Source: s.SourceID, Target: ""})
			continue
		}
		if b == nil {
			return ErrNoBuckets
		}
		d, err := b.CompareBucket(ctx, s.SourceID, target)
		if err != nil {
			return err
		}
		if d.Problems() != "" {
			rep.Differences = append(rep.Differences, Difference{Kind: "bucket", Name: s.Name, SourceID: s.SourceID, TargetID: target,
				Field: "objects", Source: fmt.Sprintf("%d objects", d.Objects), Target: d.Problems()})
		}
		if d.Extraneous > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("bucket %s: %d objects only on the target (deleted on the source since the last run?)", target, d.Extraneous))
		}
	}
	return nil
}

// removeBuckets deletes the buckets the plan made, with every object.
func removeBuckets(ctx context.Context, j *Journal, b BucketMover, rep *RollbackReport) error {
	var errs []error
	for _, c := range reverse(j.CreatedResources()) {
		if c.Cloud != "target" || c.Kind != kindBucket {
			continue
		}
		if b == nil {
			return fmt.Errorf("%w: bucket %s stays on the target", ErrNoBuckets, c.ID)
		}
		if err := b.RemoveBucket(ctx, c.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Deleted = append(rep.Deleted, describeCreated(c))
		if err := j.RemoveCreated(c.Cloud, c.Kind, c.ID); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}
