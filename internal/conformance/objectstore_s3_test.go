package conformance

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/ec2credentials"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/cors"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
	"github.com/minio/minio-go/v7/pkg/tags"
)

// s3Client is a minio-go client of the catalog's object-store-s3
// endpoint, path-style, SigV4 for the session's region, with an EC2
// credential the tenant mints itself (deleted with the test). The test
// is skipped, saying so, when the catalog has no such endpoint.
func s3Client(t *testing.T, e *Env) *minio.Client {
	t.Helper()
	endpoint, err := e.S.Provider.EndpointLocator(gophercloud.EndpointOpts{Type: "object-store-s3",
		Region: e.S.Endpoint.Region, Availability: gophercloud.AvailabilityPublic})
	if err != nil {
		t.Skipf("the catalog has no object-store-s3 endpoint (the scs-0123 v2 draft's name): %v", err)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatalf("parse S3 endpoint %q: %v", endpoint, err)
	}
	if p := strings.Trim(u.Path, "/"); p != "" && e.Real() {
		t.Skipf("S3 endpoint %s has a path, which minio-go cannot address", endpoint)
	}
	idc, err := openstack.NewIdentityV3(e.S.Provider, e.S.Endpoint)
	if err != nil {
		t.Fatalf("identity client: %v", err)
	}
	cred, err := ec2credentials.Create(e.Ctx, idc, e.S.UserID, ec2credentials.CreateOpts{TenantID: e.S.ProjectID}).Extract()
	if err != nil {
		t.Fatalf("create EC2 credential: %v", err)
	}
	t.Cleanup(func() { ec2credentials.Delete(e.Ctx, idc, e.S.UserID, cred.Access) })
	region := e.S.Endpoint.Region
	if region == "" {
		region = "RegionOne"
	}
	mc, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(cred.Access, cred.Secret, ""),
		Secure: u.Scheme == "https", Region: region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatalf("S3 client for %s: %v", endpoint, err)
	}
	return mc
}

