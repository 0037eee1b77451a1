package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// Defaults of a BucketCopier's zero fields.
const (
	DefaultObjectTransfers = 16
	DefaultPartSize        = 8 << 20
	DefaultBufferBudget    = 48 << 20
	// partsInFlight is how many parts of one object travel at once.
	partsInFlight = 4
	// maxParts is S3's (and Swift's s3api's) limit of parts per upload.
	maxParts = 10000
	// abortTimeout bounds the clean-up of an upload after a failure.
	abortTimeout = 30 * time.Second
	// maxExtraneousNames bounds the names of extraneous objects a
	// result lists.
	maxExtraneousNames = 20
)

// BucketCopier copies buckets from one cloud's S3 to another's: the two
// clouds do not know each other, so every byte passes through this
// process, streamed and never staged on disk. Its fields are set before
// the first copy and not changed afterwards; it is safe for concurrent
// use.
type BucketCopier struct {
	Source, Target *s3.Client
	// Transfers bounds the objects in flight across all buckets; 0
	// means DefaultObjectTransfers.
	Transfers int
	// PartSize is the part size of multipart uploads, and the largest
	// object sent in one PUT; 0 means DefaultPartSize. Objects so large
	// that they would need more than 10,000 parts get larger parts.
	PartSize int64
	// BufferBudget bounds the bytes held in part buffers at once, across
	// all copies: with it, memory does not grow with object sizes or
	// Transfers. 0 means DefaultBufferBudget.
	BufferBudget int64
	// Retries is how often one object's copy is made again after it
	// failed; 0 means DefaultRetries, negative none.
	Retries  int
	Observer Observer

	once    sync.Once
	slots   chan struct{}
	budget  *semaphore.Weighted
	pool    *partPool
	pause   time.Duration // first pause before a retry; tests shorten it
	objects atomic.Int64
}

// BucketOptions say how one bucket is copied.
type BucketOptions struct {
	// Target is the bucket's name on the target (the rename map of the
	// mapping file applied); "" means the source's name.
	Target string
	// Label names the copy to the observer; "" means the bucket's name.
	Label string
	// Settings are put on the target bucket (versioning, lifecycle,
	// CORS, tags); what the target refuses is reported, not an error.
	Settings s3.Settings
	// Expected is the bucket's size for progress, where known (the
	// inventory's counts); without it the source is listed once more
	// first, which for a million objects takes a while.
	Expected *BucketSize
	// Delete removes objects that only the target has (deleted on the
	// source since an earlier run). Without it they are counted and
	// named in the result, never removed.
	Delete bool
}

// BucketResult is what a bucket copy did. A re-run copies only what is
// missing or different, so Copied is 0 when nothing changed.
type BucketResult struct {
	Target        string
	Created       bool // the target bucket was made by this copy
	Objects       int64
	Bytes         int64 // of all source objects
	Copied        int64 // objects written to the target
	BytesCopied   int64
	Unchanged     int64
	Extraneous    int64    // objects only the target has
	Deleted       int64    // of those, removed (BucketOptions.Delete)
	ExtraneousFew []string // the first names of the extraneous objects
	Aborted       int      // unfinished uploads of an earlier run, aborted
	// Resumed counts reads that broke and went on from the next byte;
	// Retried counts objects copied again after a failed attempt.
	Resumed, Retried int64
	// Lost names each setting that could not be put on the target, with
	// the reason.
	Lost map[string]string
}

func (b *BucketCopier) init() {
	b.once.Do(func() {
		n := b.Transfers
		if n <= 0 {
			n = DefaultObjectTransfers
		}
		b.slots = make(chan struct{}, n)
		b.budget = semaphore.NewWeighted(b.budgetBytes())
		b.pool = newPartPool(b.partSize(0), b.budgetBytes())
		if b.pause == 0 {
			b.pause = time.Second
		}
		if b.Observer == nil {
			b.Observer = nopObserver{}
		}
	})
}

