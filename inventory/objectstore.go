package inventory

import (
	"context"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// objectStore is a Swift client when the catalog offers object-store,
// else nil (and containers are silently not collected).
func (c *collector) objectStore() *gophercloud.ServiceClient {
	if c.s.Provider == nil || !slices.Contains(c.s.Services, "object-store") {
		return nil
	}
	sc, err := openstack.NewObjectStorageV1(c.s.Provider, c.s.Endpoint)
	if err != nil {
		return nil
	}
	return sc
}

func (c *collector) fetchContainers(ctx context.Context, sc *gophercloud.ServiceClient) (int, error) {
	err := containers.List(sc, containers.ListOpts{}).EachPage(ctx, func(_ context.Context, page pagination.Page) (bool, error) {
		infos, err := containers.ExtractInfo(page)
		for _, ci := range infos {
			c.raw.containers = append(c.raw.containers, Container{Name: ci.Name, Objects: ci.Count, Bytes: ci.Bytes})
		}
		return err == nil, err
	})
	return len(c.raw.containers), err
}