// s3Bucket creates a bucket through S3 and removes it (and whatever the
// test left in it) at the end.
func s3Bucket(t *testing.T, e *Env, mc *minio.Client) string {
	t.Helper()
	name := RandomName("conf-")
	if err := mc.MakeBucket(e.Ctx, name, minio.MakeBucketOptions{Region: regionOf(e)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	t.Cleanup(func() {
		for o := range mc.ListObjects(e.Ctx, name, minio.ListObjectsOptions{Recursive: true}) {
			if o.Err == nil {
				mc.RemoveObject(e.Ctx, name, o.Key, minio.RemoveObjectOptions{})
			}
		}
		for u := range mc.ListIncompleteUploads(e.Ctx, name, "", true) {
			if u.Err == nil {
				mc.RemoveIncompleteUpload(e.Ctx, name, u.Key)
			}
		}
		if err := mc.RemoveBucket(e.Ctx, name); err != nil {
			t.Logf("remove bucket %s: %v", name, err)
		}
	})
	return name
}

// unsigned puts the payload as UNSIGNED-PAYLOAD. Over plain HTTP
// minio-go otherwise sends it aws-chunked (STREAMING-AWS4-HMAC-SHA256-
// PAYLOAD), which Swift's s3api refuses (TestS3StreamingPayload).
var unsigned = minio.PutObjectOptions{DisableContentSha256: true}

func regionOf(e *Env) string {
	if r := e.S.Endpoint.Region; r != "" {
		return r
	}
	return "RegionOne"
}

// TestS3ListObjectsV2Paging: max-keys cuts a listing into pages that a
// continuation token resumes, in key order, with IsTruncated and
// NextContinuationToken telling whether another follows.
func TestS3ListObjectsV2Paging(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)
	keys := []string{"a/1", "a/2", "b", "c/3", "d"}
	for _, k := range keys {
		if _, err := mc.PutObject(e.Ctx, b, k, strings.NewReader(k), int64(len(k)), unsigned); err != nil {
			t.Fatalf("put %s: %v", k, err)
		}
	}
	core := minio.Core{Client: mc}
	var got []string
	token := ""
	for page := 1; ; page++ {
		res, err := core.ListObjectsV2(b, "", "", token, "", 2)
		if err != nil {
			t.Fatalf("list page %d: %v", page, err)
		}
		var names []string
		for _, o := range res.Contents {
			names = append(names, o.Key)
		}
		got = append(got, names...)
		if res.MaxKeys != 2 || res.ContinuationToken != token {
			t.Errorf("page %d: MaxKeys %d ContinuationToken %q, want 2 and %q", page, res.MaxKeys, res.ContinuationToken, token)
		}
		if !res.IsTruncated {
			if res.NextContinuationToken != "" {
				t.Errorf("last page %d has a NextContinuationToken %q", page, res.NextContinuationToken)
			}
			if page != 3 {
				t.Errorf("%d pages of max-keys 2 for 5 keys, want 3", page)
			}
			break
		}
		if len(res.Contents) != 2 || res.NextContinuationToken == "" {
			t.Fatalf("truncated page %d: %v, token %q", page, names, res.NextContinuationToken)
		}
		if page > 5 {
			t.Fatal("listing does not end")
		}
		token = res.NextContinuationToken
	}
	if !slices.Equal(got, keys) {
		t.Errorf("paged listing %v, want %v", got, keys)
	}
	// With a delimiter the prefixes count as keys of a page.
	res, err := core.ListObjectsV2(b, "", "", "", "/", 2)
	if err != nil {
		t.Fatalf("delimited list: %v", err)
	}
	if len(res.CommonPrefixes) != 1 || res.CommonPrefixes[0].Prefix != "a/" || len(res.Contents) != 1 || res.Contents[0].Key != "b" || !res.IsTruncated {
		t.Errorf("delimited first page: prefixes %+v contents %+v truncated %v, want a/ and b, truncated", res.CommonPrefixes, res.Contents, res.IsTruncated)
	}
	// start-after skips to the key after it.
	res, err = core.ListObjectsV2(b, "", "b", "", "", 10)
	if err != nil {
		t.Fatalf("list start-after: %v", err)
	}
	if len(res.Contents) != 2 || res.Contents[0].Key != "c/3" {
		t.Errorf("start-after b: %+v, want c/3 and d", res.Contents)
	}
}

// TestS3MultipartUpload: two parts (the first of the 5 MiB minimum);
// the object's ETag is the MD5 of the parts' binary MD5s with the part
// count, and HEAD shows the size, Content-Type and metadata given when
// the upload began.
func TestS3MultipartUpload(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)
	core := minio.Core{Client: mc}
	parts := [][]byte{bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16), []byte("the small last part")}
	id, err := core.NewMultipartUpload(e.Ctx, b, "big.bin", minio.PutObjectOptions{ContentType: "application/x-conformance",
		UserMetadata: map[string]string{"Purpose": "conformance"}})
	if err != nil {
		t.Fatalf("initiate: %v", err)
	}
	var done []minio.CompletePart
	var sums []byte
	size := 0
	for i, p := range parts {
		sum := md5.Sum(p)
		sums = append(sums, sum[:]...)
		size += len(p)
		op, err := core.PutObjectPart(e.Ctx, b, "big.bin", id, i+1, bytes.NewReader(p), int64(len(p)), minio.PutObjectPartOptions{DisableContentSha256: true})
		if err != nil {
			t.Fatalf("part %d: %v", i+1, err)
		}
		if op.ETag != hex.EncodeToString(sum[:]) {
			t.Errorf("part %d ETag %q, want its MD5 %x", i+1, op.ETag, sum)
		}
		done = append(done, minio.CompletePart{PartNumber: i + 1, ETag: op.ETag})
	}
	lp, err := core.ListObjectParts(e.Ctx, b, "big.bin", id, 0, 1000)
	if err != nil {
		t.Fatalf("list parts: %v", err)
	}
	if len(lp.ObjectParts) != 2 || lp.ObjectParts[0].Size != int64(len(parts[0])) {
		t.Errorf("list parts: %+v", lp.ObjectParts)
	}
	info, err := core.CompleteMultipartUpload(e.Ctx, b, "big.bin", id, done, minio.PutObjectOptions{})
	if err != nil {
		t.Fatalf("complete: %v", err)
	}
	whole := md5.Sum(sums)
	want := fmt.Sprintf("%x-%d", whole, len(parts))
	if strings.Trim(info.ETag, `"`) != want {
		t.Errorf("complete: ETag %q, want %q", info.ETag, want)
	}
	st, err := mc.StatObject(e.Ctx, b, "big.bin", minio.StatObjectOptions{})
	if err != nil {
		t.Fatalf("HEAD: %v", err)
	}
	if st.Size != int64(size) || st.ETag != want || st.ContentType != "application/x-conformance" || st.UserMetadata["Purpose"] != "conformance" {
		t.Errorf("HEAD: size %d ETag %q type %q meta %v; want %d %q application/x-conformance Purpose=conformance",
			st.Size, st.ETag, st.ContentType, st.UserMetadata, size, want)
	}
	obj, err := mc.GetObject(e.Ctx, b, "big.bin", minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer obj.Close()
	h := md5.New()
	if _, err := io.Copy(h, obj); err != nil {
		t.Fatalf("read: %v", err)
	}
	all := md5.Sum(append(append([]byte(nil), parts[0]...), parts[1]...))
	if !bytes.Equal(h.Sum(nil), all[:]) {
		t.Error("the object's bytes are not the parts' bytes")
	}
	// A part below the minimum that is not the last fails the completion.
	id2, err := core.NewMultipartUpload(e.Ctx, b, "small.bin", minio.PutObjectOptions{})
	if err != nil {
		t.Fatalf("initiate: %v", err)
	}
	var small []minio.CompletePart
	for i := 1; i <= 2; i++ {
		op, err := core.PutObjectPart(e.Ctx, b, "small.bin", id2, i, strings.NewReader("tiny"), 4, minio.PutObjectPartOptions{DisableContentSha256: true})
		if err != nil {
			t.Fatalf("small part %d: %v", i, err)
		}
		small = append(small, minio.CompletePart{PartNumber: i, ETag: op.ETag})
	}
	_, err = core.CompleteMultipartUpload(e.Ctx, b, "small.bin", id2, small, minio.PutObjectOptions{})
	if c := minio.ToErrorResponse(err).Code; c != "EntityTooSmall" {
		t.Errorf("complete with a small first part: %v (code %q), want EntityTooSmall", err, c)
	}
	if err := core.AbortMultipartUpload(e.Ctx, b, "small.bin", id2); err != nil {
		t.Errorf("abort: %v", err)
	}
	_, err = core.ListObjectParts(e.Ctx, b, "small.bin", id2, 0, 1000)
	if c := minio.ToErrorResponse(err).Code; c != "NoSuchUpload" {
		t.Errorf("list parts of an aborted upload: %v (code %q), want NoSuchUpload", err, c)
	}
}

