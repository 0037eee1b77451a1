package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readTargetImages lists the public and community images with their
// properties: the images a migrated server can boot from without a copy.
func readTargetImages(ctx context.Context, s *cloud.Session, t *Target) error {
	for _, vis := range []images.ImageVisibility{images.ImageVisibilityPublic, images.ImageVisibilityCommunity} {
		list, err := cloud.ListAll(ctx, images.List(s.Image, images.ListOpts{Visibility: vis, Limit: imagePageSize}), cloud.ExtractAs[glanceImage]("images"))
		if err != nil {
			return fmt.Errorf("%s images: %s", vis, describe(err))
		}
		for _, img := range list {
			t.Images = append(t.Images, img.image(s.ProjectID))
		}
	}
	slices.SortFunc(t.Images, func(a, b Image) int { return cmp.Compare(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID) })
	t.Images = slices.CompactFunc(t.Images, func(a, b Image) bool { return a.ID == b.ID })
	return nil
}
