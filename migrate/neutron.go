package migrate

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/attributestags"
)

// neutronMark returns a claim's mark function: it replaces the tags of
// the resource with its own tags plus the step's markers.
func neutronMark(c *gophercloud.ServiceClient, collection string, m marker, own []string) func(context.Context, string) error {
	return func(ctx context.Context, id string) error {
		_, err := attributestags.ReplaceAll(ctx, c, collection, id, attributestags.ReplaceAllOpts{Tags: m.tags(own)}).Extract()
		return err
	}
}

// tagged classifies a found resource by its tags.
func (m marker) tagged(id string, tags []string) candidate {
	mine := m.hasStepTag(tags)
	return candidate{ID: id, Marked: mine, Foreign: !mine && hasAnyMarker(tags)}
}