// TestS3Errors: the error codes a client branches on.
func TestS3Errors(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)
	code := func(err error) (string, int) {
		r := minio.ToErrorResponse(err)
		return r.Code, r.StatusCode
	}
	obj, err := mc.GetObject(e.Ctx, b, "missing", minio.GetObjectOptions{})
	if err == nil { // a read is a GET, whose body has the code (Stat would HEAD)
		_, err = io.ReadAll(obj)
		obj.Close()
	}
	if c, s := code(err); c != "NoSuchKey" || s != http.StatusNotFound {
		t.Errorf("GET a missing key: %v (%q %d), want NoSuchKey 404", err, c, s)
	}
	missing := RandomName("conf-missing-")
	obj, err = mc.GetObject(e.Ctx, missing, "key", minio.GetObjectOptions{})
	if err == nil { // a read is a GET, whose body has the code (Stat would HEAD)
		_, err = io.ReadAll(obj)
		obj.Close()
	}
	if c, s := code(err); c != "NoSuchBucket" || s != http.StatusNotFound {
		t.Errorf("GET from a missing bucket: %v (%q %d), want NoSuchBucket 404", err, c, s)
	}
	_, err = minio.Core{Client: mc}.ListObjectsV2(missing, "", "", "", "", 10)
	if c, s := code(err); c != "NoSuchBucket" || s != http.StatusNotFound {
		t.Errorf("list a missing bucket: %v (%q %d), want NoSuchBucket 404", err, c, s)
	}
	if ok, err := mc.BucketExists(e.Ctx, missing); ok || err != nil {
		t.Errorf("HEAD a missing bucket: exists %v, %v", ok, err)
	}
	err = mc.MakeBucket(e.Ctx, b, minio.MakeBucketOptions{Region: regionOf(e)})
	if c, s := code(err); c != "BucketAlreadyOwnedByYou" || s != http.StatusConflict {
		t.Errorf("create own bucket again: %v (%q %d), want BucketAlreadyOwnedByYou 409", err, c, s)
	}
	if _, err := mc.PutObject(e.Ctx, b, "k", strings.NewReader("x"), 1, unsigned); err != nil {
		t.Fatalf("put: %v", err)
	}
	err = mc.RemoveBucket(e.Ctx, b)
	if c, s := code(err); c != "BucketNotEmpty" || s != http.StatusConflict {
		t.Errorf("remove a non-empty bucket: %v (%q %d), want BucketNotEmpty 409", err, c, s)
	}
	// Deleting a key that is not there succeeds (S3 semantics).
	if err := mc.RemoveObject(e.Ctx, b, "never-was", minio.RemoveObjectOptions{}); err != nil {
		t.Errorf("delete a missing key: %v, want success", err)
	}
}

