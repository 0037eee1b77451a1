package inventory

import (
	"context"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

type neutronRouter struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Description  string `json:"description"`
	AdminStateUp bool   `json:"admin_state_up"`
	Gateway      *struct {
		NetworkID  string `json:"network_id"`
		EnableSNAT *bool  `json:"enable_snat"`
	} `json:"external_gateway_info"`
	Routes []neutronRoute `json:"routes"`
	Tags   []string       `json:"tags"`
}

func (c *collector) fetchRouters(ctx context.Context) (int, error) {
	var err error
	c.raw.routers, err = cloud.ListAll(ctx, routers.List(c.s.Network, routers.ListOpts{}), cloud.ExtractAs[neutronRouter]("routers"))
	return len(c.raw.routers), err
}

// isRouterInterface tells the ports that connect a router to a subnet:
// network:router_interface, …_distributed, network:ha_router_replicated_interface.
func isRouterInterface(owner string) bool {
	return strings.HasPrefix(owner, "network:router_interface") || owner == "network:ha_router_replicated_interface"
}

// router assembles a router; its interfaces come from the port list
// (device_owner network:router_interface*), not from one call per router.
func (r neutronRouter) router(ports []neutronPort, netNames map[string]string) Router {
	out := Router{ID: r.ID, Name: r.Name, Description: r.Description, AdminStateUp: r.AdminStateUp, Tags: r.Tags}
	if g := r.Gateway; g != nil && g.NetworkID != "" {
		out.ExternalGateway = &RouterGateway{NetworkID: g.NetworkID, NetworkName: netNames[g.NetworkID], EnableSNAT: enabled(g.EnableSNAT)}
	}
	for _, rt := range r.Routes {
		out.Routes = append(out.Routes, Route{Destination: rt.Destination, NextHop: rt.NextHop})
	}
	for _, p := range ports {
		if p.DeviceID != r.ID || !isRouterInterface(p.DeviceOwner) {
			continue
		}
		for _, ip := range p.RawFixedIPs {
			out.Interfaces = append(out.Interfaces, RouterInterface{SubnetID: ip.SubnetID, PortID: p.ID, IPAddress: ip.IPAddress})
		}
	}
	return out
}
