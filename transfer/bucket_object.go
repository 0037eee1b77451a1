package transfer

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"

	"github.com/minio/minio-go/v7"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// errBadSourceBytes means what the source sent does not hash to the
// ETag it lists: the read is made again.
var errBadSourceBytes = errors.New("the bytes read do not match the source's ETag")

// copyObject copies one object: one GET stream from the source, read in
// order into part buffers (hashing the whole and each part), each part
// sent with its Content-MD5 so that the target checks it too. Objects
// up to one part go in a single PUT; larger ones as a multipart upload
// with parts in flight in parallel. Nothing is written to disk.
func (b *BucketCopier) copyObject(ctx context.Context, job *objectJob) (int64, error) {
	src := job.source
	get, err := b.openSource(ctx, job.stats, job.sourceBucket, src, 0)
	if err != nil {
		return 0, err
	}
	defer func() { get.Close() }()
	opts := putOptions(get.info)
	want := src.ETag // the whole object's MD5, where known
	if src.Multipart() {
		want = declaredMD5(get.info)
	}
	part := b.partSize(src.Size)
	whole := md5.New()
	if src.Size <= part {
		buf, release, err := b.buffer(ctx, src.Size)
		if err != nil {
			return 0, err
		}
		defer release()
		if err := get.readFull(ctx, buf, whole); err != nil {
			return 0, err
		}
		sum := whole.Sum(nil)
		md5OK, err := job.checkMD5(want, hex.EncodeToString(sum))
		if err != nil {
			return 0, err
		}
		if !md5OK {
			opts.UserMetadata[SourceETagKey] = src.ETag
		}
		up, err := b.Target.Core().PutObject(ctx, job.targetBucket, src.Key, bytes.NewReader(buf), src.Size,
			base64.StdEncoding.EncodeToString(sum), "", opts)
		if err != nil {
			return 0, s3.Wrap("write object "+src.Key+" to bucket "+job.targetBucket, err)
		}
		if got := strings.Trim(up.ETag, `"`); !strings.EqualFold(got, hex.EncodeToString(sum)) {
			return 0, fmt.Errorf("object %s: the target stored ETag %s for bytes whose MD5 is %x", src.Key, got, sum)
		}
		b.delivered(job, src.Size)
		return src.Size, nil
	}
	opts.UserMetadata[SourceETagKey] = src.ETag
	if raw, err := hex.DecodeString(want); err == nil && len(raw) == md5.Size && job.mismatch == "" {
		// The whole object's MD5, where rclone keeps it for objects
		// uploaded in parts: `rclone check` can then verify the copy.
		// The upload is completed only if the bytes read have it
		// (checkMD5).
		opts.UserMetadata[rcloneMD5Key] = base64.StdEncoding.EncodeToString(raw)
	}
	return b.multipart(ctx, job, get, opts, part, whole, want)
}