// TestS3BucketVersioning: a new bucket has no versioning status;
// Enabled and Suspended read back as set.
func TestS3BucketVersioning(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)
	v, err := mc.GetBucketVersioning(e.Ctx, b)
	if err != nil || v.Status != "" {
		t.Fatalf("versioning of a new bucket: %+v %v, want no status", v, err)
	}
	for _, status := range []string{"Enabled", "Suspended"} {
		if err := mc.SetBucketVersioning(e.Ctx, b, minio.BucketVersioningConfiguration{Status: status}); err != nil {
			t.Fatalf("set versioning %s: %v", status, err)
		}
		v, err := mc.GetBucketVersioning(e.Ctx, b)
		if err != nil || v.Status != status {
			t.Errorf("versioning after setting %s: %+v %v", status, v, err)
		}
	}
}

// TestS3SignedForAnotherRegion: a request signed for a region that is
// not the endpoint's fails with AuthorizationHeaderMalformed naming the
// right one (minio-go retries with it, so a client without a region
// works).
func TestS3SignedForAnotherRegion(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)
	creds, err := mc.GetCreds()
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	other, err := minio.New(mc.EndpointURL().Host, &minio.Options{Creds: credentials.NewStaticV4(creds.AccessKeyID, creds.SecretAccessKey, ""),
		Secure: mc.EndpointURL().Scheme == "https", Region: "elsewhere-1", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatalf("S3 client: %v", err)
	}
	_, err = minio.Core{Client: other}.ListObjectsV2(b, "", "", "", "", 10)
	if r := minio.ToErrorResponse(err); r.Code != "AuthorizationHeaderMalformed" || r.StatusCode != http.StatusBadRequest || r.Region != regionOf(e) {
		t.Errorf("list signed for elsewhere-1: %v (%q %d region %q), want AuthorizationHeaderMalformed 400 naming %s", err, r.Code, r.StatusCode, r.Region, regionOf(e))
	}
	anyRegion, err := minio.New(mc.EndpointURL().Host, &minio.Options{Creds: credentials.NewStaticV4(creds.AccessKeyID, creds.SecretAccessKey, ""),
		Secure: mc.EndpointURL().Scheme == "https", BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatalf("S3 client: %v", err)
	}
	if loc, err := anyRegion.GetBucketLocation(e.Ctx, b); err != nil || loc != regionOf(e) {
		t.Errorf("bucket location without a client region: %q %v, want %s", loc, err, regionOf(e))
	}
	if ok, err := anyRegion.BucketExists(e.Ctx, b); !ok || err != nil {
		t.Errorf("bucket exists without a client region: %v %v", ok, err)
	}
}

// TestS3StreamingPayload: an unsigned payload is stored; an aws-chunked
// one (minio-go's default for a PUT over plain HTTP) is refused by
// Swift's s3api with 501 NotImplemented, which the simulator must show.
func TestS3StreamingPayload(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)
	if _, err := mc.PutObject(e.Ctx, b, "unsigned", strings.NewReader("payload"), 7, unsigned); err != nil {
		t.Fatalf("put with an unsigned payload: %v", err)
	}
	if mc.EndpointURL().Scheme == "https" {
		t.Skip("minio-go sends aws-chunked payloads over plain HTTP only")
	}
	_, err := minio.Core{Client: mc}.PutObject(e.Ctx, b, "chunked", strings.NewReader("payload"), 7, "", "", minio.PutObjectOptions{})
	r := minio.ToErrorResponse(err)
	switch {
	case err == nil && e.Real():
		t.Log("this cloud takes aws-chunked payloads (Swift's s3api does not)")
	case r.Code != "NotImplemented" || r.StatusCode != http.StatusNotImplemented:
		t.Errorf("aws-chunked put: %v (%q %d), want NotImplemented 501 as Swift's s3api answers", err, r.Code, r.StatusCode)
	}
}

