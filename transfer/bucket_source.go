package transfer

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// sourceStream is one GET of a source object, read in order. A read
// that breaks is resumed with a Range request from the next byte,
// pinned to the object's ETag, so that a changed object is never
// stitched from two versions.
type sourceStream struct {
	b      *BucketCopier
	stats  *copyStats
	bucket string
	obj    s3.Object
	body   io.ReadCloser
	info   minio.ObjectInfo
	off    int64
	resets int
}

// openSource starts the GET of obj from off.
func (b *BucketCopier) openSource(ctx context.Context, stats *copyStats, bucket string, obj s3.Object, off int64) (*sourceStream, error) {
	s := &sourceStream{b: b, stats: stats, bucket: bucket, obj: obj, off: off}
	return s, s.open(ctx)
}

func (s *sourceStream) open(ctx context.Context) error {
	opts := minio.GetObjectOptions{}
	if s.obj.ETag != "" {
		if err := opts.SetMatchETag(s.obj.ETag); err != nil {
			return err
		}
	}
	if s.off > 0 {
		if err := opts.SetRange(s.off, 0); err != nil {
			return err
		}
	}
	body, info, _, err := s.b.Source.Core().GetObject(ctx, s.bucket, s.obj.Key, opts)
	if err != nil {
		if s3.Code(err) == "PreconditionFailed" {
			return fmt.Errorf("object %s of bucket %s changed while it was copied: %w", s.obj.Key, s.bucket, errChanged)
		}
		return s3.Wrap("read object "+s.obj.Key+" of bucket "+s.bucket, err)
	}
	if s.off == 0 {
		s.info = info
	}
	s.body = body
	return nil
}

// errChanged means the source object was replaced during the copy; the
// copy starts over with the new one.
var errChanged = errors.New("source object changed")

// readFull fills p from the stream and feeds it to whole, reopening the
// stream where it broke (at most maxResets times per object).
func (s *sourceStream) readFull(ctx context.Context, p []byte, whole hash.Hash) error {
	for done := 0; done < len(p); {
		n, err := io.ReadFull(s.body, p[done:])
		done += n
		s.off += int64(n)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if s.resets >= maxResets {
			return fmt.Errorf("read object %s of bucket %s: %w (gave up after %d resumed reads)", s.obj.Key, s.bucket, err, s.resets)
		}
		s.resets++
		if s.stats != nil {
			s.stats.resumed.Add(1)
		}
		s.body.Close()
		if err := cloud.Sleep(ctx, time.Duration(s.resets)*s.b.backoff()); err != nil {
			return err
		}
		if err := s.open(ctx); err != nil {
			return err
		}
	}
	whole.Write(p)
	return nil
}

func (s *sourceStream) Close() error {
	if s.body == nil {
		return nil
	}
	return s.body.Close()
}

// maxResets bounds the resumed reads of one object.
const maxResets = 8
