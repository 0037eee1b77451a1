// Package image is the simulator's Glance v2 room: images, their data
// (stored sparse, qcow2 or raw), members, tags, schemas and the
// provider's public standard images.
package image

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// Room is Glance v2: images, their data, tags, members and the
// JSON schemas the clients read.
type Room struct {
	c      *core.Cloud
	images map[string]*image // by ID
	// providerProject owns the provider's public images.
	providerProject string
}

// image is one Glance image. Pointer fields are null in the API until
// set.
type image struct {
	ID              string
	Name            *string
	Status          string
	Visibility      string
	Owner           string
	DiskFormat      *string
	ContainerFormat *string
	Size            *int64
	VirtualSize     *int64
	Checksum        string // md5 hex, "" until active
	HashValue       string // sha512 hex, "" until active
	MinDisk, MinRAM int
	Protected       bool
	Hidden          bool
	Tags            []string
	Properties      map[string]string
	Members         map[string]*member // by project ID
	CreatedAt       time.Time
	UpdatedAt       time.Time
	// Path holds the image bytes once the image has data.
	Path string
}

// member is a project an image is shared with.
type member struct {
	Status               string // pending, accepted, rejected
	CreatedAt, UpdatedAt time.Time
}

// Glance image statuses.
const (
	statusQueued      = "queued"
	statusSaving      = "saving"
	statusActive      = core.ImageActive
	statusDeactivated = "deactivated"
)

// Prefix is the room's path prefix.
func (s *Room) Prefix() string { return "image" }

// Style is Glance's error style.
func (s *Room) Style() core.ErrorStyle { return core.GlanceErrors }

// New makes the Glance room of a cloud.
func New(c *core.Cloud) *Room {
	return &Room{c: c, images: map[string]*image{}, providerProject: core.NewHexID()}
}

func (s *Room) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /image", s.versions)
	mux.HandleFunc("GET /image/{$}", s.versions)
	mux.HandleFunc("GET /image/versions", s.versionList)
	mux.HandleFunc("GET /image/v2/{$}", s.versions)
	a := func(h core.AuthedHandler) http.HandlerFunc { return s.c.Authed(core.GlanceErrors, h) }
	mux.HandleFunc("GET /image/v2/schemas/image", a(s.schemaImage))
	mux.HandleFunc("GET /image/v2/schemas/images", a(s.schemaImages))
	mux.HandleFunc("GET /image/v2/schemas/member", a(s.schemaMember))
	mux.HandleFunc("GET /image/v2/schemas/members", a(s.schemaMembers))
	mux.HandleFunc("GET /image/v2/info/import", a(s.infoImport))
	mux.HandleFunc("GET /image/v2/info/stores", a(s.infoStores))
	mux.HandleFunc("POST /image/v2/images", a(s.create))
	mux.HandleFunc("GET /image/v2/images", a(s.list))
	mux.HandleFunc("GET /image/v2/images/{id}", a(s.get))
	mux.HandleFunc("PATCH /image/v2/images/{id}", a(s.update))
	mux.HandleFunc("DELETE /image/v2/images/{id}", a(s.delete))
	mux.HandleFunc("PUT /image/v2/images/{id}/file", a(s.upload))
	mux.HandleFunc("GET /image/v2/images/{id}/file", a(s.download))
	mux.HandleFunc("PUT /image/v2/images/{id}/tags/{tag}", a(s.addTag))
	mux.HandleFunc("DELETE /image/v2/images/{id}/tags/{tag}", a(s.deleteTag))
	mux.HandleFunc("POST /image/v2/images/{id}/actions/deactivate", a(s.deactivate))
	mux.HandleFunc("POST /image/v2/images/{id}/actions/reactivate", a(s.reactivate))
	mux.HandleFunc("GET /image/v2/images/{id}/members", a(s.listMembers))
	mux.HandleFunc("POST /image/v2/images/{id}/members", a(s.addMember))
	mux.HandleFunc("GET /image/v2/images/{id}/members/{member}", a(s.getMember))
	mux.HandleFunc("PUT /image/v2/images/{id}/members/{member}", a(s.updateMember))
	mux.HandleFunc("DELETE /image/v2/images/{id}/members/{member}", a(s.deleteMember))
}

// visibleTo reports whether the project may see the image: its own,
// public and community images, and shared images it is a member of.
func (im *image) visibleTo(projectID string) bool {
	switch {
	case im.Owner == projectID, im.Visibility == "public", im.Visibility == "community":
		return true
	case im.Visibility == "shared":
		return im.Members[projectID] != nil
	}
	return false
}