// refused tells whether err is the refusal Swift 2.30's s3api gives for
// a bucket sub-resource it does not implement. On another real cloud
// the call may work (then true is returned with ok, and the caller checks
// the round trip); the simulator must refuse as Swift does.
func refused(t *testing.T, e *Env, what string, err error, code string, status int) (ok bool) {
	t.Helper()
	r := minio.ToErrorResponse(err)
	switch {
	case err == nil && e.Real():
		t.Logf("%s: this cloud implements it (Swift's s3api answers %s)", what, code)
		return true
	case r.Code == code && r.StatusCode == status:
		return false
	}
	t.Errorf("%s: %v (%q %d), want %s %d as Swift's s3api answers", what, err, r.Code, r.StatusCode, code, status)
	return false
}

// TestS3BucketSubresources: what Swift 2.30's s3api does with bucket
// configuration documents, i.e. what a migration can carry over to it.
// CORS and bucket policies are not implemented (501); bucket tagging
// reads as empty and cannot be set (501); a lifecycle configuration is
// refused (s3api takes PUT ?lifecycle for a bucket creation whose body
// is not a CreateBucketConfiguration: MalformedXML).
func TestS3BucketSubresources(t *testing.T) {
	e := Open(t)
	mc := s3Client(t, e)
	b := s3Bucket(t, e, mc)

	rule := cors.Rule{AllowedOrigin: []string{"https://example.com"}, AllowedMethod: []string{"GET", "PUT"}, AllowedHeader: []string{"*"}, MaxAgeSeconds: 600}
	if refused(t, e, "put CORS", mc.SetBucketCors(e.Ctx, b, cors.NewConfig([]cors.Rule{rule})), "NotImplemented", http.StatusNotImplemented) {
		got, err := mc.GetBucketCors(e.Ctx, b)
		if err != nil || got == nil || len(got.CORSRules) != 1 || !slices.Equal(got.CORSRules[0].AllowedOrigin, rule.AllowedOrigin) || got.CORSRules[0].MaxAgeSeconds != 600 {
			t.Errorf("CORS round trip: %+v %v", got, err)
		}
	} else {
		_, err := mc.GetBucketCors(e.Ctx, b)
		refused(t, e, "get CORS", err, "NotImplemented", http.StatusNotImplemented)
	}

	lc := lifecycle.NewConfiguration()
	lc.Rules = []lifecycle.Rule{{ID: "expire-tmp", Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: "tmp/"}, Expiration: lifecycle.Expiration{Days: 7}}}
	if refused(t, e, "put lifecycle", mc.SetBucketLifecycle(e.Ctx, b, lc), "MalformedXML", http.StatusBadRequest) {
		got, err := mc.GetBucketLifecycle(e.Ctx, b)
		if err != nil || got == nil || len(got.Rules) != 1 || got.Rules[0].ID != "expire-tmp" || got.Rules[0].Expiration.Days != 7 {
			t.Errorf("lifecycle round trip: %+v %v", got, err)
		}
	}

	const policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`
	if refused(t, e, "put policy", mc.SetBucketPolicy(e.Ctx, b, fmt.Sprintf(policy, b)), "NotImplemented", http.StatusNotImplemented) {
		got, err := mc.GetBucketPolicy(e.Ctx, b)
		if err != nil || !strings.Contains(got, "s3:GetObject") {
			t.Errorf("policy round trip: %q %v", got, err)
		}
	} else {
		_, err := mc.GetBucketPolicy(e.Ctx, b)
		refused(t, e, "get policy", err, "NotImplemented", http.StatusNotImplemented)
	}

	tg, err := tags.NewTags(map[string]string{"team": "conformance"}, false)
	if err != nil {
		t.Fatalf("tags: %v", err)
	}
	if refused(t, e, "put bucket tagging", mc.SetBucketTagging(e.Ctx, b, tg), "NotImplemented", http.StatusNotImplemented) {
		got, err := mc.GetBucketTagging(e.Ctx, b)
		if err != nil || got.ToMap()["team"] != "conformance" {
			t.Errorf("tagging round trip: %v %v", got, err)
		}
	} else if got, err := mc.GetBucketTagging(e.Ctx, b); err != nil || len(got.ToMap()) != 0 {
		t.Errorf("bucket tagging where it cannot be set: %v %v, want an empty tag set", got, err)
	}
}
