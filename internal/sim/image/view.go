package image

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// view is the JSON of an image as Glance shows it: the base
// properties and, at the same level, every additional property.
func view(im *image) map[string]any {
	v := make(map[string]any, len(im.Properties)+24)
	for k, p := range im.Properties {
		v[k] = p
	}
	v["id"] = im.ID
	v["name"] = im.Name
	v["status"] = im.Status
	v["visibility"] = im.Visibility
	v["protected"] = im.Protected
	v["os_hidden"] = im.Hidden
	v["owner"] = im.Owner
	v["container_format"] = im.ContainerFormat
	v["disk_format"] = im.DiskFormat
	v["min_disk"] = im.MinDisk
	v["min_ram"] = im.MinRAM
	v["size"] = im.Size
	v["virtual_size"] = im.VirtualSize
	v["checksum"] = nullable(im.Checksum)
	v["os_hash_value"] = nullable(im.HashValue)
	v["os_hash_algo"] = nil
	if im.HashValue != "" {
		v["os_hash_algo"] = "sha512"
	}
	v["tags"] = core.OrEmpty(im.Tags)
	v["created_at"] = core.ISOTime(im.CreatedAt)
	v["updated_at"] = core.ISOTime(im.UpdatedAt)
	v["self"] = "/v2/images/" + im.ID
	v["file"] = "/v2/images/" + im.ID + "/file"
	v["schema"] = "/v2/schemas/image"
	return v
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeImage answers with one image; create also says where it lives
// and which import methods the cloud offers, as Glance does.
func (s *Room) writeImage(w http.ResponseWriter, status int, im *image) {
	if status == http.StatusCreated {
		w.Header().Set("Location", s.c.URL()+"/image/v2/images/"+im.ID)
		w.Header().Set("OpenStack-image-import-methods", "glance-direct,web-download,copy-image")
	}
	core.WriteJSON(w, status, view(im))
}
