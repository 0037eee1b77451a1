package transfer

import (
	"maps"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// ImageOptions shape the copy of an image.
type ImageOptions struct {
	// Name of the copy; empty means the source's name.
	Name string
	// Label names the copy in progress reports; empty means its name.
	Label string
	// Visibility of the copy: private (the default), shared, community
	// or public.
	Visibility string
	// Properties are set on the copy on top of those carried over, e.g.
	// markers by which a later run finds its copy again.
	Properties map[string]string
	// Adopt looks for an earlier copy on the target carrying all of
	// Properties: an active one with the source's checksum is the result
	// and no bytes move; one in any other state is deleted and the copy
	// made again.
	Adopt bool
}

// targetOwned are the image fields that the target cloud sets itself or
// that describe the source's storage; they are never carried over.
var targetOwned = map[string]bool{
	"id": true, "checksum": true, "os_hash_algo": true, "os_hash_value": true,
	"size": true, "virtual_size": true, "stores": true, "owner": true,
	"status": true, "locations": true, "direct_url": true, "file": true,
	"schema": true, "self": true, "created_at": true, "updated_at": true,
	"properties": true, "metadata": true,
	// protected is not carried: a rollback must be able to delete the copy.
	"protected": true,
	// signature_verified is Cinder's own record (verify_glance_signatures)
	// in the volume_image_metadata of every volume made from an image; an
	// upload-to-image copies it into the image, and a target Cinder then
	// refuses to create a volume from that image (GlanceMetadataExists).
	"signature_verified": true,
}

// carriedProperties are the source image's additional properties (hw_*,
// os_*, architecture, image_source, owner_specified.*, …) that the copy
// gets. Glance keeps additional properties as strings.
func carriedProperties(src *images.Image) map[string]string {
	out := map[string]string{}
	for k, v := range src.Properties {
		s, ok := v.(string)
		if !ok || targetOwned[k] || strings.HasPrefix(k, "os_glance") {
			continue
		}
		out[k] = s
	}
	return out
}

// imageCreateOpts is the target image that copies src.
func imageCreateOpts(src *images.Image, opts ImageOptions) images.CreateOpts {
	props := carriedProperties(src)
	maps.Copy(props, opts.Properties)
	vis := images.ImageVisibility(opts.Visibility)
	if vis == "" {
		vis = images.ImageVisibilityPrivate
	}
	name := opts.Name
	if name == "" {
		name = src.Name
	}
	hidden := src.Hidden
	return images.CreateOpts{
		Name:            name,
		Visibility:      &vis,
		Hidden:          &hidden,
		Tags:            src.Tags,
		ContainerFormat: src.ContainerFormat,
		DiskFormat:      src.DiskFormat,
		MinDisk:         src.MinDiskGigabytes,
		MinRAM:          src.MinRAMMegabytes,
		Properties:      props,
	}
}