// visibleLocked returns the image if the project may see it.
func (s *Room) visibleLocked(projectID, id string) *image {
	im := s.images[id]
	if im == nil || !im.visibleTo(projectID) {
		return nil
	}
	return im
}

func (im *image) touch(t time.Time) { im.UpdatedAt = t }

// InfoLocked returns the image if it is visible to the project.
func (s *Room) InfoLocked(projectID, id string) (core.ImageInfo, bool) {
	im := s.visibleLocked(projectID, id)
	if im == nil {
		return core.ImageInfo{}, false
	}
	info := core.ImageInfo{
		ID: im.ID, Name: core.Deref(im.Name), Status: im.Status, Visibility: im.Visibility, Owner: im.Owner,
		DiskFormat: core.Deref(im.DiskFormat), ContainerFormat: core.Deref(im.ContainerFormat),
		MinDisk: im.MinDisk, MinRAM: im.MinRAM, Properties: maps.Clone(im.Properties),
		Checksum: im.Checksum,
	}
	if info.Properties == nil {
		info.Properties = map[string]string{}
	}
	if im.Size != nil {
		info.Size = *im.Size
	}
	if im.Status == statusActive || im.Status == statusDeactivated {
		info.Path = im.Path
	}
	return info, true
}

// NewImageLocked is the first half of creating an image from data that
// another service produces (a volume upload, a server snapshot): the
// image is created in status "saving" owned by projectID, and the path
// to write its bytes to is returned. The caller writes the bytes without
// the lock, then calls ActivateLocked (or FailLocked).
func (s *Room) NewImageLocked(projectID string, spec core.NewImage) (id, path string) {
	t := s.c.Now()
	im := &image{
		ID: core.NewID(), Name: core.Ref(spec.Name), Status: statusSaving, Visibility: spec.Visibility,
		Owner: projectID, MinDisk: spec.MinDisk, MinRAM: spec.MinRAM, Protected: spec.Protected,
		Properties: maps.Clone(spec.Properties), Tags: []string{}, CreatedAt: t, UpdatedAt: t,
	}
	if im.Visibility == "" {
		im.Visibility = "private"
	}
	if spec.DiskFormat != "" {
		im.DiskFormat = core.Ref(spec.DiskFormat)
	}
	if spec.ContainerFormat != "" {
		im.ContainerFormat = core.Ref(spec.ContainerFormat)
	}
	if im.Properties == nil {
		im.Properties = map[string]string{}
	}
	im.Path = s.c.BlobPath("images", im.ID)
	s.images[im.ID] = im
	return im.ID, im.Path
}

// ActivateLocked finishes an image created by NewImageLocked.
func (s *Room) ActivateLocked(id string, d blob.Digests) {
	im := s.images[id]
	if im == nil {
		// Deleted while its data were being written.
		os.Remove(s.c.BlobPath("images", id))
		return
	}
	s.setDataLocked(im, d)
}

// setDataLocked records the digests of the image's stored bytes and
// makes it active.
func (s *Room) setDataLocked(im *image, d blob.Digests) {
	im.Size = core.Ref(d.Size)
	im.Checksum, im.HashValue = d.MD5, d.SHA512
	im.VirtualSize = virtualSize(im.Path, core.Deref(im.DiskFormat), d.Size)
	im.Status = statusActive
	im.touch(s.c.Now())
}

// virtualSize is what Glance's format inspector reports: the size in
// the qcow2 header, the data size of raw (and iso) images, null where
// it cannot tell.
func virtualSize(path, diskFormat string, size int64) *int64 {
	f, err := os.Open(path)
	if err == nil {
		defer f.Close()
		if vs, ok := qcow2.VirtualSize(f); ok {
			return &vs
		}
	}
	if diskFormat == "raw" || diskFormat == "iso" {
		return &size
	}
	return nil
}

// FailLocked removes (killed) an image whose data could not be
// produced.
func (s *Room) FailLocked(id string) {
	delete(s.images, id)
	os.Remove(s.c.BlobPath("images", id))
}

// ByNameLocked is the one image of that name the project sees.
func (s *Room) ByNameLocked(projectID, name string) (core.ImageInfo, error) {
	var ids []string
	for id, im := range s.images {
		if core.Deref(im.Name) == name && im.visibleTo(projectID) {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		return core.ImageInfo{}, fmt.Errorf("%d images named %q, want one", len(ids), name)
	}
	info, _ := s.InfoLocked(projectID, ids[0])
	return info, nil
}
