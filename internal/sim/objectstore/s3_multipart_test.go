package objectstore_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
	"github.com/minio/minio-go/v7/pkg/tags"
)

// seeded is a reproducible stream of n pseudo-random bytes.
func seeded(seed uint64, n int64) io.Reader {
	var key [32]byte
	key[0] = byte(seed)
	return io.LimitReader(rand.NewChaCha8(key), n)
}

func TestS3MultipartLargeObject(t *testing.T) {
	e := newEnv(t)
	cred := e.ec2(t)
	mc := e.minio(t, cred.Access, cred.Secret)
	ctx := e.ctx
	if err := mc.MakeBucket(ctx, "big", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const part = 16 << 20
	const size = 4*part + 1<<20 + 123 // > 64 MiB: five parts
	info, err := mc.PutObject(ctx, "big", "blob.bin", seeded(1, size), size, minio.PutObjectOptions{DisableContentSha256: true,
		PartSize: part, NumThreads: 1, ContentType: "application/x-big", UserMetadata: map[string]string{"Seed": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	// The multipart ETag: md5 of the concatenated binary part MD5s, "-N".
	all, cat := md5.New(), md5.New()
	src := seeded(1, size)
	parts := 0
	for {
		h := md5.New()
		n, _ := io.CopyN(io.MultiWriter(h, all), src, part)
		if n == 0 {
			break
		}
		cat.Write(h.Sum(nil))
		parts++
	}
	want := fmt.Sprintf("%s-%d", hex.EncodeToString(cat.Sum(nil)), parts)
	if parts != 5 || info.ETag != want || info.Size != size {
		t.Fatalf("upload %+v, want etag %s", info, want)
	}
	st, err := mc.StatObject(ctx, "big", "blob.bin", minio.StatObjectOptions{})
	if err != nil || st.ETag != want || st.Size != size || st.ContentType != "application/x-big" || st.UserMetadata["Seed"] != "1" {
		t.Fatalf("stat %+v %v", st, err)
	}
	obj, err := mc.GetObject(ctx, "big", "blob.bin", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := md5.New()
	if n, err := io.Copy(got, obj); err != nil || n != size || !bytes.Equal(got.Sum(nil), all.Sum(nil)) {
		t.Fatalf("read back %d bytes, %v", n, err)
	}
	// A range across a part boundary.
	opts := minio.GetObjectOptions{}
	opts.SetRange(part-3, part+2)
	obj, _ = mc.GetObject(ctx, "big", "blob.bin", opts)
	r, _ := io.ReadAll(obj)
	whole, _ := io.ReadAll(io.LimitReader(seeded(1, size), part+3))
	if !bytes.Equal(r, whole[part-3:]) {
		t.Fatalf("range across parts: %x", r)
	}
	// Swift sees the same object.
	h, err := objects.Get(ctx, e.swift, "big", "blob.bin", nil).Extract()
	if err != nil || h.ContentLength != size {
		t.Fatalf("swift head %+v %v", h, err)
	}
}

func TestS3MultipartErrors(t *testing.T) {
	e := newEnv(t)
	cred := e.ec2(t)
	mc := e.minio(t, cred.Access, cred.Secret)
	core := minio.Core{Client: mc}
	ctx := e.ctx
	if err := mc.MakeBucket(ctx, "mpu", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	id, err := core.NewMultipartUpload(ctx, "mpu", "k", minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("too small")
	var done []minio.CompletePart
	for n := 1; n <= 2; n++ {
		p, err := core.PutObjectPart(ctx, "mpu", "k", id, n, bytes.NewReader(small), int64(len(small)), minio.PutObjectPartOptions{DisableContentSha256: true})
		if err != nil {
			t.Fatal(err)
		}
		done = append(done, minio.CompletePart{PartNumber: n, ETag: p.ETag})
	}
	ups, err := core.ListMultipartUploads(ctx, "mpu", "", "", "", "", 1000)
	if err != nil || len(ups.Uploads) != 1 || ups.Uploads[0].UploadID != id {
		t.Fatalf("uploads %+v %v", ups, err)
	}
	lp, err := core.ListObjectParts(ctx, "mpu", "k", id, 0, 1000)
	if err != nil || len(lp.ObjectParts) != 2 || lp.ObjectParts[1].Size != int64(len(small)) {
		t.Fatalf("parts %+v %v", lp, err)
	}
	_, err = core.CompleteMultipartUpload(ctx, "mpu", "k", id, done, minio.PutObjectOptions{})
	if s3Code(err) != "EntityTooSmall" {
		t.Fatalf("small parts: %v", err)
	}
	_, err = core.CompleteMultipartUpload(ctx, "mpu", "k", id, []minio.CompletePart{done[1], done[0]}, minio.PutObjectOptions{})
	if s3Code(err) != "InvalidPartOrder" {
		t.Fatalf("order: %v", err)
	}
	_, err = core.CompleteMultipartUpload(ctx, "mpu", "k", id, []minio.CompletePart{{PartNumber: 1, ETag: `"00"`}}, minio.PutObjectOptions{})
	if s3Code(err) != "InvalidPart" {
		t.Fatalf("bad part: %v", err)
	}
	// The last part may be small: one part completes.
	info, err := core.CompleteMultipartUpload(ctx, "mpu", "k", id, done[:1], minio.PutObjectOptions{})
	sum := md5.Sum(small)
	cat := md5.Sum(sum[:])
	if err != nil || info.ETag != hex.EncodeToString(cat[:])+"-1" {
		t.Fatalf("complete %+v %v", info, err)
	}
	id2, _ := core.NewMultipartUpload(ctx, "mpu", "k2", minio.PutObjectOptions{})
	if err := core.AbortMultipartUpload(ctx, "mpu", "k2", id2); err != nil {
		t.Fatal(err)
	}
	if err := core.AbortMultipartUpload(ctx, "mpu", "k2", id2); s3Code(err) != "NoSuchUpload" {
		t.Fatalf("abort twice: %v", err)
	}
}

func TestS3ListObjectsV2Paging(t *testing.T) {
	e := newEnv(t)
	cred := e.ec2(t)
	mc := e.minio(t, cred.Access, cred.Secret)
	core := minio.Core{Client: mc}
	ctx := e.ctx
	if err := mc.MakeBucket(ctx, "many", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	const n = 1100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	keys := make(chan string)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range keys {
				_, err := mc.PutObject(ctx, "many", k, strings.NewReader(k), int64(len(k)), minio.PutObjectOptions{DisableContentSha256: true})
				errs <- err
			}
		}()
	}
	for i := range n {
		keys <- fmt.Sprintf("dir%d/obj-%04d", i%3, i)
	}
	close(keys)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// Pages of 1000 at most, through the continuation token.
	var all []string
	token, pages := "", 0
	for {
		res, err := core.ListObjectsV2("many", "", "", token, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if res.IsTruncated && len(res.Contents) != 1000 {
			t.Fatalf("page %d: %d keys, truncated", pages, len(res.Contents))
		}
		for _, o := range res.Contents {
			all = append(all, o.Key)
		}
		if !res.IsTruncated {
			break
		}
		token = res.NextContinuationToken
	}
	if pages != 2 || len(all) != n || all[0] != "dir0/obj-0000" {
		t.Fatalf("%d pages, %d keys", pages, len(all))
	}
	// KeyCount, through a presigned URL.
	u, err := mc.Presign(ctx, http.MethodGet, "many", "", time.Minute, url.Values{"list-type": {"2"}, "max-keys": {"7"}, "prefix": {"dir2/"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		KeyCount    int
		IsTruncated bool
		Contents    []struct{ Key string }
	}
	err = xml.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if err != nil || page.KeyCount != 7 || len(page.Contents) != 7 || !page.IsTruncated || page.Contents[0].Key != "dir2/obj-0002" {
		t.Fatalf("presigned page %+v %v", page, err)
	}
	// Small pages, with a delimiter: the common prefixes, one per page.
	var prefixes []string
	token = ""
	for {
		res, err := core.ListObjectsV2("many", "", "", token, "/", 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.CommonPrefixes {
			prefixes = append(prefixes, p.Prefix)
		}
		if !res.IsTruncated {
			break
		}
		token = res.NextContinuationToken
	}
	if strings.Join(prefixes, ",") != "dir0/,dir1/,dir2/" {
		t.Fatalf("prefixes %v", prefixes)
	}
	res, err := core.ListObjectsV2("many", "dir1/", "dir1/obj-1000", "", "", 5)
	if err != nil || len(res.Contents) != 5 || res.Contents[0].Key != "dir1/obj-1003" || !res.IsTruncated {
		t.Fatalf("start-after: %+v %v", res.Contents, err)
	}
	// minio-go's own iterator and DeleteObjects.
	objs := make(chan minio.ObjectInfo)
	go func() {
		defer close(objs)
		for o := range mc.ListObjects(ctx, "many", minio.ListObjectsOptions{Recursive: true}) {
			objs <- o
		}
	}()
	for rerr := range mc.RemoveObjects(ctx, "many", objs, minio.RemoveObjectsOptions{}) {
		t.Fatalf("remove: %v", rerr.Err)
	}
	if err := mc.RemoveBucket(ctx, "many"); err != nil {
		t.Fatal(err)
	}
}

func TestS3BucketSubresources(t *testing.T) {
	e := newEnv(t)
	cred := e.ec2(t)
	mc := e.minio(t, cred.Access, cred.Secret)
	ctx := e.ctx
	if err := mc.MakeBucket(ctx, "conf", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	v, err := mc.GetBucketVersioning(ctx, "conf")
	if err != nil || v.Status != "" {
		t.Fatalf("versioning %+v %v", v, err)
	}
	if err := mc.EnableVersioning(ctx, "conf"); err != nil {
		t.Fatal(err)
	}
	if v, _ = mc.GetBucketVersioning(ctx, "conf"); v.Status != "Enabled" {
		t.Fatalf("versioning %+v", v)
	}
	// What Swift 2.30's s3api does with the other documents.
	if _, err := mc.GetBucketPolicy(ctx, "conf"); s3Code(err) != "NotImplemented" {
		t.Fatalf("get policy: %v", err)
	}
	if err := mc.SetBucketPolicy(ctx, "conf", `{"Version":"2012-10-17","Statement":[]}`); s3Code(err) != "NotImplemented" {
		t.Fatalf("set policy: %v", err)
	}
	if _, err := mc.GetBucketCors(ctx, "conf"); s3Code(err) != "NotImplemented" {
		t.Fatalf("get CORS: %v", err)
	}
	if err := mc.SetBucketCors(ctx, "conf", cors.NewConfig([]cors.Rule{{AllowedOrigin: []string{"*"}, AllowedMethod: []string{"GET"}}})); s3Code(err) != "NotImplemented" {
		t.Fatalf("set CORS: %v", err)
	}
	lc := lifecycle.NewConfiguration()
	lc.Rules = []lifecycle.Rule{{ID: "expire", Status: "Enabled", Expiration: lifecycle.Expiration{Days: 30}}}
	if err := mc.SetBucketLifecycle(ctx, "conf", lc); s3Code(err) != "MalformedXML" {
		t.Fatalf("set lifecycle: %v", err)
	}
	if _, err := mc.GetBucketLifecycle(ctx, "conf"); err == nil || s3Code(err) != "" {
		t.Fatalf("get lifecycle (a bucket listing, which minio-go cannot parse): %v", err)
	}
	if tg, err := mc.GetBucketTagging(ctx, "conf"); err != nil || len(tg.ToMap()) != 0 {
		t.Fatalf("bucket tagging %v %v", tg, err)
	}
	tg, _ := tags.NewTags(map[string]string{"a": "b"}, false)
	if err := mc.SetBucketTagging(ctx, "conf", tg); s3Code(err) != "NotImplemented" {
		t.Fatalf("set bucket tagging: %v", err)
	}
	if _, err := mc.PutObject(ctx, "conf", "tagged", strings.NewReader("x"), 1, minio.PutObjectOptions{DisableContentSha256: true,
		UserTags: map[string]string{"a": "b"}}); s3Code(err) != "NotImplemented" {
		t.Fatalf("put with x-amz-tagging: %v", err)
	}
	// Swift sees the versioning flag of the same container.
	h, err := objectsHeadContainer(e, "conf")
	if err != nil || h != "True" {
		t.Fatalf("X-Versions-Enabled %q %v", h, err)
	}
}

func objectsHeadContainer(e *env, name string) (string, error) {
	r := containers.Get(e.ctx, e.swift, name, nil)
	if r.Err != nil {
		return "", r.Err
	}
	return r.Header.Get("X-Versions-Enabled"), nil
}
