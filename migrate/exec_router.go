package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// runRouter makes the router, with its gateway on the mapped external
// network. Interfaces and routes are steps of their own.
func runRouter(ctx context.Context, sc *StepContext) (Outcome, error) {
	r, err := lookup(sc.inv.routers, "router", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	nc := sc.Target.Network
	c := claim{kind: "router", name: r.Name, source: r.ID, byName: true,
		find: func(ctx context.Context) ([]candidate, error) {
			all, err := cloud.ListAll(ctx, routers.List(nc, routers.ListOpts{Name: r.Name, ProjectID: sc.Target.ProjectID}), routers.ExtractRouters)
			var out []candidate
			for _, x := range all {
				out = append(out, sc.mark.tagged(x.ID, x.Tags))
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) {
			opts := routers.CreateOpts{Name: r.Name, Description: r.Description, AdminStateUp: &r.AdminStateUp}
			if r.ExternalGateway != nil {
				if sc.Step.Target.ExternalNetworkID == "" {
					return "", fmt.Errorf("the router has an external gateway but the plan maps no external network for it")
				}
				opts.GatewayInfo = &routers.GatewayInfo{NetworkID: sc.Step.Target.ExternalNetworkID}
			}
			out, err := routers.Create(ctx, nc, opts).Extract()
			if err != nil {
				return "", err
			}
			return out.ID, nil
		},
		mark:   neutronMark(nc, "routers", sc.mark, r.Tags),
		remove: func(ctx context.Context, id string) error { return removeRouter(ctx, sc.Target, id) },
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

// routerInterface finds the router and the interface a router-interface
// step connects: the router ParentID on the subnet SourceID (as plans
// writes them), else by the interface's port ID, by "<router>/<subnet>",
// or by the router and subnet steps it depends on.
func routerInterface(sc *StepContext) (*inventory.Router, inventory.RouterInterface, error) {
	id := sc.Step.SourceID
	if r, ok := sc.inv.routers[sc.Step.ParentID]; ok {
		for _, itf := range r.Interfaces {
			if itf.SubnetID == id {
				return r, itf, nil
			}
		}
	}
	for _, r := range sc.inv.routers {
		for _, itf := range r.Interfaces {
			if itf.PortID == id || r.ID+"/"+itf.SubnetID == id {
				return r, itf, nil
			}
		}
	}
	rs, ss := sc.dependencies(plans.StepRouter), sc.dependencies(plans.StepSubnet)
	if len(rs) == 1 && len(ss) == 1 {
		if r, ok := sc.inv.routers[rs[0].SourceID]; ok {
			for _, itf := range r.Interfaces {
				if itf.SubnetID == ss[0].SourceID {
					return r, itf, nil
				}
			}
		}
	}
	return nil, inventory.RouterInterface{}, fmt.Errorf("the plan's inventory has no router interface %q", id)
}

// runRouterInterface connects the new router to the new subnet at the
// interface's original address.
func runRouterInterface(ctx context.Context, sc *StepContext) (Outcome, error) {
	r, itf, err := routerInterface(sc)
	if err != nil {
		return Outcome{}, err
	}
	routerID, err := sc.targetOf("router", r.ID)
	if err != nil {
		return Outcome{}, err
	}
	subnetID, err := sc.targetOf("subnet", itf.SubnetID)
	if err != nil {
		return Outcome{}, err
	}
	if id, err := interfacePort(ctx, sc, routerID, subnetID); err != nil || id != "" {
		if err == nil {
			err = sc.created("router-interface", "", id, "", routerID)
		}
		return Outcome{TargetID: id, Adopted: true}, err
	}
	opts := routers.AddInterfaceOpts{SubnetID: subnetID}
	if sub := sc.inv.subnets[itf.SubnetID]; sub != nil && itf.IPAddress != "" && itf.IPAddress != sub.GatewayIP {
		portID, err := interfaceAddressPort(ctx, sc, subnetID, sub.NetworkID, itf.IPAddress)
		if err != nil {
			return Outcome{}, err
		}
		opts = routers.AddInterfaceOpts{PortID: portID}
	}
	res, err := routers.AddInterface(ctx, sc.Target.Network, routerID, opts).Extract()
	if err != nil {
		return Outcome{}, cloud.Wrap("add router interface", err)
	}
	return Outcome{TargetID: res.PortID}, sc.created("router-interface", "", res.PortID, "", routerID)
}

// interfacePort returns the port by which the router is already on the
// subnet, or "".
func interfacePort(ctx context.Context, sc *StepContext, routerID, subnetID string) (string, error) {
	all, err := cloud.ListAll(ctx, ports.List(sc.Target.Network, ports.ListOpts{DeviceID: routerID}), ports.ExtractPorts)
	if err != nil {
		return "", cloud.Wrap("list router ports", err)
	}
	for _, p := range all {
		for _, ip := range p.FixedIPs {
			if ip.SubnetID == subnetID && strings.HasPrefix(p.DeviceOwner, "network:router_interface") {
				return p.ID, nil
			}
		}
	}
	return "", nil
}

// interfaceAddressPort makes (or finds, after a crash) the port that puts
// a router interface on an address other than the subnet's gateway.
func interfaceAddressPort(ctx context.Context, sc *StepContext, subnetID, srcNetworkID, addr string) (string, error) {
	netID, err := sc.targetOf("network", srcNetworkID)
	if err != nil {
		return "", err
	}
	nc := sc.Target.Network
	id, _, err := sc.ensure(ctx, claim{kind: "port", key: "interface", name: "",
		find: func(ctx context.Context) ([]candidate, error) {
			return portsAt(ctx, sc, netID, subnetID, addr)
		},
		create: func(ctx context.Context) (string, error) {
			p, err := ports.Create(ctx, nc, ports.CreateOpts{NetworkID: netID,
				FixedIPs: []ports.IP{{SubnetID: subnetID, IPAddress: addr}}}).Extract()
			if err != nil {
				return "", err
			}
			return p.ID, nil
		},
		mark:   neutronMark(nc, "ports", sc.mark, nil),
		remove: deleter(nc, ports.Delete),
	})
	return id, err
}

// portsAt lists the ports holding an address on one of the plan's own
// subnets; they are the plan's.
func portsAt(ctx context.Context, sc *StepContext, netID, subnetID, addr string) ([]candidate, error) {
	all, err := cloud.ListAll(ctx, ports.List(sc.Target.Network, ports.ListOpts{NetworkID: netID,
		FixedIPs: []ports.FixedIPOpts{{SubnetID: subnetID, IPAddress: addr}}}), ports.ExtractPorts)
	var out []candidate
	for _, p := range all {
		for _, ip := range p.FixedIPs {
			if ip.IPAddress == addr {
				c := sc.mark.tagged(p.ID, p.Tags)
				c.Mine = !c.Foreign
				out = append(out, c)
			}
		}
	}
	return out, err
}

// runRouterRoutes sets the router's static routes, once its interfaces
// (which the next hops need) exist. Setting them is idempotent.
func runRouterRoutes(ctx context.Context, sc *StepContext) (Outcome, error) {
	r, err := lookup(sc.inv.routers, "router", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	routerID, err := sc.targetOf("router", r.ID)
	if err != nil {
		return Outcome{}, err
	}
	routes := make([]routers.Route, len(r.Routes))
	for i, rt := range r.Routes {
		routes[i] = routers.Route{DestinationCIDR: rt.Destination, NextHop: rt.NextHop}
	}
	if _, err := routers.Update(ctx, sc.Target.Network, routerID, routers.UpdateOpts{Routes: &routes}).Extract(); err != nil {
		return Outcome{}, cloud.Wrap("set router routes", err)
	}
	return Outcome{TargetID: routerID}, nil
}
