package objectstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/ec2credentials"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// ec2 mints EC2 credentials through Keystone's OS-EC2 API, as a tenant
// does.
func (e *env) ec2(t *testing.T) ec2credentials.Credential {
	t.Helper()
	idc, err := openstack.NewIdentityV3(e.s.Provider, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := ec2credentials.Create(e.ctx, idc, e.s.UserID, ec2credentials.CreateOpts{TenantID: e.s.ProjectID}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	return *cred
}

func (e *env) minio(t *testing.T, access, secret string) *minio.Client {
	t.Helper()
	mc, err := minio.New(e.c.S3Host(), &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Secure: false})
	if err != nil {
		t.Fatal(err)
	}
	return mc
}

func s3Code(err error) string { return minio.ToErrorResponse(err).Code }

func TestEC2Credentials(t *testing.T) {
	e := newEnv(t)
	idc, err := openstack.NewIdentityV3(e.s.Provider, gophercloud.EndpointOpts{})
	if err != nil {
		t.Fatal(err)
	}
	cred := e.ec2(t)
	if cred.Access == "" || cred.Secret == "" || cred.TenantID != e.s.ProjectID || cred.UserID != e.s.UserID {
		t.Fatalf("credential %+v", cred)
	}
	got, err := ec2credentials.Get(e.ctx, idc, e.s.UserID, cred.Access).Extract()
	if err != nil || got.Secret != cred.Secret {
		t.Fatalf("get %+v %v", got, err)
	}
	pages, err := ec2credentials.List(idc, e.s.UserID).AllPages(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := ec2credentials.ExtractCredentials(pages)
	if len(all) != 1 || all[0].Access != cred.Access || all[0].Secret != cred.Secret {
		t.Fatalf("list %+v", all)
	}
	// Another user's credentials are not the caller's to manage; a
	// project the user has no role on is refused.
	other := openEnv(t, e.c, 1)
	_, err = ec2credentials.List(idc, other.s.UserID).AllPages(e.ctx)
	wantStatus(t, err, http.StatusForbidden)
	// Keystone mints a credential for a project the user has no role on,
	// but it authenticates nothing.
	foreign, err := ec2credentials.Create(e.ctx, idc, e.s.UserID, ec2credentials.CreateOpts{TenantID: other.s.ProjectID}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.minio(t, foreign.Access, foreign.Secret).ListBuckets(e.ctx); s3Code(err) != "AccessDenied" {
		t.Fatalf("credential for a foreign project: %v", err)
	}
	_, err = ec2credentials.Create(e.ctx, idc, e.s.UserID, ec2credentials.CreateOpts{TenantID: "nope"}).Extract()
	wantStatus(t, err, http.StatusNotFound)

	mc := e.minio(t, cred.Access, cred.Secret)
	if _, err := mc.ListBuckets(e.ctx); err != nil {
		t.Fatal(err)
	}
	if err := ec2credentials.Delete(e.ctx, idc, e.s.UserID, cred.Access).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	_, err = mc.ListBuckets(e.ctx)
	if s3Code(err) != "InvalidAccessKeyId" {
		t.Fatalf("deleted credential: %v", err)
	}
}

func TestS3Basics(t *testing.T) {
	e := newEnv(t)
	ctx := e.ctx
	cred := e.ec2(t)
	mc := e.minio(t, cred.Access, cred.Secret)

	if err := mc.MakeBucket(ctx, "web", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if s3Code(mc.MakeBucket(ctx, "web", minio.MakeBucketOptions{})) != "BucketAlreadyOwnedByYou" {
		t.Fatal("re-create: want BucketAlreadyOwnedByYou")
	}
	other := openEnv(t, e.c, 1)
	ocred := other.ec2(t)
	oc := other.minio(t, ocred.Access, ocred.Secret)
	// Bucket names are per project, as Swift's s3api has them (one
	// account each): another project's bucket is none of its own, and it
	// can create one of the same name.
	if _, err := oc.StatObject(ctx, "web", "x", minio.StatObjectOptions{}); minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		t.Fatalf("other project's bucket: %v", err)
	}
	if _, err := (minio.Core{Client: oc}).ListObjectsV2("web", "", "", "", "", 10); s3Code(err) != "NoSuchBucket" {
		t.Fatalf("list other project's bucket: %v", err)
	}
	if err := oc.MakeBucket(ctx, "web", minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("other project's name: %v", err)
	}
	if err := oc.RemoveBucket(ctx, "web"); err != nil {
		t.Fatalf("remove own bucket of the same name: %v", err)
	}
	if ok, err := mc.BucketExists(ctx, "web"); !ok || err != nil {
		t.Fatalf("exists %v %v", ok, err)
	}
	if ok, err := mc.BucketExists(ctx, "nope"); ok || err != nil {
		t.Fatalf("exists nope %v %v", ok, err)
	}

	kib := bytes.Repeat([]byte("0123456789abcdef"), 64)
	for key, data := range map[string][]byte{"empty": {}, "dir/kib.bin": kib} {
		info, err := mc.PutObject(ctx, "web", key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{DisableContentSha256: true,
			ContentType: "application/x-test", UserMetadata: map[string]string{"Color": "red"}})
		if err != nil {
			t.Fatal(err)
		}
		if info.ETag != md5hex(data) {
			t.Fatalf("%s etag %s", key, info.ETag)
		}
		st, err := mc.StatObject(ctx, "web", key, minio.StatObjectOptions{})
		if err != nil || st.Size != int64(len(data)) || st.ContentType != "application/x-test" || st.UserMetadata["Color"] != "red" {
			t.Fatalf("%s stat %+v %v", key, st, err)
		}
	}
	obj, err := mc.GetObject(ctx, "web", "dir/kib.bin", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(got, kib) {
		t.Fatalf("get %d bytes %v", len(got), err)
	}
	opts := minio.GetObjectOptions{}
	opts.SetRange(16, 31)
	obj, _ = mc.GetObject(ctx, "web", "dir/kib.bin", opts)
	got, err = io.ReadAll(obj)
	if err != nil || string(got) != "0123456789abcdef" {
		t.Fatalf("range %q %v", got, err)
	}
	if _, err := mc.CopyObject(ctx, minio.CopyDestOptions{Bucket: "web", Object: "copy"},
		minio.CopySrcOptions{Bucket: "web", Object: "dir/kib.bin"}); err != nil {
		t.Fatal(err)
	}
	st, err := mc.StatObject(ctx, "web", "copy", minio.StatObjectOptions{})
	if err != nil || st.ETag != md5hex(kib) || st.UserMetadata["Color"] != "red" {
		t.Fatalf("copy %+v %v", st, err)
	}

	// Errors.
	_, err = mc.StatObject(ctx, "nope", "x", minio.StatObjectOptions{})
	if minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		t.Fatalf("stat in missing bucket: %v", err)
	}
	_, err = mc.PutObject(ctx, "nope", "x", bytes.NewReader(nil), 0, minio.PutObjectOptions{DisableContentSha256: true})
	if s3Code(err) != "NoSuchBucket" {
		t.Fatalf("put to missing bucket: %v", err)
	}
	obj, _ = mc.GetObject(ctx, "web", "missing", minio.GetObjectOptions{})
	if _, err := io.ReadAll(obj); s3Code(err) != "NoSuchKey" {
		t.Fatalf("missing key: %v", err)
	}
	if err := mc.RemoveBucket(ctx, "web"); s3Code(err) != "BucketNotEmpty" {
		t.Fatalf("remove non-empty: %v", err)
	}
	bad := e.minio(t, cred.Access, "wrong-secret")
	if _, err := bad.ListBuckets(ctx); s3Code(err) != "SignatureDoesNotMatch" {
		t.Fatalf("wrong secret: %v", err)
	}

	// One store: what S3 puts Swift reads, and the other way round.
	sw, err := content(objects.Download(ctx, e.swift, "web", "dir/kib.bin", nil))
	if err != nil || !bytes.Equal(sw, kib) {
		t.Fatalf("swift read of s3 object: %v", err)
	}
	meta, _ := objects.Get(ctx, e.swift, "web", "dir/kib.bin", nil).ExtractMetadata()
	if meta["Color"] != "red" {
		t.Fatalf("swift metadata %v", meta)
	}
	if _, err := containers.Create(ctx, e.swift, "from-swift", nil).Extract(); err != nil {
		t.Fatal(err)
	}
	if _, err := objects.Create(ctx, e.swift, "from-swift", "a.txt", objects.CreateOpts{Content: strings.NewReader("via swift"),
		Metadata: map[string]string{"Kind": "note"}}).Extract(); err != nil {
		t.Fatal(err)
	}
	obj, _ = mc.GetObject(ctx, "from-swift", "a.txt", minio.GetObjectOptions{})
	got, err = io.ReadAll(obj)
	st, _ = obj.Stat()
	if err != nil || string(got) != "via swift" || st.UserMetadata["Kind"] != "note" || st.ContentType != "text/plain; charset=utf-8" {
		t.Fatalf("s3 read of swift object %q %+v %v", got, st, err)
	}

	// Listing and removal.
	var keys []string
	for o := range mc.ListObjects(ctx, "web", minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		keys = append(keys, o.Key)
	}
	if strings.Join(keys, ",") != "copy,dir/kib.bin,empty" {
		t.Fatalf("list %v", keys)
	}
	var v1 []string
	for o := range mc.ListObjects(ctx, "web", minio.ListObjectsOptions{UseV1: true, Prefix: "d"}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		v1 = append(v1, o.Key)
	}
	if strings.Join(v1, ",") != "dir/" {
		t.Fatalf("ListObjects v1 with delimiter: %v", v1)
	}
	for _, k := range keys {
		if err := mc.RemoveObject(ctx, "web", k, minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := mc.RemoveBucket(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	buckets, err := mc.ListBuckets(ctx)
	if err != nil || len(buckets) != 1 || buckets[0].Name != "from-swift" {
		t.Fatalf("buckets %+v %v", buckets, err)
	}
	_ = context.Background
}

// TestS3CatalogEndpoint drives the catalog's endpoint (path-style under
// /s3) with requests signed by hand, and checks a signed payload hash.
func TestS3CatalogEndpoint(t *testing.T) {
	e := newEnv(t)
	cred := e.ec2(t)
	base := e.c.URL() + "/s3"
	do := func(method, path string, body []byte, payloadHash string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(e.ctx, method, base+path, bytes.NewReader(body))
		req.Header.Set("X-Amz-Content-Sha256", payloadHash)
		req = signer.SignV4(*req, cred.Access, cred.Secret, "", "RegionOne")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	sha := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
	if resp, body := do(http.MethodPut, "/cat", nil, sha(nil)); resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %d %s", resp.StatusCode, body)
	}
	data := []byte("signed payload")
	if resp, body := do(http.MethodPut, "/cat/a%20b.txt", data, sha(data)); resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") != `"`+md5hex(data)+`"` {
		t.Fatalf("put: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	if resp, body := do(http.MethodGet, "/cat/a%20b.txt", nil, sha(nil)); resp.StatusCode != http.StatusOK || body != string(data) {
		t.Fatalf("get: %d %q", resp.StatusCode, body)
	}
	if resp, body := do(http.MethodPut, "/cat/x", data, sha([]byte("other"))); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<Code>XAmzContentSHA256Mismatch</Code>") {
		t.Fatalf("payload hash mismatch: %d %s", resp.StatusCode, body)
	}
	if resp, body := do(http.MethodGet, "/cat/none", nil, sha(nil)); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "<Code>NoSuchKey</Code>") {
		t.Fatalf("no such key: %d %s", resp.StatusCode, body)
	}
	// Unsigned requests are refused.
	resp, err := http.Get(base + "/cat/a%20b.txt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned: %d", resp.StatusCode)
	}
}

// TestS3SwiftRefusals: what Swift 2.30's s3api refuses before it looks
// at the bucket, the simulator refuses the same way.
func TestS3SwiftRefusals(t *testing.T) {
	e := newEnv(t)
	cred := e.ec2(t)
	mc := e.minio(t, cred.Access, cred.Secret)
	ctx := e.ctx
	if err := mc.MakeBucket(ctx, "refusals", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	// minio-go's default over plain HTTP: an aws-chunked signed payload.
	if _, err := (minio.Core{Client: mc}).PutObject(ctx, "refusals", "chunked", strings.NewReader("data"), 4, "", "", minio.PutObjectOptions{}); s3Code(err) != "NotImplemented" {
		t.Fatalf("aws-chunked put: %v", err)
	}
	if _, err := mc.PutObject(ctx, "refusals", "glacier", strings.NewReader("data"), 4, minio.PutObjectOptions{DisableContentSha256: true, StorageClass: "GLACIER"}); s3Code(err) != "InvalidStorageClass" {
		t.Fatalf("storage class: %v", err)
	}
	// A request signed for another region names the right one.
	other, err := minio.New(e.c.S3Host(), &minio.Options{Creds: credentials.NewStaticV4(cred.Access, cred.Secret, ""), Region: "elsewhere-1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = minio.Core{Client: other}.ListObjectsV2("refusals", "", "", "", "", 10)
	if r := minio.ToErrorResponse(err); r.Code != "AuthorizationHeaderMalformed" || r.Region != "RegionOne" {
		t.Fatalf("signed for elsewhere-1: %v %+v", err, r)
	}
	lower, _ := minio.New(e.c.S3Host(), &minio.Options{Creds: credentials.NewStaticV4(cred.Access, cred.Secret, ""), Region: "regionone"})
	if _, err := (minio.Core{Client: lower}).ListObjectsV2("refusals", "", "", "", "", 10); err != nil {
		t.Fatalf("signed for the lowercase region: %v", err)
	}
	// A bucket's creation body must be a CreateBucketConfiguration for the region.
	base := e.c.URL() + "/s3"
	put := func(path, body string) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, base+path, strings.NewReader(body))
		req.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		req = signer.SignV4(*req, cred.Access, cred.Secret, "", "RegionOne")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	conf := func(loc string) string {
		return `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>` + loc + `</LocationConstraint></CreateBucketConfiguration>`
	}
	if code, body := put("/b-elsewhere", conf("elsewhere-1")); code != http.StatusBadRequest || !strings.Contains(body, "<Code>InvalidLocationConstraint</Code>") {
		t.Fatalf("other location: %d %s", code, body)
	}
	if code, body := put("/b-here", conf("RegionOne")); code != http.StatusOK {
		t.Fatalf("this location: %d %s", code, body)
	}
	if code, body := put("/refusals?lifecycle", `<LifecycleConfiguration><Rule><Status>Enabled</Status></Rule></LifecycleConfiguration>`); code != http.StatusBadRequest || !strings.Contains(body, "<Code>MalformedXML</Code>") {
		t.Fatalf("put lifecycle: %d %s", code, body)
	}
}
