package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// remover deletes one kind of target resource; a resource that is gone
// already is fine.
type remover func(ctx context.Context, s *cloud.Session, r Created, poll cloud.Poll) error

// removalOrder is the order in which a rollback deletes what a plan made:
// the reverse of the order in which resources depend on each other.
// Floating IPs and load balancers hold ports; servers hold ports and
// volumes; router interfaces hold subnets; ports hold subnets and
// security groups; subnets hold networks.
var removalOrder = []struct {
	kind   string
	remove remover
}{
	{"floating-ip", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Network, floatingips.Delete)(ctx, r.ID)
	}},
	{"load-balancer", func(ctx context.Context, s *cloud.Session, r Created, poll cloud.Poll) error {
		return deleteLoadBalancer(ctx, s, r.ID, poll)
	}},
	{"server", func(ctx context.Context, s *cloud.Session, r Created, poll cloud.Poll) error {
		return deleteServer(ctx, s, r.ID, poll)
	}},
	{"router-interface", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		if err := clearRoutes(ctx, s, r.Parent); err != nil || r.Parent == "" {
			return err
		}
		return removeInterface(ctx, s, r.Parent, r.ID)
	}},
	{"router", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return removeRouter(ctx, s, r.ID)
	}},
	{"port", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Network, ports.Delete)(ctx, r.ID)
	}},
	{"volume", func(ctx context.Context, s *cloud.Session, r Created, poll cloud.Poll) error {
		return deleteVolume(ctx, s, r.ID, poll)
	}},
	{"image", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Image, images.Delete)(ctx, r.ID)
	}},
	{"subnet", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Network, subnets.Delete)(ctx, r.ID)
	}},
	{"network", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Network, networks.Delete)(ctx, r.ID)
	}},
	{"security-group", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Network, groups.Delete)(ctx, r.ID)
	}},
	{"server-group", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return deleter(s.Compute, servergroups.Delete)(ctx, r.ID)
	}},
	{"keypair", func(ctx context.Context, s *cloud.Session, r Created, _ cloud.Poll) error {
		return ignoreNotFound(keypairs.Delete(ctx, s.Compute, r.ID, nil).ExtractErr())
	}},
}

// deleter turns one of gophercloud's Delete functions into a remove
// function for which a resource that is gone already is fine.
func deleter[R interface{ ExtractErr() error }](c *gophercloud.ServiceClient, del func(context.Context, *gophercloud.ServiceClient, string) R) func(context.Context, string) error {
	return func(ctx context.Context, id string) error { return ignoreNotFound(del(ctx, c, id).ExtractErr()) }
}

func ignoreNotFound(err error) error {
	if cloud.IsNotFound(err) {
		return nil
	}
	return err
}

// removeInterface detaches a router from the subnet of an interface port.
func removeInterface(ctx context.Context, s *cloud.Session, routerID, portID string) error {
	_, err := routers.RemoveInterface(ctx, s.Network, routerID, routers.RemoveInterfaceOpts{PortID: portID}).Extract()
	return cloud.Wrap("remove interface "+portID+" of router "+routerID, ignoreNotFound(err))
}

// clearRoutes removes a router's static routes, which hold the
// interfaces their next hops are reached by.
func clearRoutes(ctx context.Context, s *cloud.Session, routerID string) error {
	if routerID == "" {
		return nil
	}
	none := []routers.Route{}
	_, err := routers.Update(ctx, s.Network, routerID, routers.UpdateOpts{Routes: &none}).Extract()
	return cloud.Wrap("clear the routes of router "+routerID, ignoreNotFound(err))
}

// removeRouter deletes a router with its static routes (which hold its
// interfaces) and its interfaces (which hold it).
func removeRouter(ctx context.Context, s *cloud.Session, id string) error {
	if err := clearRoutes(ctx, s, id); err != nil {
		return err
	}
	all, err := cloud.ListAll(ctx, ports.List(s.Network, ports.ListOpts{DeviceID: id}), ports.ExtractPorts)
	if err != nil {
		return cloud.Wrap("list ports of router "+id, err)
	}
	for _, p := range all {
		if strings.HasPrefix(p.DeviceOwner, "network:router_interface") {
			if err := removeInterface(ctx, s, id, p.ID); err != nil {
				return err
			}
		}
	}
	return deleter(s.Network, routers.Delete)(ctx, id)
}

// deleteVolume deletes a volume, with its snapshots, once it is detached
// (its server may still be going) and waits until it is gone.
func deleteVolume(ctx context.Context, s *cloud.Session, id string, poll cloud.Poll) error {
	return cloud.Remove(ctx, poll, cloud.Volume, id, cloud.VolumeStatus(s.BlockStorage, id, nil), func(ctx context.Context) error {
		return volumes.Delete(ctx, s.BlockStorage, id, volumes.DeleteOpts{Cascade: true}).ExtractErr()
	})
}

// describeCreated names a resource for reports.
func describeCreated(r Created) string {
	if r.Name != "" {
		return fmt.Sprintf("%s %s %q (%s)", r.Cloud, r.Kind, r.Name, r.ID)
	}
	return fmt.Sprintf("%s %s %s", r.Cloud, r.Kind, r.ID)
}
