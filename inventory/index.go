package inventory

import "fmt"

// Index looks up a document's resources by ID (keypairs by name), each
// entry pointing into the document. It is a snapshot: build it when the
// document is complete. An empty ID is never indexed; of two resources
// with the same ID the later one wins (Validate reports both).
type Index struct {
	Servers          map[string]*Server
	Flavors          map[string]*Flavor
	Images           map[string]*Image
	Volumes          map[string]*Volume
	VolumeTypes      map[string]*VolumeType
	Networks         map[string]*Network
	ExternalNetworks map[string]*ExternalNetwork
	Subnets          map[string]*Subnet
	Routers          map[string]*Router
	SecurityGroups   map[string]*SecurityGroup
	Ports            map[string]*Port
	FloatingIPs      map[string]*FloatingIP
	Keypairs         map[string]*Keypair
	ServerGroups     map[string]*ServerGroup
	LoadBalancers    map[string]*LoadBalancer

	flavorByName  map[string]*Flavor
	portByIP      map[string]*Port // "subnet|ip" and "|ip"
	gatewayRouter map[string]*Router
	lbByVIPPort   map[string]*LoadBalancer
}

// NewIndex indexes a document.
func NewIndex(d *Document) *Index { return newIndex(d, nil) }

// newIndex indexes a document and tells bad about each empty or repeated
// ID of the kinds Validate checks (bad may be nil).
func newIndex(d *Document, bad func(kind string, i int, problem string)) *Index {
	ix := &Index{
		Servers:          byID(bad, KindServers, d.Servers, func(x *Server) string { return x.ID }),
		Flavors:          byID(bad, KindFlavors, d.Flavors, func(x *Flavor) string { return x.ID }),
		Images:           byID(bad, KindImages, d.Images, func(x *Image) string { return x.ID }),
		Volumes:          byID(bad, KindVolumes, d.Volumes, func(x *Volume) string { return x.ID }),
		VolumeTypes:      byID(nil, KindVolumeTypes, d.VolumeTypes, func(x *VolumeType) string { return x.ID }),
		Networks:         byID(bad, KindNetworks, d.Networks, func(x *Network) string { return x.ID }),
		ExternalNetworks: byID(bad, "cloud.externalNetworks", d.Cloud.ExternalNetworks, func(x *ExternalNetwork) string { return x.ID }),
		Subnets:          byID(bad, KindSubnets, d.Subnets, func(x *Subnet) string { return x.ID }),
		Routers:          byID(bad, KindRouters, d.Routers, func(x *Router) string { return x.ID }),
		SecurityGroups:   byID(bad, KindSecurityGroups, d.SecurityGroups, func(x *SecurityGroup) string { return x.ID }),
		Ports:            byID(bad, KindPorts, d.Ports, func(x *Port) string { return x.ID }),
		FloatingIPs:      byID(bad, KindFloatingIPs, d.FloatingIPs, func(x *FloatingIP) string { return x.ID }),
		Keypairs:         byID(nil, KindKeypairs, d.Keypairs, func(x *Keypair) string { return x.Name }),
		ServerGroups:     byID(bad, KindServerGroups, d.ServerGroups, func(x *ServerGroup) string { return x.ID }),
		LoadBalancers:    byID(bad, KindLoadBalancers, d.LoadBalancers, func(x *LoadBalancer) string { return x.ID }),
		flavorByName:     byID(nil, "", d.Flavors, func(x *Flavor) string { return x.Name }),
		portByIP:         map[string]*Port{},
		gatewayRouter:    map[string]*Router{},
		lbByVIPPort:      byID(nil, "", d.LoadBalancers, func(x *LoadBalancer) string { return x.VIPPortID }),
	}
	for i := range d.Ports {
		for _, ip := range d.Ports[i].FixedIPs {
			ix.portByIP[ip.SubnetID+"|"+ip.IPAddress] = &d.Ports[i]
			ix.portByIP["|"+ip.IPAddress] = &d.Ports[i]
		}
	}
	for i := range d.Routers {
		if d.Routers[i].ExternalGateway == nil {
			continue
		}
		for _, itf := range d.Routers[i].Interfaces {
			if _, taken := ix.gatewayRouter[itf.SubnetID]; !taken {
				ix.gatewayRouter[itf.SubnetID] = &d.Routers[i]
			}
		}
	}
	return ix
}

// byID indexes items by a key. An empty flavor ID is no problem: it is a
// flavor that is gone.
func byID[T any](bad func(string, int, string), kind string, items []T, key func(*T) string) map[string]*T {
	m := make(map[string]*T, len(items))
	for i := range items {
		k := key(&items[i])
		switch _, dup := m[k]; {
		case bad != nil && k == "" && kind != KindFlavors:
			bad(kind, i, "id is empty")
		case bad != nil && dup:
			bad(kind, i, fmt.Sprintf("id %q appears twice", k))
		}
		if k != "" {
			m[k] = &items[i]
		}
	}
	return m
}

// FlavorOf finds a flavor by ID, else (a flavor that is gone, or a
// server that names it only) by name.
func (ix *Index) FlavorOf(id, name string) (*Flavor, bool) {
	if f, ok := ix.Flavors[id]; ok {
		return f, true
	}
	f, ok := ix.flavorByName[name]
	return f, ok
}

// PortAt finds the port holding an address, on the subnet if given.
func (ix *Index) PortAt(subnetID, ip string) (*Port, bool) {
	if p, ok := ix.portByIP[subnetID+"|"+ip]; ok {
		return p, true
	}
	p, ok := ix.portByIP["|"+ip]
	return p, ok
}

// GatewayRouter is the (first) router with an external gateway that has
// an interface on the subnet.
func (ix *Index) GatewayRouter(subnetID string) (*Router, bool) {
	r, ok := ix.gatewayRouter[subnetID]
	return r, ok
}

// LoadBalancerOfVIP is the load balancer owning a VIP port.
func (ix *Index) LoadBalancerOfVIP(portID string) (*LoadBalancer, bool) {
	lb, ok := ix.lbByVIPPort[portID]
	return lb, ok
}
