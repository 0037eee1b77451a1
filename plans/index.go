package plans

import (
	"strconv"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// index looks inventory resources up by ID.
type index struct {
	servers  map[string]*inventory.Server
	volumes  map[string]*inventory.Volume
	images   map[string]*inventory.Image
	flavors  map[string]*inventory.Flavor // by ID and by "name:"+name
	networks map[string]*inventory.Network
	subnets  map[string]*inventory.Subnet
	ports    map[string]*inventory.Port
	groups   map[string]*inventory.SecurityGroup
	routers  map[string]*inventory.Router
	lbs      map[string]*inventory.LoadBalancer
	keypairs map[string]bool
	srvGrps  map[string]*inventory.ServerGroup
	// portByIP finds the port holding a fixed IP: "subnet|ip" and "|ip".
	portByIP map[string]*inventory.Port
	// gatewayRouter is the router with an external gateway that has an
	// interface on the subnet, by subnet ID.
	gatewayRouter map[string]*inventory.Router
	// lbByVIPPort is the load balancer owning a VIP port.
	lbByVIPPort map[string]*inventory.LoadBalancer
}

func newIndex(inv *inventory.Document) *index {
	ix := &index{
		servers:  byID(inv.Servers, func(s *inventory.Server) string { return s.ID }),
		volumes:  byID(inv.Volumes, func(v *inventory.Volume) string { return v.ID }),
		images:   byID(inv.Images, func(i *inventory.Image) string { return i.ID }),
		flavors:  byID(inv.Flavors, func(f *inventory.Flavor) string { return f.ID }),
		networks: byID(inv.Networks, func(n *inventory.Network) string { return n.ID }),
		subnets:  byID(inv.Subnets, func(s *inventory.Subnet) string { return s.ID }),
		ports:    byID(inv.Ports, func(p *inventory.Port) string { return p.ID }),
		groups:   byID(inv.SecurityGroups, func(g *inventory.SecurityGroup) string { return g.ID }),
		routers:  byID(inv.Routers, func(r *inventory.Router) string { return r.ID }),
		lbs:      byID(inv.LoadBalancers, func(l *inventory.LoadBalancer) string { return l.ID }),
		srvGrps:  byID(inv.ServerGroups, func(g *inventory.ServerGroup) string { return g.ID }),
		keypairs: map[string]bool{}, portByIP: map[string]*inventory.Port{},
		gatewayRouter: map[string]*inventory.Router{}, lbByVIPPort: map[string]*inventory.LoadBalancer{},
	}
	for i := range inv.Flavors {
		ix.flavors["name:"+inv.Flavors[i].Name] = &inv.Flavors[i]
	}
	for _, k := range inv.Keypairs {
		ix.keypairs[k.Name] = true
	}
	for i := range inv.Ports {
		p := &inv.Ports[i]
		for _, ip := range p.FixedIPs {
			ix.portByIP[ip.SubnetID+"|"+ip.IPAddress] = p
			ix.portByIP["|"+ip.IPAddress] = p
		}
	}
	for i := range inv.Routers {
		r := &inv.Routers[i]
		if r.ExternalGateway == nil {
			continue
		}
		for _, itf := range r.Interfaces {
			if _, taken := ix.gatewayRouter[itf.SubnetID]; !taken {
				ix.gatewayRouter[itf.SubnetID] = r
			}
		}
	}
	for i := range inv.LoadBalancers {
		lb := &inv.LoadBalancers[i]
		ix.lbByVIPPort[lb.VIPPortID] = lb
	}
	return ix
}

// byID indexes a slice by a key, pointing into the slice.
func byID[T any](items []T, key func(*T) string) map[string]*T {
	m := make(map[string]*T, len(items))
	for i := range items {
		m[key(&items[i])] = &items[i]
	}
	return m
}

// flavorOf finds a server's flavor in the inventory.
func (ix *index) flavorOf(s *inventory.Server) (*inventory.Flavor, bool) {
	if f, ok := ix.flavors[s.FlavorID]; ok && s.FlavorID != "" {
		return f, true
	}
	f, ok := ix.flavors["name:"+s.FlavorName]
	return f, ok
}

// portAt finds the port holding an address, on the subnet if given.
func (ix *index) portAt(subnetID, ip string) (*inventory.Port, bool) {
	if p, ok := ix.portByIP[subnetID+"|"+ip]; ok {
		return p, true
	}
	p, ok := ix.portByIP["|"+ip]
	return p, ok
}

// nameOf returns the human name of a resource, or fallback.
func (ix *index) nameOf(kind, id, fallback string) string {
	name := ""
	switch kind {
	case "server":
		if s, ok := ix.servers[id]; ok {
			name = s.Name
		}
	case "volume":
		if v, ok := ix.volumes[id]; ok {
			name = v.Name
		}
	case "router":
		if r, ok := ix.routers[id]; ok {
			name = r.Name
		}
	case "security-group":
		if g, ok := ix.groups[id]; ok {
			name = g.Name
		}
	}
	if name == "" {
		return fallback
	}
	return name
}

// quoteName quotes a name for a message; empty names show as "(unnamed)".
func quoteName(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return strconv.Quote(name)
}
