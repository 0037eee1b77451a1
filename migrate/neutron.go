package migrate

import (
	"context"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/attributestags"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// neutronCreate POSTs one resource to a Neutron collection. The body is
// a plain map, so that extension attributes (mtu, port_security_enabled,
// …) need no wrapper types; the answer decodes into T.
func neutronCreate[T any](ctx context.Context, c *gophercloud.ServiceClient, collection, single string, body map[string]any) (T, error) {
	var out map[string]T
	_, err := c.Post(ctx, c.ServiceURL(collection), map[string]any{single: body}, &out,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusCreated}})
	return out[single], err
}

// neutronUpdate PUTs attributes of one resource.
func neutronUpdate(ctx context.Context, c *gophercloud.ServiceClient, collection, single, id string, body map[string]any) error {
	_, err := c.Put(ctx, c.ServiceURL(collection, id), map[string]any{single: body}, nil,
		&gophercloud.RequestOpts{OkCodes: []int{http.StatusOK}})
	return err
}

// neutronDelete deletes one resource; a missing one is fine.
func neutronDelete(ctx context.Context, c *gophercloud.ServiceClient, collection, id string) error {
	_, err := c.Delete(ctx, c.ServiceURL(collection, id), nil)
	if cloud.IsNotFound(err) {
		return nil
	}
	return err
}

// neutronMark returns a claim's mark function: it replaces the tags of
// the resource with its own tags plus the step's markers.
func neutronMark(c *gophercloud.ServiceClient, collection string, m marker, own []string) func(context.Context, string) error {
	return func(ctx context.Context, id string) error {
		_, err := attributestags.ReplaceAll(ctx, c, collection, id, attributestags.ReplaceAllOpts{Tags: m.tags(own)}).Extract()
		return err
	}
}

// neutronRemove returns a claim's remove function.
func neutronRemove(c *gophercloud.ServiceClient, collection string) func(context.Context, string) error {
	return func(ctx context.Context, id string) error { return neutronDelete(ctx, c, collection, id) }
}

// tagged classifies a found resource by its tags.
func (m marker) tagged(id string, tags []string) candidate {
	mine := m.hasStepTag(tags)
	return candidate{ID: id, Marked: mine, Foreign: !mine && hasAnyMarker(tags)}
}
