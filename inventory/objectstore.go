package inventory

import (
	"context"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
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
	infos, err := cloud.ListAll(ctx, containers.List(sc, containers.ListOpts{}), containers.ExtractInfo)
	for _, ci := range infos {
		c.raw.containers = append(c.raw.containers, Container{Name: ci.Name, Objects: ci.Count, Bytes: ci.Bytes})
	}
	return len(c.raw.containers), err
}
