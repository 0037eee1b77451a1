package inventory

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// glanceImage is an image as Glance v2 returns it: core fields and
// additional properties side by side at the top level.
type glanceImage map[string]json.RawMessage

// glanceCore are the keys that are not additional properties: the core
// fields, and what changes without the image changing (links, update
// time, locations).
var glanceCore = map[string]bool{
	"id": true, "name": true, "status": true, "visibility": true, "owner": true,
	"disk_format": true, "container_format": true, "size": true, "virtual_size": true,
	"checksum": true, "os_hash_algo": true, "os_hash_value": true, "min_disk": true,
	"min_ram": true, "protected": true, "tags": true, "created_at": true,
	"updated_at": true, "self": true, "file": true, "schema": true,
	"direct_url": true, "locations": true, "os_hidden": true, "stores": true,
}

// imagePageSize is Glance's default api_limit_max: ask for as much per
// page as the service allows (its default page is 25).
const imagePageSize = 1000

// fetchImages lists every image the project sees; assembly keeps those
// it owns and those its servers and volumes were built from.
func (c *collector) fetchImages(ctx context.Context) (int, error) {
	var err error
	pager := images.List(c.s.Image, images.ListOpts{Limit: imagePageSize})
	c.raw.images, err = cloud.ListAll(ctx, pager, cloud.ExtractAs[glanceImage]("images"))
	return len(c.raw.images), err
}

func (g glanceImage) str(key string) string {
	var s string
	json.Unmarshal(g[key], &s)
	return s
}

func (g glanceImage) num(key string) int64 {
	var f float64
	json.Unmarshal(g[key], &f)
	return int64(f)
}

func (g glanceImage) flag(key string) bool {
	var b bool
	json.Unmarshal(g[key], &b)
	return b
}

func (g glanceImage) image(projectID string) Image {
	img := Image{
		ID: g.str("id"), Name: g.str("name"), Status: g.str("status"),
		Visibility: g.str("visibility"), Owner: g.str("owner"),
		DiskFormat: g.str("disk_format"), ContainerFormat: g.str("container_format"),
		SizeBytes: g.num("size"), VirtualSize: g.num("virtual_size"),
		Checksum: g.str("checksum"), HashAlgo: g.str("os_hash_algo"), HashValue: g.str("os_hash_value"),
		MinDiskGB: int(g.num("min_disk")), MinRAMMiB: int(g.num("min_ram")),
		Protected: g.flag("protected"), CreatedAt: g.str("created_at"),
		Properties: map[string]string{},
	}
	img.OwnedByTenant = img.Owner == projectID
	json.Unmarshal(g["tags"], &img.Tags)
	for k, v := range g {
		if !glanceCore[k] {
			img.Properties[k] = jsonString(v)
		}
	}
	return img
}

// resolveImages fills doc.Images: the images the project owns, and the
// images its servers and volumes were built from. A referenced image
// the list did not show (a community image, another project's) is read
// by ID; one that is gone becomes a warning.
func (c *collector) resolveImages(ctx context.Context, doc *Document) error {
	if c.s.Image == nil || c.failed(KindImages) {
		return nil
	}
	usedBy := imageUsers(doc)
	byID := map[string]Image{}
	for _, g := range c.raw.images {
		img := g.image(c.s.ProjectID)
		if img.OwnedByTenant || usedBy[img.ID] != nil {
			byID[img.ID] = img
		}
	}
	missing := make([]string, 0)
	for id := range usedBy {
		if _, ok := byID[id]; !ok {
			missing = append(missing, id)
		}
	}
	slices.Sort(missing)
	found, err := c.getImages(ctx, missing, usedBy)
	if err != nil {
		return err
	}
	for _, img := range found {
		byID[img.ID] = img
	}
	for id, img := range byID {
		img.UsedBy = usedBy[id]
		doc.Images = append(doc.Images, img)
	}
	return nil
}

// imageUsers maps image IDs to the servers and volumes built from them.
func imageUsers(doc *Document) map[string][]string {
	used := map[string][]string{}
	for _, s := range doc.Servers {
		if s.ImageID != "" {
			used[s.ImageID] = append(used[s.ImageID], s.ID)
		}
	}
	for _, v := range doc.Volumes {
		if v.SourceImageID != "" {
			used[v.SourceImageID] = append(used[v.SourceImageID], v.ID)
		}
	}
	return used
}

// getImages reads the images by ID, concurrently (the transport bounds
// the calls). An image that is gone or hidden is a warning.
func (c *collector) getImages(ctx context.Context, ids []string, usedBy map[string][]string) ([]Image, error) {
	out := make([]*Image, len(ids))
	g, ctx := errgroup.WithContext(ctx)
	for i, id := range ids {
		g.Go(func() error {
			var gi glanceImage
			err := images.Get(ctx, c.s.Image, id).ExtractInto(&gi)
			if unreadable(err) {
				c.warn(KindImages, "image %s, used by %v, cannot be read: %s", id, usedBy[id], describe(err))
				return nil
			}
			if err != nil {
				return err
			}
			img := gi.image(c.s.ProjectID)
			out[i] = &img
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var imgs []Image
	for _, img := range out {
		if img != nil {
			imgs = append(imgs, *img)
		}
	}
	return imgs, nil
}
