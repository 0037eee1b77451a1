package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
)

// Small, error-explaining wrappers around the Glance calls of a copy.

func getImage(ctx context.Context, client *gophercloud.ServiceClient, id string) (*images.Image, error) {
	img, err := images.Get(ctx, client, id).Extract()
	if err != nil {
		return nil, fmt.Errorf("get image %s: %w", id, apiError(err))
	}
	return img, nil
}

// deleteImage deletes an image; one that is already gone is fine.
func deleteImage(ctx context.Context, client *gophercloud.ServiceClient, id string) error {
	err := apiError(images.Delete(ctx, client, id).ExtractErr())
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("delete image %s: %w", id, err)
	}
	return nil
}

func createImage(ctx context.Context, client *gophercloud.ServiceClient, opts images.CreateOpts) (string, error) {
	img, err := images.Create(ctx, client, opts).Extract()
	if err != nil {
		return "", fmt.Errorf("create image %q: %w", opts.Name, apiError(err))
	}
	return img.ID, nil
}

// listImages lists the images of the query, all pages.
func listImages(ctx context.Context, client *gophercloud.ServiceClient, q images.ListOptsBuilder) ([]images.Image, error) {
	pages, err := images.List(client, q).AllPages(ctx)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", apiError(err))
	}
	all, err := images.ExtractImages(pages)
	if err != nil {
		return nil, fmt.Errorf("list images: %w", err)
	}
	return all, nil
}

// imageTransitional are the states an image passes while its data
// arrives.
var imageTransitional = []images.ImageStatus{"queued", "saving", "importing", "uploading"}

// waitImageActive waits until an image has left the transitional states
// and returns it; any final state but active is an error.
func (c *Copier) waitImageActive(ctx context.Context, client *gophercloud.ServiceClient, id string) (*images.Image, error) {
	var img *images.Image
	err := c.waitFor(ctx, "image "+id+" to become active", func(ctx context.Context) (bool, error) {
		var err error
		img, err = getImage(ctx, client, id)
		return err == nil && !slices.Contains(imageTransitional, img.Status), err
	})
	if err != nil {
		return nil, err
	}
	if img.Status != images.ImageStatusActive {
		return img, fmt.Errorf("image %s is %s: %w", id, img.Status, ErrBadState)
	}
	return img, nil
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