// multipart uploads a large object part by part; a failure aborts the
// upload so that no stray parts stay behind.
func (b *BucketCopier) multipart(ctx context.Context, job *objectJob, get *sourceStream, opts minio.PutObjectOptions, part int64, whole hash.Hash, want string) (_ int64, err error) {
	src, core := job.source, b.Target.Core()
	id, err := core.NewMultipartUpload(ctx, job.targetBucket, src.Key, opts)
	if err != nil {
		return 0, s3.Wrap("start the upload of object "+src.Key+" to bucket "+job.targetBucket, err)
	}
	defer func() {
		if err != nil {
			// The upload's parts cost the tenant storage until aborted;
			// the abort must run even when ctx has ended.
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), abortTimeout)
			defer cancel()
			if aerr := core.AbortMultipartUpload(actx, job.targetBucket, src.Key, id); aerr != nil && !s3.IsNotFound(aerr) {
				err = errors.Join(err, s3.Wrap("abort the unfinished upload of "+src.Key, aerr))
			}
		}
	}()
	n := int((src.Size + part - 1) / part)
	parts := make([]minio.CompletePart, n)
	sums := make([][]byte, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(partsInFlight)
	for i := range n {
		size := min(part, src.Size-int64(i)*part)
		buf, release, err := b.buffer(gctx, size)
		if err != nil {
			break // g.Wait reports the cause
		}
		if err := get.readFull(gctx, buf, whole); err != nil {
			release()
			g.Go(func() error { return err })
			break
		}
		g.Go(func() error {
			defer release()
			sum := md5.Sum(buf)
			p, err := core.PutObjectPart(gctx, job.targetBucket, src.Key, id, i+1, bytes.NewReader(buf), size,
				minio.PutObjectPartOptions{Md5Base64: base64.StdEncoding.EncodeToString(sum[:]), DisableContentSha256: true})
			if err != nil {
				return s3.Wrap(fmt.Sprintf("write part %d of %d of object %s", i+1, n, src.Key), err)
			}
			if got := strings.Trim(p.ETag, `"`); !strings.EqualFold(got, hex.EncodeToString(sum[:])) {
				return fmt.Errorf("object %s part %d: the target stored ETag %s for bytes whose MD5 is %x", src.Key, i+1, got, sum)
			}
			parts[i], sums[i] = minio.CompletePart{PartNumber: i + 1, ETag: p.ETag}, sum[:]
			b.delivered(job, size)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if _, err := job.checkMD5(want, hex.EncodeToString(whole.Sum(nil))); err != nil {
		return 0, err
	}
	up, err := core.CompleteMultipartUpload(ctx, job.targetBucket, src.Key, id, parts, minio.PutObjectOptions{})
	if err != nil {
		return 0, s3.Wrap("complete the upload of object "+src.Key, err)
	}
	if want := MultipartETag(sums); !strings.EqualFold(strings.Trim(up.ETag, `"`), want) {
		return 0, fmt.Errorf("object %s: the target completed it with ETag %s, the parts sent make %s", src.Key, up.ETag, want)
	}
	return src.Size, nil
}

// checkMD5 compares the MD5 of the bytes read with the source's ETag.
// A multipart ETag is no MD5 (md5OK false). So is the ETag of a large
// object made through Swift (an SLO or DLO: the MD5 of its segments'
// ETags), which looks like one: a mismatch is a damaged read the first
// time, and that kind of ETag when a second read gives the same bytes.
// The copy then keeps the source's ETag in its metadata, as for
// multipart objects.
//
// want is the MD5 the source claims: its ETag, or for an object made
// in parts the MD5 rclone keeps in its metadata (declaredMD5); "" when
// there is none to check against.
func (job *objectJob) checkMD5(want, sum string) (md5OK bool, err error) {
	switch {
	case want == "":
		return false, nil
	case strings.EqualFold(sum, want):
		return true, nil
	case job.mismatch == sum:
		return false, nil
	}
	job.mismatch = sum
	return false, fmt.Errorf("object %s: %w (MD5 %s claimed, %s read; read again to tell a damaged read from a Swift large object)",
		job.source.Key, errBadSourceBytes, want, sum)
}

// declaredMD5 is the whole-object MD5 (hex) that rclone keeps in the
// metadata of an object it uploaded in parts, or "".
func declaredMD5(oi minio.ObjectInfo) string {
	for k, v := range oi.UserMetadata {
		if strings.EqualFold(k, rcloneMD5Key) {
			if raw, err := base64.StdEncoding.DecodeString(v); err == nil && len(raw) == md5.Size {
				return hex.EncodeToString(raw)
			}
		}
	}
	return ""
}

// rcloneMD5Key is the user metadata in which rclone keeps the MD5 of an
// object it uploaded in parts.
const rcloneMD5Key = "Md5chksum"

// MultipartETag is S3's ETag of an object uploaded in parts with these
// MD5s: the MD5 of their concatenation, a dash, the number of parts.
func MultipartETag(partMD5s [][]byte) string {
	h := md5.New()
	for _, s := range partMD5s {
		h.Write(s)
	}
	return fmt.Sprintf("%x-%d", h.Sum(nil), len(partMD5s))
}

// putOptions keeps what the source's GET said about the object: content
// type and encoding, disposition, language, cache control, expiry and
// user metadata.
func putOptions(oi minio.ObjectInfo) minio.PutObjectOptions {
	meta := map[string]string{}
	for k, v := range oi.UserMetadata {
		if !strings.EqualFold(k, SourceETagKey) && !strings.EqualFold(k, rcloneMD5Key) {
			meta[k] = v
		}
	}
	h := oi.Metadata
	return minio.PutObjectOptions{
		UserMetadata:       meta,
		ContentType:        oi.ContentType,
		ContentEncoding:    h.Get("Content-Encoding"),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentLanguage:    h.Get("Content-Language"),
		CacheControl:       h.Get("Cache-Control"),
		Expires:            oi.Expires,
		// Every body carries a Content-MD5 the store checks; SigV4's
		// streaming payload signature is not needed (and Swift's s3api
		// before 2.32 does not speak it).
		DisableContentSha256: true,
	}
}
