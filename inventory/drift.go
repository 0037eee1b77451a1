package inventory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Change is one way a resource of an earlier snapshot differs in a later
// one: it is gone, or one of the facts a migration depends on changed.
type Change struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name"`
	// What says what changed: "is gone", or "size: 10 GB → 20 GB".
	What string `json:"what"`
}

func (c Change) String() string {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	return fmt.Sprintf("%s %s: %s", c.Kind, name, c.What)
}

// Drift lists how the resources of before differ in after, a later
// snapshot of the same project: each resource that is gone, and each
// change of a fact that a plan made from before relies on (a flavor, a
// size, an attachment, a port, an address). Power state and status are
// not drift: a migration stops servers itself. Resources that are new in
// after are not listed, unless they attach to one of before's servers
// or volumes (a port or volume added to a server shows as a change of
// that server). The order is before's.
func Drift(before, after *Document) []Change {
	var out []Change
	names := nameBook(before, after)
	out = diffKind(out, "server", before.Servers, after.Servers, func(s Server) (string, string) { return s.ID, s.Name },
		func(s Server) []fact {
			vols := make([]string, len(s.BlockDevices))
			for i, bd := range s.BlockDevices {
				vols[i] = names.of(bd.VolumeID)
			}
			return []fact{{"flavor", s.FlavorName}, {"image", names.of(s.ImageID)}, {"volumes", strings.Join(vols, ", ")},
				{"ports", names.list(s.Ports)}, {"keypair", s.KeyName}, {"server group", names.of(s.ServerGroupID)}}
		})
	out = diffKind(out, "volume", before.Volumes, after.Volumes, func(v Volume) (string, string) { return v.ID, v.Name },
		func(v Volume) []fact {
			servers := make([]string, len(v.Attachments))
			for i, a := range v.Attachments {
				servers[i] = names.of(a.ServerID)
			}
			slices.Sort(servers)
			return []fact{{"size", strconv.Itoa(v.SizeGB) + " GB"}, {"type", v.VolumeType}, {"attached to", strings.Join(servers, ", ")}}
		})
	out = diffKind(out, "port", before.Ports, after.Ports, func(p Port) (string, string) { return p.ID, p.Name },
		func(p Port) []fact {
			ips := make([]string, len(p.FixedIPs))
			for i, ip := range p.FixedIPs {
				ips[i] = ip.IPAddress
			}
			return []fact{{"network", names.of(p.NetworkID)}, {"addresses", strings.Join(ips, ", ")}, {"MAC", p.MACAddress},
				{"security groups", names.list(p.SecurityGroups)}, {"device", names.of(p.DeviceID)}}
		})
	out = diffKind(out, "network", before.Networks, after.Networks, func(n Network) (string, string) { return n.ID, n.Name },
		func(n Network) []fact {
			return []fact{{"MTU", strconv.Itoa(n.MTU)}, {"port security", strconv.FormatBool(n.PortSecurityEnabled)}}
		})
	out = diffKind(out, "subnet", before.Subnets, after.Subnets, func(s Subnet) (string, string) { return s.ID, s.Name },
		func(s Subnet) []fact {
			return []fact{{"CIDR", s.CIDR}, {"gateway", s.GatewayIP}, {"DHCP", strconv.FormatBool(s.EnableDHCP)}}
		})
	out = diffKind(out, "router", before.Routers, after.Routers, func(r Router) (string, string) { return r.ID, r.Name },
		func(r Router) []fact {
			subnets := make([]string, len(r.Interfaces))
			for i, itf := range r.Interfaces {
				subnets[i] = names.of(itf.SubnetID)
			}
			gw := ""
			if r.ExternalGateway != nil {
				gw = r.ExternalGateway.NetworkName
			}
			return []fact{{"external gateway", gw}, {"interfaces", sortedJoin(subnets)}, {"routes", strconv.Itoa(len(r.Routes))}}
		})
	out = diffKind(out, "security group", before.SecurityGroups, after.SecurityGroups,
		func(g SecurityGroup) (string, string) { return g.ID, g.Name },
		func(g SecurityGroup) []fact { return []fact{{"rules", strconv.Itoa(len(g.Rules))}} })
	out = diffKind(out, "keypair", before.Keypairs, after.Keypairs, func(k Keypair) (string, string) { return k.Name, k.Name },
		func(k Keypair) []fact { return []fact{{"fingerprint", k.Fingerprint}} })
	out = diffKind(out, "server group", before.ServerGroups, after.ServerGroups,
		func(g ServerGroup) (string, string) { return g.ID, g.Name },
		func(g ServerGroup) []fact { return []fact{{"policy", g.Policy}} })
	out = diffKind(out, "floating IP", before.FloatingIPs, after.FloatingIPs,
		func(f FloatingIP) (string, string) { return f.ID, f.FloatingIPAddress },
		func(f FloatingIP) []fact {
			return []fact{{"port", names.of(f.PortID)}, {"fixed address", f.FixedIPAddress}}
		})
	out = diffKind(out, "load balancer", before.LoadBalancers, after.LoadBalancers,
		func(lb LoadBalancer) (string, string) { return lb.ID, lb.Name },
		func(lb LoadBalancer) []fact {
			return []fact{{"VIP", lb.VIPAddress}, {"listeners", strconv.Itoa(len(lb.Listeners))}, {"pools", strconv.Itoa(len(lb.Pools))}}
		})
	ownImages := func(list []Image) []Image {
		return slices.DeleteFunc(slices.Clone(list), func(im Image) bool { return !im.OwnedByTenant })
	}
	return diffKind(out, "image", ownImages(before.Images), ownImages(after.Images), func(im Image) (string, string) { return im.ID, im.Name },
		func(im Image) []fact {
			return []fact{{"checksum", im.Checksum}, {"size", strconv.FormatInt(im.SizeBytes, 10) + " bytes"}}
		})
}