func (b *BucketCopier) backoff() time.Duration { return b.pause }

// partSize is the part size for an object of size bytes.
func (b *BucketCopier) partSize(size int64) int64 {
	p := b.PartSize
	if p <= 0 {
		p = DefaultPartSize
	}
	if need := (size + maxParts - 1) / maxParts; need > p {
		p = (need + 1<<20 - 1) &^ (1<<20 - 1) // whole MiB
	}
	return p
}

func (b *BucketCopier) budgetBytes() int64 {
	if b.BufferBudget > 0 {
		return b.BufferBudget
	}
	return DefaultBufferBudget
}

func (b *BucketCopier) retries() int {
	switch {
	case b.Retries < 0:
		return 0
	case b.Retries == 0:
		return DefaultRetries
	}
	return b.Retries
}

// objectJob is one object to copy.
type objectJob struct {
	id                         string // the observer's id of the bucket copy
	prog                       *bucketProgress
	stats                      *copyStats
	sourceBucket, targetBucket string
	source                     s3.Object
	delivered                  atomic.Int64
	// mismatch is the MD5 of an earlier read that did not match the
	// source's ETag (see checkMD5).
	mismatch string
}

// copyStats are the mishaps of one bucket copy.
type copyStats struct{ resumed, retried atomic.Int64 }

// delivered reports n more bytes of job on the target.
func (b *BucketCopier) delivered(job *objectJob, n int64) {
	job.delivered.Add(n)
	job.prog.add(n)
}

// CopyBucket copies the source bucket to the target: it makes the
// target bucket if it is missing, puts the settings on it, aborts
// uploads an interrupted earlier run left unfinished, and copies every
// object the target lacks or holds in another version. Each object is
// verified on the way (see copyObject).
func (b *BucketCopier) CopyBucket(ctx context.Context, bucket string, opts BucketOptions) (res BucketResult, err error) {
	b.init()
	target := cmp.Or(opts.Target, bucket)
	id, label := "bucket/"+bucket, cmp.Or(opts.Label, bucket)
	res = BucketResult{Target: target, Lost: map[string]string{}}
	defer func() { b.Observer.Finished(id, err) }()
	exists, err := b.Target.Core().BucketExists(ctx, target)
	if err != nil {
		return res, s3.Wrap("look for bucket "+target+" on the target", err)
	}
	if !exists {
		if err := b.Target.Core().MakeBucket(ctx, target, minio.MakeBucketOptions{Region: b.Target.Region}); err != nil {
			return res, s3.Wrap("make bucket "+target+" on the target", err)
		}
		res.Created = true
	}
	if res.Lost, err = b.Target.Apply(ctx, target, opts.Settings); err != nil {
		return res, err
	}
	if exists {
		if res.Aborted, err = b.abortUploads(ctx, target); err != nil {
			return res, err
		}
	}
	expect := opts.Expected
	if expect == nil {
		if expect, err = b.size(ctx, bucket); err != nil {
			return res, err
		}
	}
	prog := &bucketProgress{obs: b.Observer, id: id, total: expect.Bytes, count: expect.Objects}
	b.Observer.Started(id, label, expect.Bytes)
	objectDone := prog.object

	g, gctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	stats := &copyStats{}
	defer func() { res.Resumed, res.Retried = stats.resumed.Load(), stats.retried.Load() }()
	err = b.compare(gctx, bucket, target, exists, func(p pairing, v verdict) error {
		if p.source != nil {
			res.Objects++
			res.Bytes += p.source.Size
		}
		switch v {
		case same:
			res.Unchanged++
			prog.add(p.source.Size)
			objectDone()
		case extraneous:
			res.Extraneous++
			if len(res.ExtraneousFew) < maxExtraneousNames {
				res.ExtraneousFew = append(res.ExtraneousFew, p.target.Key)
			}
			if opts.Delete {
				key := p.target.Key
				return b.run(gctx, g, func() error {
					if err := b.Target.Core().RemoveObject(gctx, target, key, minio.RemoveObjectOptions{}); err != nil && !s3.IsNotFound(err) {
						return s3.Wrap("remove object "+key+" from bucket "+target, err)
					}
					mu.Lock()
					res.Deleted++
					mu.Unlock()
					return nil
				})
			}
		default:
			job := &objectJob{id: id, prog: prog, stats: stats, sourceBucket: bucket, targetBucket: target, source: *p.source}
			return b.run(gctx, g, func() error {
				n, err := b.copyWithRetries(gctx, job)
				if err != nil {
					return err
				}
				mu.Lock()
				res.Copied++
				res.BytesCopied += n
				mu.Unlock()
				objectDone()
				return nil
			})
		}
		return nil
	})
	if werr := g.Wait(); err == nil {
		err = werr
	}
	return res, err
}

