package cloud

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
)

// The status readers of the kinds that are waited for. Each keeps the
// resource it read last in *last, unless last is nil.

// VolumeStatus reads a volume's status.
func VolumeStatus(c *gophercloud.ServiceClient, id string, last **volumes.Volume) StatusFunc {
	return watch(last, "volume "+id, func(ctx context.Context) (*volumes.Volume, error) { return volumes.Get(ctx, c, id).Extract() },
		func(v *volumes.Volume) string { return v.Status })
}

// SnapshotStatus reads a volume snapshot's status.
func SnapshotStatus(c *gophercloud.ServiceClient, id string, last **snapshots.Snapshot) StatusFunc {
	return watch(last, "snapshot "+id, func(ctx context.Context) (*snapshots.Snapshot, error) { return snapshots.Get(ctx, c, id).Extract() },
		func(s *snapshots.Snapshot) string { return s.Status })
}

// ImageStatus reads an image's status.
func ImageStatus(c *gophercloud.ServiceClient, id string, last **images.Image) StatusFunc {
	return watch(last, "image "+id, func(ctx context.Context) (*images.Image, error) { return images.Get(ctx, c, id).Extract() },
		func(i *images.Image) string { return string(i.Status) })
}

// LoadBalancerStatus reads a load balancer's provisioning status.
func LoadBalancerStatus(c *gophercloud.ServiceClient, id string, last **loadbalancers.LoadBalancer) StatusFunc {
	return watch(last, "load balancer "+id, func(ctx context.Context) (*loadbalancers.LoadBalancer, error) {
		return loadbalancers.Get(ctx, c, id).Extract()
	}, func(lb *loadbalancers.LoadBalancer) string { return lb.ProvisioningStatus })
}

// ServerStatus reads a server's status and reports ERROR as an error with the server's fault.
func ServerStatus(c *gophercloud.ServiceClient, id string, last **servers.Server) StatusFunc {
	if last == nil {
		last = new(*servers.Server)
	}
	read := watch(last, "server "+id, func(ctx context.Context) (*servers.Server, error) { return servers.Get(ctx, c, id).Extract() },
		func(s *servers.Server) string { return s.Status })
	return func(ctx context.Context) (string, error) {
		st, err := read(ctx)
		if err == nil && st == "ERROR" {
			return "", fmt.Errorf("server %s went to ERROR: %s", id, (*last).Fault.Message)
		}
		return st, err
	}
}

func watch[T any](last **T, what string, get func(context.Context) (*T, error), status func(*T) string) StatusFunc {
	return func(ctx context.Context) (string, error) {
		v, err := get(ctx)
		if err != nil {
			return "", Wrap("get "+what, err)
		}
		if last != nil {
			*last = v
		}
		return status(v), nil
	}
}