// fact is one compared attribute of a resource, rendered for people.
type fact struct{ label, value string }

// diffKind appends the changes of one kind of resource.
func diffKind[T any](out []Change, kind string, before, after []T, key func(T) (id, name string), facts func(T) []fact) []Change {
	later := make(map[string]T, len(after))
	for _, r := range after {
		id, _ := key(r)
		later[id] = r
	}
	for _, r := range before {
		id, name := key(r)
		now, ok := later[id]
		if !ok {
			out = append(out, Change{Kind: kind, ID: id, Name: name, What: "is gone"})
			continue
		}
		if _, newName := key(now); newName != name {
			out = append(out, Change{Kind: kind, ID: id, Name: name, What: fmt.Sprintf("name: %q → %q", name, newName)})
		}
		was, is := facts(r), facts(now)
		for i := range was {
			if was[i].value != is[i].value {
				out = append(out, Change{Kind: kind, ID: id, Name: name,
					What: fmt.Sprintf("%s: %s → %s", was[i].label, orNone(was[i].value), orNone(is[i].value))})
			}
		}
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// names tells resources by ID, in either snapshot, for the changes.
type names map[string]string

func nameBook(docs ...*Document) names {
	n := names{}
	add := func(id, name string) {
		if id != "" && name != "" {
			n[id] = name
		}
	}
	for _, d := range docs {
		for _, s := range d.Servers {
			add(s.ID, s.Name)
		}
		for _, v := range d.Volumes {
			add(v.ID, v.Name)
		}
		for _, p := range d.Ports {
			if p.Name == "" && len(p.FixedIPs) > 0 {
				add(p.ID, "port "+p.FixedIPs[0].IPAddress)
			}
			add(p.ID, p.Name)
		}
		for _, nw := range d.Networks {
			add(nw.ID, nw.Name)
		}
		for _, s := range d.Subnets {
			add(s.ID, s.Name)
		}
		for _, g := range d.SecurityGroups {
			add(g.ID, g.Name)
		}
		for _, g := range d.ServerGroups {
			add(g.ID, g.Name)
		}
		for _, im := range d.Images {
			add(im.ID, im.Name)
		}
	}
	return n
}

func (n names) of(id string) string {
	if name, ok := n[id]; ok {
		return name
	}
	return id
}

// list names a set of IDs in a stable order.
func (n names) list(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = n.of(id)
	}
	return sortedJoin(out)
}

func sortedJoin(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(s, ", ")
}