// run starts fn on g once a transfer slot is free.
func (b *BucketCopier) run(ctx context.Context, g *errgroup.Group, fn func() error) error {
	select {
	case b.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.Go(func() error {
		defer func() { <-b.slots }()
		return fn()
	})
	return nil
}

// copyWithRetries copies one object, again from the start after a
// failure that another attempt may cure.
func (b *BucketCopier) copyWithRetries(ctx context.Context, job *objectJob) (int64, error) {
	var err error
	for attempt := 0; ; attempt++ {
		var n int64
		n, err = b.copyObject(ctx, job)
		if err == nil {
			b.objects.Add(1)
			return n, nil
		}
		if back := job.delivered.Swap(0); back > 0 {
			job.prog.add(-back)
		}
		if ctx.Err() != nil || attempt >= b.retries() || !retryable(err) {
			return 0, fmt.Errorf("copy object %s of bucket %s: %w", job.source.Key, job.sourceBucket, err)
		}
		job.stats.retried.Add(1)
		if errors.Is(err, errChanged) {
			if job.source, err = b.relist(ctx, job); err != nil {
				return 0, err
			}
		}
		if err := cloud.Sleep(ctx, b.pause<<min(attempt, 5)); err != nil {
			return 0, err
		}
	}
}

// relist reads the current listing entry of a source object that
// changed during its copy.
func (b *BucketCopier) relist(ctx context.Context, job *objectJob) (s3.Object, error) {
	info, err := b.Source.Stat(ctx, job.sourceBucket, job.source.Key)
	if err != nil {
		return job.source, err
	}
	return s3.Object{Key: job.source.Key, Size: info.Size, ETag: info.ETag}, nil
}

// retryable: everything but a missing bucket or object, a refusal, and
// the end of the context.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch s3.Code(err) {
	case "AccessDenied", "NoSuchBucket", "InvalidAccessKeyId", "SignatureDoesNotMatch", "EntityTooLarge", "QuotaExceeded", "InvalidBucketName":
		return false
	}
	return true
}

// size lists the source bucket once more, for the progress totals of a
// copy that was given none.
func (b *BucketCopier) size(ctx context.Context, bucket string) (*BucketSize, error) {
	var n BucketSize
	err := b.Source.Walk(ctx, bucket, func(o s3.Object) error { n.Bytes += o.Size; n.Objects++; return nil })
	return &n, err
}

// abortUploads aborts every unfinished multipart upload in a target
// bucket: an interrupted run's (its objects are copied again whole).
func (b *BucketCopier) abortUploads(ctx context.Context, bucket string) (int, error) {
	ups, err := b.Target.Uploads(ctx, bucket)
	if err != nil {
		if s3.IsUnsupported(err) {
			return 0, nil
		}
		return 0, err
	}
	for _, u := range ups {
		if err := b.Target.Core().AbortMultipartUpload(ctx, bucket, u[0], u[1]); err != nil && !s3.IsNotFound(err) {
			return 0, s3.Wrap("abort the unfinished upload of "+u[0]+" in bucket "+bucket, err)
		}
	}
	return len(ups), nil
}
