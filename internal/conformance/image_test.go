package conformance

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// imageBytes is deterministic test data of n bytes.
func imageBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	rng := rand.New(rand.NewPCG(seed, 42))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// createTestImage creates a queued image that the test deletes at the
// end.
func createTestImage(t *testing.T, e *Env, opts images.CreateOpts) *images.Image {
	t.Helper()
	if opts.Name == "" {
		opts.Name = RandomName("conf-image-")
	}
	im, err := images.Create(e.Ctx, e.S.Image, opts).Extract()
	if err != nil {
		t.Fatalf("create image: %v", err)
	}
	t.Cleanup(func() {
		images.Update(e.Ctx, e.S.Image, im.ID, images.UpdateOpts{images.ReplaceImageProtected{NewProtected: false}})
		if err := images.Delete(e.Ctx, e.S.Image, im.ID).ExtractErr(); err != nil && !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Errorf("delete image %s: %v", im.ID, err)
		}
	})
	return im
}

// uploadTestImage creates a raw image holding data and waits until it is
// active.
func uploadTestImage(t *testing.T, e *Env, data []byte, opts images.CreateOpts) *images.Image {
	t.Helper()
	if opts.DiskFormat == "" {
		opts.DiskFormat, opts.ContainerFormat = "raw", "bare"
	}
	im := createTestImage(t, e, opts)
	if err := imagedata.Upload(e.Ctx, e.S.Image, im.ID, bytes.NewReader(data)).ExtractErr(); err != nil {
		t.Fatalf("upload image data: %v", err)
	}
	return waitImageStatus(t, e, im.ID, images.ImageStatusActive)
}

// waitImageStatus polls an image until it has the status.
func waitImageStatus(t *testing.T, e *Env, id string, status images.ImageStatus) *images.Image {
	t.Helper()
	var im *images.Image
	WaitFor(t, e, "image "+id+" to become "+string(status), func() (bool, error) {
		var err error
		if im, err = images.Get(e.Ctx, e.S.Image, id).Extract(); err != nil {
			return false, err
		}
		if im.Status == images.ImageStatusKilled {
			return false, fmt.Errorf("image %s was killed", id)
		}
		return im.Status == status, nil
	})
	return im
}

func TestImageCreateUploadDownload(t *testing.T) {
	e := Open(t)
	data := imageBytes(1, 3<<20+123)
	im := createTestImage(t, e, images.CreateOpts{DiskFormat: "raw", ContainerFormat: "bare", MinDisk: 1,
		Tags: []string{"conformance"}, Properties: map[string]string{"os_distro": "ubuntu", "conf_note": "hello"}})
	if im.Status != images.ImageStatusQueued || im.SizeBytes != 0 || im.Checksum != "" {
		t.Errorf("new image: status %s size %d checksum %q", im.Status, im.SizeBytes, im.Checksum)
	}
	if im.Owner != e.S.ProjectID || im.Properties["conf_note"] != "hello" || len(im.Tags) != 1 {
		t.Errorf("new image: owner %q properties %v tags %v", im.Owner, im.Properties, im.Tags)
	}
	if err := imagedata.Upload(e.Ctx, e.S.Image, im.ID, bytes.NewReader(data)).ExtractErr(); err != nil {
		t.Fatalf("upload: %v", err)
	}
	got := waitImageStatus(t, e, im.ID, images.ImageStatusActive)
	md := md5.Sum(data)
	sha := sha512.Sum512(data)
	if got.SizeBytes != int64(len(data)) || got.Checksum != hex.EncodeToString(md[:]) {
		t.Errorf("active image: size %d checksum %s", got.SizeBytes, got.Checksum)
	}
	if got.Properties["os_hash_algo"] != "sha512" || got.Properties["os_hash_value"] != hex.EncodeToString(sha[:]) {
		t.Errorf("active image: os_hash %v %v", got.Properties["os_hash_algo"], got.Properties["os_hash_value"])
	}
	res := imagedata.Download(e.Ctx, e.S.Image, im.ID)
	body, err := res.Extract()
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	defer body.Close()
	back, err := io.ReadAll(body)
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("downloaded %d bytes (%v), want the %d uploaded", len(back), err, len(data))
	}
	if cmd5 := res.Header.Get("Content-MD5"); cmd5 != "" && cmd5 != got.Checksum {
		t.Errorf("Content-MD5 %q, checksum %q", cmd5, got.Checksum)
	}
	err = imagedata.Upload(e.Ctx, e.S.Image, im.ID, bytes.NewReader(data)).ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Errorf("second upload: got %v, want 409", err)
	}
}

