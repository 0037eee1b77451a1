package inventory

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readTargetImages lists the public and community images with their
// properties: the images a migrated server can boot from without a copy.
func readTargetImages(ctx context.Context, s *cloud.Session, t *Target) error {
	for _, vis := range []images.ImageVisibility{images.ImageVisibilityPublic, images.ImageVisibilityCommunity} {
		list, err := cloud.ListAll(ctx, images.List(s.Image, images.ListOpts{Visibility: vis, Limit: imagePageSize}), images.ExtractImages)
		if err != nil {
			return fmt.Errorf("%s images: %s", vis, describe(err))
		}
		for _, img := range list {
			t.Images = append(t.Images, inventoryImage(img, s.ProjectID))
		}
	}
	slices.SortFunc(t.Images, func(a, b Image) int { return cmp.Compare(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID) })
	t.Images = slices.CompactFunc(t.Images, func(a, b Image) bool { return a.ID == b.ID })
	return nil
}

// inventoryImage converts a Glance image to the inventory's shape.
func inventoryImage(img images.Image, projectID string) Image {
	props := make(map[string]string, len(img.Properties))
	for k, v := range img.Properties {
		props[k] = propertyString(v)
	}
	return Image{
		ID: img.ID, Name: img.Name, Status: string(img.Status), Visibility: string(img.Visibility),
		Owner: img.Owner, OwnedByTenant: img.Owner == projectID,
		DiskFormat: img.DiskFormat, ContainerFormat: img.ContainerFormat,
		SizeBytes: img.SizeBytes, VirtualSize: img.VirtualSize, Checksum: img.Checksum,
		HashAlgo: props["os_hash_algo"], HashValue: props["os_hash_value"],
		MinDiskGB: img.MinDiskGigabytes, MinRAMMiB: img.MinRAMMegabytes, Protected: img.Protected,
		Tags: img.Tags, Properties: props, CreatedAt: img.CreatedAt.UTC().Format(time.RFC3339),
	}
}

// propertyString renders a Glance property value as the string Glance
// stores: strings as they are, anything else as JSON.
func propertyString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
