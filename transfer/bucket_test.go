package transfer_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
	"github.com/minio/minio-go/v7"

	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// buckets is a bucket copier between the two simulated clouds, each
// side with EC2 credentials minted for the test.
type buckets struct {
	*env
	src, dst *s3.Client
	copier   *transfer.BucketCopier
}

func newBuckets(t *testing.T, opts sim.PairOptions) *buckets {
	e := newEnv(t, opts)
	b := &buckets{env: e}
	var err error
	if b.src, err = s3.Open(e.ctx, e.src, s3.Options{}); err != nil {
		t.Fatal(err)
	}
	if b.dst, err = s3.Open(e.ctx, e.dst, s3.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.src.Close(context.Background()); b.dst.Close(context.Background()) })
	b.copier = &transfer.BucketCopier{Source: b.src, Target: b.dst, PartSize: 5 << 20, BufferBudget: 24 << 20}
	transfer.SetBucketBackoff(b.copier, 5*time.Millisecond)
	return b
}

// put writes an object on the source in one PUT.
func (b *buckets) put(bucket, key string, size int64, seed uint64, opts minio.PutObjectOptions) {
	b.t.Helper()
	// As against Swift's s3api: no aws-chunked bodies over plain HTTP.
	opts.DisableContentSha256 = true
	if _, err := b.src.Core().Client.PutObject(b.ctx, bucket, key, content{size: size, seed: seed}.reader(), size, opts); err != nil {
		b.t.Fatalf("put %s: %v", key, err)
	}
}

func (b *buckets) bucket(c *s3.Client, name string) {
	b.t.Helper()
	if err := c.Core().MakeBucket(b.ctx, name, minio.MakeBucketOptions{}); err != nil {
		b.t.Fatal(err)
	}
}

// read returns an object's bytes and its HEAD.
func (b *buckets) read(c *s3.Client, bucket, key string) ([]byte, minio.ObjectInfo) {
	b.t.Helper()
	o, err := c.Core().Client.GetObject(b.ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		b.t.Fatal(err)
	}
	defer o.Close()
	data, err := io.ReadAll(o)
	if err != nil {
		b.t.Fatalf("read %s/%s: %v", bucket, key, err)
	}
	info, err := o.Stat()
	if err != nil {
		b.t.Fatal(err)
	}
	return data, info
}

