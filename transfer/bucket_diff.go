package transfer

import (
	"context"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// SourceETagKey is the user metadata under which a copy made by
// multipart upload keeps the source's ETag: its own multipart ETag
// depends on how it was cut into parts, so it cannot be compared with
// the source's. It is the one metadata scs-migrate adds to an object.
const SourceETagKey = "Scs-Migrate-Source-Etag"

// pairing is one key of the two listings side by side.
type pairing struct {
	source, target *s3.Object // nil where the key is missing
}

// pair walks both listings in key order at once and calls fn for each
// key of either, with memory bounded by a page of each listing.
func pair(ctx context.Context, src, dst *s3.Client, srcBucket, dstBucket string, dstExists bool, fn func(pairing) error) error {
	g, ctx := errgroup.WithContext(ctx)
	left, right := make(chan s3.Object, 256), make(chan s3.Object, 256)
	feed := func(c *s3.Client, bucket string, out chan<- s3.Object) func() error {
		return func() error {
			defer close(out)
			return c.Walk(ctx, bucket, func(o s3.Object) error {
				select {
				case out <- o:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
		}
	}
	g.Go(feed(src, srcBucket, left))
	if dstExists {
		g.Go(feed(dst, dstBucket, right))
	} else {
		close(right)
	}
	g.Go(func() error {
		defer func() { // unblock the walkers if fn gave up
			for range left {
			}
			for range right {
			}
		}()
		l, lok := <-left
		r, rok := <-right
		for lok || rok {
			var p pairing
			switch {
			case lok && (!rok || l.Key < r.Key):
				p.source = &l
			case rok && (!lok || r.Key < l.Key):
				p.target = &r
			default:
				p.source, p.target = &l, &r
			}
			if err := fn(p); err != nil {
				return err
			}
			if p.source != nil {
				l, lok = <-left
			}
			if p.target != nil {
				r, rok = <-right
			}
		}
		return nil
	})
	return g.Wait()
}

// verdict is what a pairing needs.
type verdict int

const (
	same       verdict = iota // the target has the source's object
	missing                   // the target lacks it
	different                 // the target has another object under the key
	extraneous                // only the target has the key
	askTarget                 // same size, other ETags: the target's metadata decides
)

// judge compares by what the listings say: size, then ETag. A copy of a
// multipart object carries the source's ETag in its metadata, which the
// listing does not show.
func judge(p pairing) verdict {
	switch {
	case p.source == nil:
		return extraneous
	case p.target == nil:
		return missing
	case p.source.Size != p.target.Size:
		return different
	case strings.EqualFold(p.source.ETag, p.target.ETag):
		return same
	}
	// Same size, other ETags: a copy in parts, or of a Swift large
	// object, names the source's ETag in its metadata; a plain object
	// that changed does not.
	return askTarget
}

// sameByMetadata settles askTarget: the target's copy names the
// source's ETag it was made from.
func sameByMetadata(ctx context.Context, dst *s3.Client, bucket string, src s3.Object) (bool, error) {
	info, err := dst.Stat(ctx, bucket, src.Key)
	if err != nil {
		return false, err
	}
	return strings.EqualFold(strings.Trim(info.Metadata[SourceETagKey], `"`), src.ETag), nil
}

// compare walks both listings and tells fn, for each key, what it
// needs: judged by the listings, or by the target's metadata where they
// cannot tell.
func (b *BucketCopier) compare(ctx context.Context, bucket, target string, exists bool, fn func(pairing, verdict) error) error {
	return pair(ctx, b.Source, b.Target, bucket, target, exists, func(p pairing) error {
		v := judge(p)
		if v == askTarget {
			ok, err := sameByMetadata(ctx, b.Target, target, *p.source)
			if err != nil {
				return err
			}
			v = different
			if ok {
				v = same
			}
		}
		return fn(p, v)
	})
}