// getRange downloads part of an image with a Range header.
func getRange(e *Env, id, rng string, ok int) (*http.Response, []byte, error) {
	resp, err := e.S.Image.Get(e.Ctx, e.S.Image.ServiceURL("images", id, "file"), nil, &gophercloud.RequestOpts{
		MoreHeaders: map[string]string{"Range": rng}, OkCodes: []int{ok}, KeepResponseBody: true})
	if err != nil {
		return resp, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestImageRangeDownload(t *testing.T) {
	e := Open(t)
	data := imageBytes(2, 1<<20)
	im := uploadTestImage(t, e, data, images.CreateOpts{})
	resp, b, err := getRange(e, im.ID, "bytes=1000-", http.StatusPartialContent)
	if err != nil || !bytes.Equal(b, data[1000:]) {
		t.Fatalf("bytes=1000-: %d bytes, %v", len(b), err)
	}
	if cr := resp.Header.Get("Content-Range"); cr != "bytes 1000-1048575/1048576" {
		t.Errorf("Content-Range %q", cr)
	}
	_, b, err = getRange(e, im.ID, "bytes=10-19", http.StatusPartialContent)
	if err != nil || !bytes.Equal(b, data[10:20]) {
		t.Fatalf("bytes=10-19: %q, %v", b, err)
	}
	_, _, err = getRange(e, im.ID, "bytes=2000000-", http.StatusPartialContent)
	if !gophercloud.ResponseCodeIs(err, http.StatusRequestedRangeNotSatisfiable) {
		t.Errorf("range past the end: got %v, want 416", err)
	}
}

func TestImagePatch(t *testing.T) {
	e := Open(t)
	im := createTestImage(t, e, images.CreateOpts{Properties: map[string]string{"conf_a": "1", "conf_b": "2"}})
	newName := im.Name + "-renamed"
	got, err := images.Update(e.Ctx, e.S.Image, im.ID, images.UpdateOpts{
		images.ReplaceImageName{NewName: newName},
		images.ReplaceImageMinDisk{NewMinDisk: 3},
		images.ReplaceImageTags{NewTags: []string{"x", "y"}},
		images.UpdateImageProperty{Op: images.AddOp, Name: "conf_c", Value: "3"},
		images.UpdateImageProperty{Op: images.ReplaceOp, Name: "conf_a", Value: "one"},
		images.UpdateImageProperty{Op: images.RemoveOp, Name: "conf_b"},
	}).Extract()
	if err != nil {
		t.Fatalf("patch: %v", err)
	}
	p := got.Properties
	if got.Name != newName || got.MinDiskGigabytes != 3 || len(got.Tags) != 2 ||
		p["conf_a"] != "one" || p["conf_c"] != "3" || p["conf_b"] != nil {
		t.Errorf("patched image: name %q min_disk %d tags %v properties %v", got.Name, got.MinDiskGigabytes, got.Tags, p)
	}
	_, err = images.Update(e.Ctx, e.S.Image, im.ID, images.UpdateOpts{images.ReplaceImageChecksum{Checksum: "00"}}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("replace checksum: got %v, want 403", err)
	}
	_, err = images.Update(e.Ctx, e.S.Image, im.ID, images.UpdateOpts{
		images.UpdateImageProperty{Op: images.RemoveOp, Name: "conf_missing"}}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusConflict) {
		t.Errorf("remove missing property: got %v, want 409", err)
	}
	_, err = images.Update(e.Ctx, e.S.Image, im.ID, images.UpdateOpts{
		images.UpdateVisibility{Visibility: images.ImageVisibilityPublic}}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("publicize as a member: got %v, want 403", err)
	}
}

func TestImageListPaging(t *testing.T) {
	e := Open(t)
	tag := RandomName("conf-page-")
	want := map[string]bool{}
	for range 5 {
		im := createTestImage(t, e, images.CreateOpts{Tags: []string{tag}})
		want[im.ID] = true
	}
	pages := 0
	seen := map[string]bool{}
	err := images.List(e.S.Image, images.ListOpts{Tags: []string{tag}, Limit: 2, Sort: "name:asc"}).EachPage(e.Ctx,
		func(_ context.Context, page pagination.Page) (bool, error) {
			list, err := images.ExtractImages(page)
			if err != nil {
				return false, err
			}
			pages++
			for _, im := range list {
				if seen[im.ID] {
					t.Errorf("image %s listed twice", im.ID)
				}
				seen[im.ID] = true
			}
			return true, nil
		})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(seen) != 5 || pages < 3 {
		t.Errorf("listed %d images in %d pages, want 5 in at least 3", len(seen), pages)
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("image %s not listed", id)
		}
	}
	all, err := images.List(e.S.Image, images.ListOpts{Tags: []string{tag}, Sort: "name:asc"}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := images.ExtractImages(all)
	for i := 1; i < len(list); i++ {
		if list[i-1].Name > list[i].Name {
			t.Errorf("sort=name:asc: %q before %q", list[i-1].Name, list[i].Name)
		}
	}
}

func TestImageErrors(t *testing.T) {
	e := Open(t)
	_, err := images.Get(e.Ctx, e.S.Image, "8c1c2c5e-6a1b-4c2e-9e5c-2f5a0b1d0a77").Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("get missing image: got %v, want 404", err)
	}
	err = images.Delete(e.Ctx, e.S.Image, "8c1c2c5e-6a1b-4c2e-9e5c-2f5a0b1d0a77").ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("delete missing image: got %v, want 404", err)
	}
	protected := true
	im := createTestImage(t, e, images.CreateOpts{Protected: &protected})
	err = images.Delete(e.Ctx, e.S.Image, im.ID).ExtractErr()
	if !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("delete protected image: got %v, want 403", err)
	}
	plain := createTestImage(t, e, images.CreateOpts{})
	if err := images.Delete(e.Ctx, e.S.Image, plain.ID).ExtractErr(); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = images.Get(e.Ctx, e.S.Image, plain.ID).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("get deleted image: got %v, want 404", err)
	}
	_, err = images.Create(e.Ctx, e.S.Image, images.CreateOpts{Name: RandomName("conf-"), DiskFormat: "floppy"}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusBadRequest) {
		t.Errorf("create with disk_format floppy: got %v, want 400", err)
	}
}

