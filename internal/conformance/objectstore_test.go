package conformance

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
	"github.com/minio/minio-go/v7"
)

// objectStore is a Swift client; the test is skipped, saying so, when
// the catalog offers no object-store (scs-0123 makes it optional).
func objectStore(t *testing.T, e *Env) *gophercloud.ServiceClient {
	t.Helper()
	if !slices.Contains(e.S.Services, "object-store") {
		t.Skipf("the catalog has no object-store: %v", e.S.Services)
	}
	sc, err := openstack.NewObjectStorageV1(e.S.Provider, e.S.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestSwiftObjectRoundTrip(t *testing.T) {
	e := Open(t)
	sc := objectStore(t, e)
	name := RandomName("conf-")
	if err := containers.Create(e.Ctx, sc, name, containers.CreateOpts{Metadata: map[string]string{"Purpose": "conformance"}}).Err; err != nil {
		t.Fatalf("create container: %v", err)
	}
	t.Cleanup(func() { containers.Delete(e.Ctx, sc, name) })
	data := bytes.Repeat([]byte("conformance "), 100)
	sum := md5.Sum(data)
	res, err := objects.Create(e.Ctx, sc, name, "dir/obj.txt", objects.CreateOpts{Content: bytes.NewReader(data),
		ContentType: "text/plain", Metadata: map[string]string{"Color": "green"}}).Extract()
	if err != nil {
		t.Fatalf("put object: %v", err)
	}
	t.Cleanup(func() { objects.Delete(e.Ctx, sc, name, "dir/obj.txt", nil) })
	if res.ETag != hex.EncodeToString(sum[:]) {
		t.Errorf("ETag %q, want the MD5 %x", res.ETag, sum)
	}
	pages, err := objects.List(sc, name, objects.ListOpts{Delimiter: "/"}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	infos, _ := objects.ExtractInfo(pages)
	if len(infos) != 1 || infos[0].Subdir != "dir/" {
		t.Errorf("delimited listing %+v, want the one subdir dir/", infos)
	}
	r := objects.Download(e.Ctx, sc, name, "dir/obj.txt", objects.DownloadOpts{Range: "bytes=0-10"})
	got, err := r.ExtractContent()
	if err != nil || string(got) != "conformance" {
		t.Errorf("range read %q %v", got, err)
	}
	_, err = containers.Delete(e.Ctx, sc, name).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Errorf("delete non-empty container: %v, want 409", err)
	}
	_, err = objects.Create(e.Ctx, sc, name, "bad", objects.CreateOpts{Content: bytes.NewReader(data), ETag: strings.Repeat("0", 32)}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusUnprocessableEntity) {
		t.Errorf("ETag mismatch: %v, want 422", err)
	}
}

// TestS3SeesSwift: with EC2 credentials the tenant mints itself, S3 reads
// what Swift wrote (one store, two APIs).
func TestS3SeesSwift(t *testing.T) {
	e := Open(t)
	sc := objectStore(t, e)
	mc := s3Client(t, e)
	name := RandomName("conf-")
	if err := containers.Create(e.Ctx, sc, name, nil).Err; err != nil {
		t.Fatalf("create container: %v", err)
	}
	t.Cleanup(func() { containers.Delete(e.Ctx, sc, name) })
	if err := objects.Create(e.Ctx, sc, name, "hello.txt", objects.CreateOpts{Content: strings.NewReader("hello from swift"),
		Metadata: map[string]string{"Origin": "swift"}}).Err; err != nil {
		t.Fatalf("put object: %v", err)
	}
	t.Cleanup(func() { objects.Delete(e.Ctx, sc, name, "hello.txt", nil) })
	obj, err := mc.GetObject(e.Ctx, name, "hello.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	st, _ := obj.Stat()
	if err != nil || string(got) != "hello from swift" || st.UserMetadata["Origin"] != "swift" {
		t.Errorf("S3 read of a Swift object: %q %+v %v", got, st, err)
	}
	_, err = mc.StatObject(e.Ctx, name, "missing", minio.StatObjectOptions{})
	if minio.ToErrorResponse(err).StatusCode != http.StatusNotFound {
		t.Errorf("missing key: %v, want 404", err)
	}
	if err := mc.RemoveBucket(e.Ctx, name); minio.ToErrorResponse(err).Code != "BucketNotEmpty" {
		t.Errorf("remove non-empty bucket: %v, want BucketNotEmpty", err)
	}
}