func TestCopyBucketKeepsEveryObjectAndItsMetadata(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	b.bucket(b.src, "photos")
	b.put("photos", "empty", 0, 1, minio.PutObjectOptions{})
	b.put("photos", "notes/readme.txt", 1024, 2, minio.PutObjectOptions{ContentType: "text/plain; charset=utf-8",
		UserMetadata: map[string]string{"Owner": "alice"}, CacheControl: "max-age=60", ContentDisposition: `attachment; filename="r.txt"`})
	b.put("photos", "big.raw", 12<<20+17, 3, minio.PutObjectOptions{DisableMultipart: true, ContentType: "application/octet-stream"})
	// A multipart object on the source: its ETag is not an MD5.
	b.put("photos", "parts.bin", 11<<20, 4, minio.PutObjectOptions{PartSize: 5 << 20})
	for i := range 1100 { // more than one listing page
		b.put("photos", fmt.Sprintf("many/%04d", i), 16, uint64(100+i), minio.PutObjectOptions{})
	}

	res, err := b.copier.CopyBucket(b.ctx, "photos", transfer.BucketOptions{Target: "photos-moved"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Objects != 1104 || res.Copied != 1104 || res.Unchanged != 0 {
		t.Fatalf("first copy: %+v", res)
	}
	for _, key := range []string{"empty", "notes/readme.txt", "big.raw", "parts.bin", "many/0999"} {
		want, winfo := b.read(b.src, "photos", key)
		got, ginfo := b.read(b.dst, "photos-moved", key)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the target's bytes differ (%d vs %d bytes)", key, len(got), len(want))
		}
		if ginfo.ContentType != winfo.ContentType || ginfo.UserMetadata["Owner"] != winfo.UserMetadata["Owner"] ||
			ginfo.Metadata.Get("Cache-Control") != winfo.Metadata.Get("Cache-Control") ||
			ginfo.Metadata.Get("Content-Disposition") != winfo.Metadata.Get("Content-Disposition") {
			t.Errorf("%s: metadata not kept: source %q %v %q, target %q %v %q", key, winfo.ContentType, winfo.UserMetadata,
				winfo.Metadata.Get("Cache-Control"), ginfo.ContentType, ginfo.UserMetadata, ginfo.Metadata.Get("Cache-Control"))
		}
	}
	_, big := b.read(b.dst, "photos-moved", "big.raw")
	if !strings.HasSuffix(big.ETag, "-3") {
		t.Errorf("a 12 MiB object should arrive in three 5 MiB parts, ETag %s", big.ETag)
	}
	if d, err := b.copier.CompareBucket(b.ctx, "photos", "photos-moved"); err != nil || d.Problems() != "" || d.Objects != 1104 {
		t.Fatalf("compare after copy: %+v, %v", d, err)
	}

	// Incremental: nothing changed, nothing is copied.
	res, err = b.copier.CopyBucket(b.ctx, "photos", transfer.BucketOptions{Target: "photos-moved"})
	if err != nil || res.Created || res.Copied != 0 || res.Unchanged != 1104 {
		t.Fatalf("re-run without changes: %+v, %v", res, err)
	}

	// One object rewritten, one deleted on the source.
	b.put("photos", "notes/readme.txt", 1024, 99, minio.PutObjectOptions{})
	if err := b.src.Core().RemoveObject(b.ctx, "photos", "many/0007", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if d, _ := b.copier.CompareBucket(b.ctx, "photos", "photos-moved"); d.Different != 1 || d.Extraneous != 1 {
		t.Fatalf("compare after source changes: %+v", d)
	}
	res, err = b.copier.CopyBucket(b.ctx, "photos", transfer.BucketOptions{Target: "photos-moved"})
	if err != nil || res.Copied != 1 || res.Extraneous != 1 || res.Deleted != 0 || res.ExtraneousFew[0] != "many/0007" {
		t.Fatalf("re-run after changes: %+v, %v", res, err)
	}
	if _, err := b.dst.Stat(b.ctx, "photos-moved", "many/0007"); err != nil {
		t.Fatal("an object deleted on the source was removed from the target without Delete")
	}
	res, err = b.copier.CopyBucket(b.ctx, "photos", transfer.BucketOptions{Target: "photos-moved", Delete: true})
	if err != nil || res.Copied != 0 || res.Deleted != 1 {
		t.Fatalf("re-run with Delete: %+v, %v", res, err)
	}
	if _, err := b.dst.Stat(b.ctx, "photos-moved", "many/0007"); !s3.IsNotFound(err) {
		t.Fatalf("with Delete the extraneous object should be gone: %v", err)
	}

	if err := b.copier.RemoveBucket(b.ctx, "photos-moved"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := b.dst.Core().BucketExists(b.ctx, "photos-moved"); ok {
		t.Fatal("RemoveBucket left the bucket")
	}
}

func TestCopyBucketAbortsUploadsAnInterruptedRunLeft(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	b.bucket(b.src, "logs")
	b.put("logs", "a", 10, 1, minio.PutObjectOptions{})
	b.bucket(b.dst, "logs")
	if _, err := b.dst.Core().NewMultipartUpload(b.ctx, "logs", "half", minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := b.copier.CopyBucket(b.ctx, "logs", transfer.BucketOptions{})
	if err != nil || res.Aborted != 1 || res.Copied != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	if ups, err := b.dst.Uploads(b.ctx, "logs"); err != nil || len(ups) != 0 {
		t.Fatalf("unfinished uploads left: %v, %v", ups, err)
	}
}

func TestCopyBucketSettings(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	b.bucket(b.src, "site")
	if err := b.src.Core().Client.EnableVersioning(b.ctx, "site"); err != nil {
		t.Fatal(err)
	}
	set, err := b.src.Settings(b.ctx, "site")
	if err != nil {
		t.Fatal(err)
	}
	// Swift's s3api keeps versioning and implements none of the others.
	if set.Versioning != "Enabled" || !slices.Contains(set.Unsupported, s3.SettingCORS) || !slices.Contains(set.Unsupported, s3.SettingLifecycle) {
		t.Errorf("source settings: %+v", set)
	}
	// As another S3 store could have them: the target refuses them.
	set.CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>https://example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>`
	set.Policy = `{"Version":"2012-10-17","Statement":[]}`
	res, err := b.copier.CopyBucket(b.ctx, "site", transfer.BucketOptions{Settings: set})
	if err != nil {
		t.Fatal(err)
	}
	got, err := b.dst.Settings(b.ctx, "site")
	if err != nil {
		t.Fatal(err)
	}
	if got.Versioning != "Enabled" {
		t.Errorf("versioning not kept: %+v", got)
	}
	if !strings.Contains(res.Lost[s3.SettingCORS], "refused") {
		t.Errorf("CORS rules the target refuses must be reported lost: %+v", res.Lost)
	}
	if res.Lost[s3.SettingPolicy] == "" {
		t.Errorf("a bucket policy names the source's principals: it must be reported lost, not copied: %+v", res.Lost)
	}
}

func TestCopyBucketThroughFaults(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	b.bucket(b.src, "data")
	sums := map[string][16]byte{}
	for i := range 60 {
		key := fmt.Sprintf("obj-%02d", i)
		size := int64(3000 + i*1000)
		if i%20 == 0 {
			size = 6<<20 + int64(i) // multipart on the way
		}
		b.put("data", key, size, uint64(i), minio.PutObjectOptions{})
		data, _ := io.ReadAll(content{size: size, seed: uint64(i)}.reader())
		sums[key] = md5.Sum(data)
	}
	b.pair.SetFaults(sim.Faults{ErrorRate: 0.05, ResetRate: 0.2})
	res, err := b.copier.CopyBucket(b.ctx, "data", transfer.BucketOptions{})
	b.pair.SetFaults(sim.Faults{})
	if err != nil || res.Copied != 60 {
		t.Fatalf("copy through 5%% errors and 20%% resets: %+v, %v", res, err)
	}
	if res.Resumed == 0 {
		t.Errorf("no read was resumed: the resets did not reach the copy (%+v)", res)
	}
	t.Logf("%d reads resumed, %d objects copied again", res.Resumed, res.Retried)
	for key, want := range sums {
		got, _ := b.read(b.dst, "data", key)
		if md5.Sum(got) != want {
			t.Errorf("%s arrived damaged", key)
		}
	}
	if ups, _ := b.dst.Uploads(b.ctx, "data"); len(ups) != 0 {
		t.Errorf("failed attempts left %d unfinished uploads", len(ups))
	}
}

// TestCopyBucketSwiftLargeObject copies a static large object made
// through Swift: S3 shows it whole, with an ETag that looks like an MD5
// and is not one (the MD5 of its segments' ETags). The copier reads it
// twice to tell that from a damaged read, keeps the source's ETag in the
// copy's metadata, and a re-run finds it unchanged.
func TestCopyBucketSwiftLargeObject(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	swift := b.env.src.ObjectStore
	for _, c := range []string{"media", "media_segments"} {
		if err := containers.Create(b.ctx, swift, c, nil).Err; err != nil {
			t.Fatal(err)
		}
	}
	var manifest []map[string]any
	var whole []byte
	sloETag := md5.New() // the MD5 of the segments' ETags, as Swift checks it
	for i, size := range []int64{6 << 20, 1 << 20} {
		data, _ := io.ReadAll(content{size: size, seed: uint64(50 + i)}.reader())
		whole = append(whole, data...)
		name := fmt.Sprintf("movie/%02d", i)
		res, err := objects.Create(b.ctx, swift, "media_segments", name, objects.CreateOpts{Content: bytes.NewReader(data)}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		manifest = append(manifest, map[string]any{"path": "/media_segments/" + name, "etag": res.ETag, "size_bytes": size})
		io.WriteString(sloETag, strings.Trim(res.ETag, `"`))
	}
	doc, _ := json.Marshal(manifest)
	if err := objects.Create(b.ctx, swift, "media", "movie.mp4", objects.CreateOpts{Content: bytes.NewReader(doc),
		MultipartManifest: "put", ContentType: "video/mp4", ETag: fmt.Sprintf("%x", sloETag.Sum(nil))}).Err; err != nil {
		t.Fatal(err)
	}
	res, err := b.copier.CopyBucket(b.ctx, "media", transfer.BucketOptions{})
	if err != nil || res.Copied != 1 {
		t.Fatalf("copy: %+v, %v", res, err)
	}
	got, info := b.read(b.dst, "media", "movie.mp4")
	if !bytes.Equal(got, whole) || info.ContentType != "video/mp4" {
		t.Errorf("the copy is not the large object's content (%d of %d bytes, %s)", len(got), len(whole), info.ContentType)
	}
	if res.Retried != 1 {
		t.Errorf("retried %d times, want one second read to recognise the large object's ETag", res.Retried)
	}
	res, err = b.copier.CopyBucket(b.ctx, "media", transfer.BucketOptions{})
	if err != nil || res.Copied != 0 || res.Unchanged != 1 {
		t.Errorf("re-run: %+v, %v", res, err)
	}
	if d, err := b.copier.CompareBucket(b.ctx, "media", "media"); err != nil || d.Problems() != "" {
		t.Errorf("compare: %+v, %v", d, err)
	}
}

// TestCopyBucketProgress: the observer hears the bucket's bytes, and its
// sum never passes the total it was given, also when the estimate from
// the inventory is short because the bucket grew.
func TestCopyBucketProgress(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	b.bucket(b.src, "prog")
	var total int64
	for i := range 12 {
		size := int64(1000 * (i + 1))
		if i == 11 {
			size = 7 << 20 // in parts
		}
		b.put("prog", fmt.Sprintf("o%02d", i), size, uint64(i), minio.PutObjectOptions{})
		total += size
	}
	for _, c := range []struct {
		name   string
		expect *transfer.BucketSize
		want   int64
	}{
		{"listed first", nil, total},
		{"estimate short", &transfer.BucketSize{Bytes: total / 2, Objects: 6}, total / 2},
	} {
		rec := newRecorder()
		target := "prog-" + strings.ReplaceAll(c.name, " ", "-")
		if _, err := (&transfer.BucketCopier{Source: b.src, Target: b.dst, Observer: rec, PartSize: 5 << 20}).
			CopyBucket(b.ctx, "prog", transfer.BucketOptions{Target: target, Expected: c.expect}); err != nil {
			t.Fatal(err)
		}
		id := "bucket/prog"
		if rec.started[id] != c.want || rec.progress[id] != c.want || rec.maxSum[id] > c.want || rec.finished[id] != nil {
			t.Errorf("%s: started %d, progress %d (max %d), want %d", c.name, rec.started[id], rec.progress[id], rec.maxSum[id], c.want)
		}
	}
}

// TestCopyBucketKeepsRcloneMD5 copies an object that rclone uploaded in
// parts with its whole MD5 in the metadata: the copy is checked against
// that MD5 and carries it on, so that `rclone check` verifies it too.
func TestCopyBucketKeepsRcloneMD5(t *testing.T) {
	b := newBuckets(t, sim.PairOptions{})
	b.bucket(b.src, "rclone-made")
	size := int64(11 << 20)
	data, _ := io.ReadAll(content{size: size, seed: 77}.reader())
	sum := md5.Sum(data)
	b.put("rclone-made", "ok.bin", size, 77, minio.PutObjectOptions{PartSize: 5 << 20,
		UserMetadata: map[string]string{"Md5chksum": base64.StdEncoding.EncodeToString(sum[:])}})
	res, err := b.copier.CopyBucket(b.ctx, "rclone-made", transfer.BucketOptions{})
	if err != nil || res.Copied != 1 || res.Retried != 0 {
		t.Fatalf("%+v, %v", res, err)
	}
	info, err := b.dst.Stat(b.ctx, "rclone-made", "ok.bin")
	if err != nil {
		t.Fatal(err)
	}
	if info.Metadata["Md5chksum"] != base64.StdEncoding.EncodeToString(sum[:]) {
		t.Errorf("the copy lost rclone's MD5: %v", info.Metadata)
	}
}