func TestStandardImageIsPublic(t *testing.T) {
	e := Open(t)
	all, err := images.List(e.S.Image, images.ListOpts{Name: e.StandardImage}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := images.ExtractImages(all)
	if len(list) == 0 {
		t.Fatalf("no image %q", e.StandardImage)
	}
	im := list[0]
	if im.Visibility != images.ImageVisibilityPublic || im.Status != images.ImageStatusActive || im.SizeBytes == 0 {
		t.Errorf("%s: visibility %s status %s size %d", im.Name, im.Visibility, im.Status, im.SizeBytes)
	}
	if e.Real() {
		return // a test cloud's image need not carry SCS metadata
	}
	for _, key := range []string{"architecture", "hw_disk_bus", "os_distro", "os_version", "image_build_date",
		"image_original_user", "image_source", "image_description", "replace_frequency", "provided_until", "uuid_validity"} {
		if v, _ := im.Properties[key].(string); v == "" {
			t.Errorf("%s lacks scs-0102 property %s", im.Name, key)
		}
	}
	if im.DiskFormat != "qcow2" || im.VirtualSize < im.SizeBytes {
		t.Errorf("%s: disk_format %s virtual_size %d size %d", im.Name, im.DiskFormat, im.VirtualSize, im.SizeBytes)
	}
	_, err = images.Update(e.Ctx, e.S.Image, im.ID, images.UpdateOpts{images.ReplaceImageName{NewName: "mine"}}).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("rename the provider's image: got %v, want 403", err)
	}
}
