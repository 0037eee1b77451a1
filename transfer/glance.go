package transfer

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// Small, error-explaining wrappers around the Glance calls of a copy.

func getImage(ctx context.Context, client *gophercloud.ServiceClient, id string) (*images.Image, error) {
	img, err := images.Get(ctx, client, id).Extract()
	return img, cloud.Wrap("get image "+id, err)
}

// deleteImage deletes an image; one that is already gone is fine.
func deleteImage(ctx context.Context, client *gophercloud.ServiceClient, id string) error {
	if err := images.Delete(ctx, client, id).ExtractErr(); !cloud.IsNotFound(err) {
		return cloud.Wrap("delete image "+id, err)
	}
	return nil
}

func createImage(ctx context.Context, client *gophercloud.ServiceClient, opts images.CreateOpts) (string, error) {
	img, err := images.Create(ctx, client, opts).Extract()
	if err != nil {
		return "", cloud.Wrap(fmt.Sprintf("create image %q", opts.Name), err)
	}
	return img.ID, nil
}

// listImages lists the images of the query, all pages.
func listImages(ctx context.Context, client *gophercloud.ServiceClient, q images.ListOptsBuilder) ([]images.Image, error) {
	all, err := cloud.ListAll(ctx, images.List(client, q), images.ExtractImages)
	return all, cloud.Wrap("list images", err)
}

// waitImageActive waits until an image has left the transitional states
// and returns it; any final state but active is an error.
func (c *Copier) waitImageActive(ctx context.Context, client *gophercloud.ServiceClient, id string) (*images.Image, error) {
	var img *images.Image
	err := cloud.WaitFor(ctx, c.pollConfig(), cloud.Image, id, cloud.ImageStatus(client, id, &img))
	if err == nil && img.Status != images.ImageStatusActive {
		err = fmt.Errorf("image %s is %s: %w", id, img.Status, ErrBadState)
	}
	return img, err
}

// claimedDigests are the size and checksums an image's service reports.
// A size of 0 for a non-active image counts as unknown.
func claimedDigests(img *images.Image) digests {
	d := digests{Size: img.SizeBytes, MD5: img.Checksum}
	if algo, _ := img.Properties["os_hash_algo"].(string); algo == "sha512" {
		d.SHA512, _ = img.Properties["os_hash_value"].(string)
	}
	return d
}
