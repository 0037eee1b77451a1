package objectstore_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/accounts"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// env is a simulated cloud and a tenant's session on it.
type env struct {
	c     *sim.Cloud
	s     *cloud.Session
	swift *gophercloud.ServiceClient
	ctx   context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	c, err := sim.New(sim.Options{Projects: []sim.ProjectSpec{
		{Name: "tenant", User: "u", Password: "pw"}, {Name: "other", User: "o", Password: "pw2"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return openEnv(t, c, 0)
}

func openEnv(t *testing.T, c *sim.Cloud, project int) *env {
	t.Helper()
	file := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := sim.WriteCloudsYAML(file, []sim.CloudEntry{{Name: "sim", Cloud: c, Project: c.Projects()[project]}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	s, err := cloud.Open(ctx, "sim", cloud.Options{CloudsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := openstack.NewObjectStorageV1(s.Provider, s.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return &env{c: c, s: s, swift: sc, ctx: ctx}
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func wantStatus(t *testing.T, err error, code int) {
	t.Helper()
	if !gophercloud.ResponseCodeIs(err, code) {
		t.Fatalf("got %v, want %d", err, code)
	}
}

func TestSwiftContainersAndObjects(t *testing.T) {
	e := newEnv(t)
	ctx, sc := e.ctx, e.swift
	if !strings.HasSuffix(sc.Endpoint, "/swift/v1/AUTH_"+e.s.ProjectID+"/") {
		t.Fatalf("endpoint %s", sc.Endpoint)
	}
	if _, err := containers.Create(ctx, sc, "photos", containers.CreateOpts{
		Metadata: map[string]string{"Owner": "web"}, ContainerRead: ".r:*"}).Extract(); err != nil {
		t.Fatal(err)
	}
	if _, err := containers.Create(ctx, sc, "logs", nil).Extract(); err != nil {
		t.Fatal(err)
	}
	data := []byte("hello, swift")
	for _, key := range []string{"a/1.txt", "a/2.txt", "b/3.txt", "top.jpg"} {
		res, err := objects.Create(ctx, sc, "photos", key, objects.CreateOpts{Content: bytes.NewReader(data),
			Metadata: map[string]string{"Color": "blue"}, ETag: md5hex(data)}).Extract()
		if err != nil {
			t.Fatal(err)
		}
		if res.ETag != md5hex(data) {
			t.Fatalf("etag %s", res.ETag)
		}
	}
	// ETag mismatch: 422.
	_, err := objects.Create(ctx, sc, "photos", "bad", objects.CreateOpts{Content: bytes.NewReader(data), ETag: md5hex([]byte("x"))}).Extract()
	wantStatus(t, err, http.StatusUnprocessableEntity)

	info, err := containers.Get(ctx, sc, "photos", nil).Extract()
	if err != nil {
		t.Fatal(err)
	}
	if info.ObjectCount != 4 || info.BytesUsed != int64(4*len(data)) || len(info.Read) != 1 || info.Read[0] != ".r:*" {
		t.Fatalf("container %+v", info)
	}
	meta, _ := containers.Get(ctx, sc, "photos", nil).ExtractMetadata()
	if meta["Owner"] != "web" {
		t.Fatalf("container metadata %v", meta)
	}
	acc, err := accounts.Get(ctx, sc, nil).Extract()
	if err != nil || acc.ContainerCount != 2 || acc.ObjectCount != 4 {
		t.Fatalf("account %+v %v", acc, err)
	}
	names, err := containers.List(sc, containers.ListOpts{}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := containers.ExtractInfo(names)
	if len(cs) != 2 || cs[0].Name != "logs" || cs[1].Name != "photos" || cs[1].Count != 4 {
		t.Fatalf("containers %+v", cs)
	}

	// Listing with delimiter and limit/marker.
	page, err := objects.List(sc, "photos", objects.ListOpts{Delimiter: "/"}).AllPages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	infos, _ := objects.ExtractInfo(page)
	var got []string
	for _, o := range infos {
		got = append(got, o.Name+o.Subdir)
	}
	if strings.Join(got, ",") != "a/,b/,top.jpg" {
		t.Fatalf("delimited listing %v", got)
	}
	if infos[2].ContentType != "image/jpeg" || infos[2].Hash != md5hex(data) || infos[2].Bytes != int64(len(data)) {
		t.Fatalf("object %+v", infos[2])
	}
	var pages int
	got = nil
	err = objects.List(sc, "photos", objects.ListOpts{Limit: 3}).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
		pages++
		ns, err := objects.ExtractNames(p)
		got = append(got, ns...)
		return true, err
	})
	if err != nil || pages != 2 || len(got) != 4 {
		t.Fatalf("paged listing %d pages %v %v", pages, got, err)
	}

	// GET, Range, HEAD and metadata.
	dl := objects.Download(ctx, sc, "photos", "a/1.txt", objects.DownloadOpts{Range: "bytes=7-11"})
	body, err := dl.ExtractContent()
	if err != nil || string(body) != "swift" {
		t.Fatalf("range %q %v", body, err)
	}
	om, err := objects.Get(ctx, sc, "photos", "a/1.txt", nil).ExtractMetadata()
	if err != nil || om["Color"] != "blue" {
		t.Fatalf("object metadata %v %v", om, err)
	}
	if _, err := objects.Update(ctx, sc, "photos", "a/1.txt", objects.UpdateOpts{Metadata: map[string]string{"Size": "small"}}).Extract(); err != nil {
		t.Fatal(err)
	}
	om, _ = objects.Get(ctx, sc, "photos", "a/1.txt", nil).ExtractMetadata()
	if om["Size"] != "small" || om["Color"] != "" {
		t.Fatalf("POST replaces metadata: %v", om)
	}

	// COPY, then DELETE; deleting a non-empty container is refused.
	if _, err := objects.Copy(ctx, sc, "photos", "top.jpg", objects.CopyOpts{Destination: "/logs/copy.jpg"}).Extract(); err != nil {
		t.Fatal(err)
	}
	cp, err := content(objects.Download(ctx, sc, "logs", "copy.jpg", nil))
	if err != nil || !bytes.Equal(cp, data) {
		t.Fatalf("copy %q %v", cp, err)
	}
	_, err = containers.Delete(ctx, sc, "logs").Extract()
	wantStatus(t, err, http.StatusConflict)
	if _, err := objects.Delete(ctx, sc, "logs", "copy.jpg", nil).Extract(); err != nil {
		t.Fatal(err)
	}
	if _, err := containers.Delete(ctx, sc, "logs").Extract(); err != nil {
		t.Fatal(err)
	}
	_, err = objects.Get(ctx, sc, "logs", "copy.jpg", nil).Extract()
	wantStatus(t, err, http.StatusNotFound)

	// "photos" is world-readable (.r:*) but not listable (no .rlistings).
	for url, want := range map[string]int{sc.Endpoint + "photos/top.jpg": http.StatusOK, sc.Endpoint + "photos": http.StatusUnauthorized,
		sc.Endpoint + "logs/copy.jpg": http.StatusUnauthorized} {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("anonymous GET %s: %d, want %d", url, resp.StatusCode, want)
		}
	}

	// Another project's account is forbidden.
	other := openEnv(t, e.c, 1)
	_, err = objects.Download(ctx, other.swift, "photos", "top.jpg", nil).Extract()
	wantStatus(t, err, http.StatusNotFound)
	req, _ := http.NewRequest(http.MethodGet, sc.Endpoint+"photos", nil)
	req.Header.Set("X-Auth-Token", other.s.Provider.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign account: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestSwiftLargeObjects(t *testing.T) {
	e := newEnv(t)
	ctx, sc := e.ctx, e.swift
	for _, c := range []string{"big", "big_segments"} {
		if _, err := containers.Create(ctx, sc, c, nil).Extract(); err != nil {
			t.Fatal(err)
		}
	}
	segs := [][]byte{bytes.Repeat([]byte("a"), 1000), bytes.Repeat([]byte("b"), 2000), []byte("c")}
	type seg struct {
		Path string `json:"path"`
		Etag string `json:"etag"`
		Size int    `json:"size_bytes"`
	}
	var manifest []seg
	var all []byte
	var etags string
	for i, s := range segs {
		key := "file/" + string(rune('0'+i))
		if _, err := objects.Create(ctx, sc, "big_segments", key, objects.CreateOpts{Content: bytes.NewReader(s)}).Extract(); err != nil {
			t.Fatal(err)
		}
		manifest = append(manifest, seg{"/big_segments/" + key, md5hex(s), len(s)})
		all = append(all, s...)
		etags += md5hex(s)
	}
	mbody, _ := json.Marshal(manifest)
	res, err := objects.Create(ctx, sc, "big", "file", objects.CreateOpts{Content: bytes.NewReader(mbody),
		MultipartManifest: "put", ContentType: "application/x-tar", ETag: md5hex([]byte(etags))}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	wantETag := `"` + md5hex([]byte(etags)) + `"`
	if res.ETag != wantETag {
		t.Fatalf("SLO etag %s, want %s", res.ETag, wantETag)
	}
	got, err := content(objects.Download(ctx, sc, "big", "file", nil))
	if err != nil || !bytes.Equal(got, all) {
		t.Fatalf("SLO content %d bytes, %v", len(got), err)
	}
	part, _ := content(objects.Download(ctx, sc, "big", "file", objects.DownloadOpts{Range: "bytes=999-1001"}))
	if string(part) != "abb" {
		t.Fatalf("SLO range %q", part)
	}
	h, err := objects.Get(ctx, sc, "big", "file", nil).Extract()
	if err != nil || !h.StaticLargeObject || h.ContentLength != int64(len(all)) || h.ETag != wantETag {
		t.Fatalf("SLO head %+v %v", h, err)
	}
	mf, err := content(objects.Download(ctx, sc, "big", "file", objects.DownloadOpts{MultipartManifest: "get"}))
	var back []map[string]any
	if err != nil || json.Unmarshal(mf, &back) != nil || len(back) != 3 || back[1]["name"] != "/big_segments/file/1" {
		t.Fatalf("manifest %s %v", mf, err)
	}
	// A bad manifest is refused.
	bad, _ := json.Marshal([]seg{{"/big_segments/nope", "", 0}})
	_, err = objects.Create(ctx, sc, "big", "bad", objects.CreateOpts{Content: bytes.NewReader(bad), MultipartManifest: "put", NoETag: true}).Extract()
	wantStatus(t, err, http.StatusBadRequest)

	// DLO: a zero-byte manifest naming a prefix.
	if _, err := objects.Create(ctx, sc, "big", "dlo", objects.CreateOpts{Content: bytes.NewReader(nil),
		ObjectManifest: "big_segments/file/"}).Extract(); err != nil {
		t.Fatal(err)
	}
	got, err = content(objects.Download(ctx, sc, "big", "dlo", nil))
	if err != nil || !bytes.Equal(got, all) {
		t.Fatalf("DLO content %d bytes, %v", len(got), err)
	}
	dh, _ := objects.Get(ctx, sc, "big", "dlo", nil).Extract()
	if dh.ObjectManifest != "big_segments/file/" || dh.ETag != wantETag {
		t.Fatalf("DLO head %+v", dh)
	}
	// Deleting the SLO with its segments.
	if _, err := objects.Delete(ctx, sc, "big", "file", objects.DeleteOpts{MultipartManifest: "delete"}).Extract(); err != nil {
		t.Fatal(err)
	}
	left, _ := containers.Get(ctx, sc, "big_segments", nil).Extract()
	if left.ObjectCount != 0 {
		t.Fatalf("segments left: %d", left.ObjectCount)
	}
	var ge gophercloud.ErrUnexpectedResponseCode
	_, err = objects.Download(ctx, sc, "big", "file", nil).Extract()
	if !errors.As(err, &ge) || ge.Actual != http.StatusNotFound {
		t.Fatalf("deleted SLO: %v", err)
	}
	_ = io.Discard
}

func content(r objects.DownloadResult) ([]byte, error) { return r.ExtractContent() }
