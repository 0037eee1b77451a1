package inventory

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
)

// Normalize puts the document in its canonical form: every list sorted
// (by name, then ID, unless order means something), references sorted by
// the name of what they refer to, and nil lists and maps made empty, so
// that the same tenant always gives the same bytes.
func (d *Document) Normalize() {
	names := d.names()
	byName := func(id string) string { return names[id] }
	d.normalizeCompute(byName)
	d.normalizeStorage(byName)
	d.normalizeNetwork(byName)
	d.normalizeLoadBalancers()
	sortByNameID(d.Cloud.ExternalNetworks, func(n ExternalNetwork) (string, string) { return n.Name, n.ID })
	slices.Sort(d.Cloud.Services)
	slices.SortFunc(d.Keypairs, func(a, b Keypair) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(d.Containers, func(a, b Container) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(d.Quotas, func(a, b Quota) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Resource, b.Resource))
	})
	slices.SortFunc(d.Clusters, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
	})
	slices.SortFunc(d.Warnings, func(a, b Warning) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Message, b.Message))
	})
	d.Warnings = slices.Compact(d.Warnings)
	slices.Sort(d.NotCollected)
	d.NotCollected = slices.Compact(d.NotCollected)
	fillEmpty(reflect.ValueOf(d).Elem())
}

// names maps the IDs of servers, volumes and security groups to their
// names, to sort references by what they refer to.
func (d *Document) names() map[string]string {
	m := map[string]string{}
	for _, s := range d.Servers {
		m[s.ID] = s.Name
	}
	for _, v := range d.Volumes {
		m[v.ID] = v.Name
	}
	for _, g := range d.SecurityGroups {
		m[g.ID] = g.Name
	}
	return m
}

func (d *Document) normalizeCompute(name func(string) string) {
	sortByNameID(d.Servers, func(s Server) (string, string) { return s.Name, s.ID })
	for i := range d.Servers {
		s := &d.Servers[i]
		slices.Sort(s.SecurityGroups)
		slices.Sort(s.Tags)
	}
	slices.SortFunc(d.Flavors, func(a, b Flavor) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID), cmp.Compare(a.VCPUs, b.VCPUs),
			cmp.Compare(a.RAMMiB, b.RAMMiB), cmp.Compare(a.DiskGB, b.DiskGB))
	})
	sortByNameID(d.ServerGroups, func(g ServerGroup) (string, string) { return g.Name, g.ID })
	for i := range d.ServerGroups {
		sortRefs(d.ServerGroups[i].Members, name)
	}
	sortByNameID(d.Images, func(i Image) (string, string) { return i.Name, i.ID })
	for i := range d.Images {
		slices.Sort(d.Images[i].Tags)
		sortRefs(d.Images[i].UsedBy, name)
	}
}

func (d *Document) normalizeStorage(name func(string) string) {
	for i := range d.Volumes {
		slices.SortFunc(d.Volumes[i].Attachments, func(a, b VolumeAttachment) int {
			return cmp.Or(compareDevice(a.Device, b.Device), cmp.Compare(name(a.ServerID), name(b.ServerID)), cmp.Compare(a.ServerID, b.ServerID))
		})
	}
	// Unnamed volumes (root volumes Nova made) are told apart by where
	// they are attached rather than by their random IDs.
	slices.SortFunc(d.Volumes, func(a, b Volume) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(attachedTo(a, name), attachedTo(b, name)), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(d.VolumeSnapshots, func(a, b VolumeSnapshot) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(name(a.VolumeID), name(b.VolumeID)), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(d.VolumeBackups, func(a, b VolumeBackup) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(name(a.VolumeID), name(b.VolumeID)), cmp.Compare(a.ID, b.ID))
	})
	sortByNameID(d.VolumeTypes, func(t VolumeType) (string, string) { return t.Name, t.ID })
}

func (d *Document) normalizeNetwork(name func(string) string) {
	sortByNameID(d.Networks, func(n Network) (string, string) { return n.Name, n.ID })
	for i := range d.Networks {
		slices.Sort(d.Networks[i].Tags)
	}
	sortByNameID(d.Subnets, func(s Subnet) (string, string) { return s.Name, s.ID })
	for i := range d.Subnets {
		s := &d.Subnets[i]
		slices.SortFunc(s.AllocationPools, func(a, b AllocationPool) int { return compareIP(a.Start, b.Start) })
		slices.SortFunc(s.HostRoutes, compareRoute)
		slices.Sort(s.Tags)
	}
	sortByNameID(d.Routers, func(r Router) (string, string) { return r.Name, r.ID })
	for i := range d.Routers {
		r := &d.Routers[i]
		slices.SortFunc(r.Interfaces, func(a, b RouterInterface) int {
			return cmp.Or(compareIP(a.IPAddress, b.IPAddress), cmp.Compare(a.SubnetID, b.SubnetID), cmp.Compare(a.PortID, b.PortID))
		})
		slices.SortFunc(r.Routes, compareRoute)
		slices.Sort(r.Tags)
	}
	sortByNameID(d.SecurityGroups, func(g SecurityGroup) (string, string) { return g.Name, g.ID })
	for i := range d.SecurityGroups {
		g := &d.SecurityGroups[i]
		slices.SortFunc(g.Rules, func(a, b SecurityGroupRule) int { return compareRule(a, b, name) })
		slices.Sort(g.Tags)
	}
	slices.SortFunc(d.Ports, func(a, b Port) int { // same names (often ""): by address, not random ID
		return cmp.Or(cmp.Compare(a.Name, b.Name), compareIP(firstFixedIP(a), firstFixedIP(b)), cmp.Compare(a.ID, b.ID))
	})
	for i := range d.Ports {
		p := &d.Ports[i]
		slices.SortFunc(p.FixedIPs, func(a, b FixedIP) int { return compareIP(a.IPAddress, b.IPAddress) })
		sortRefs(p.SecurityGroups, name)
		slices.SortFunc(p.AllowedAddressPairs, func(a, b AddressPair) int {
			return cmp.Or(cmp.Compare(a.IPAddress, b.IPAddress), cmp.Compare(a.MACAddress, b.MACAddress))
		})
		slices.Sort(p.Tags)
	}
	slices.SortFunc(d.FloatingIPs, func(a, b FloatingIP) int {
		return cmp.Or(compareIP(a.FixedIPAddress, b.FixedIPAddress), compareIP(a.FloatingIPAddress, b.FloatingIPAddress), cmp.Compare(a.ID, b.ID))
	})
}

func (d *Document) normalizeLoadBalancers() {
	sortByNameID(d.LoadBalancers, func(l LoadBalancer) (string, string) { return l.Name, l.ID })
	for i := range d.LoadBalancers {
		lb := &d.LoadBalancers[i]
		slices.Sort(lb.Tags)
		port := map[string]int{}
		slices.SortFunc(lb.Listeners, func(a, b Listener) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ProtocolPort, b.ProtocolPort), cmp.Compare(a.ID, b.ID))
		})
		for _, l := range lb.Listeners {
			port[l.ID] = l.ProtocolPort
		}
		slices.SortFunc(lb.Pools, func(a, b Pool) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(port[a.ListenerID], port[b.ListenerID]), cmp.Compare(a.ID, b.ID))
		})
		for j := range lb.Pools {
			slices.SortFunc(lb.Pools[j].Members, func(a, b Member) int {
				return cmp.Or(cmp.Compare(a.Name, b.Name), compareIP(a.Address, b.Address),
					cmp.Compare(a.ProtocolPort, b.ProtocolPort), cmp.Compare(a.ID, b.ID))
			})
		}
	}
}

func firstFixedIP(p Port) string {
	if len(p.FixedIPs) == 0 {
		return ""
	}
	return slices.MinFunc(p.FixedIPs, func(a, b FixedIP) int { return compareIP(a.IPAddress, b.IPAddress) }).IPAddress
}

func compareRoute(a, b Route) int {
	return cmp.Or(cmp.Compare(a.Destination, b.Destination), cmp.Compare(a.NextHop, b.NextHop))
}

// compareRule orders rules by what they say; a remote group by its name,
// so that the order does not depend on random IDs.
func compareRule(a, b SecurityGroupRule, name func(string) string) int {
	return cmp.Or(cmp.Compare(a.Direction, b.Direction), cmp.Compare(a.EtherType, b.EtherType),
		cmp.Compare(a.Protocol, b.Protocol), compareIntPtr(a.PortRangeMin, b.PortRangeMin),
		compareIntPtr(a.PortRangeMax, b.PortRangeMax), cmp.Compare(a.RemoteIPPrefix, b.RemoteIPPrefix),
		cmp.Compare(name(a.RemoteGroupID), name(b.RemoteGroupID)), cmp.Compare(a.RemoteGroupID, b.RemoteGroupID),
		cmp.Compare(a.Description, b.Description), cmp.Compare(a.ID, b.ID))
}

func compareIntPtr(a, b *int) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return cmp.Compare(*a, *b)
}

func sortByNameID[T any](s []T, key func(T) (name, id string)) {
	slices.SortFunc(s, func(a, b T) int {
		an, ai := key(a)
		bn, bi := key(b)
		return cmp.Or(cmp.Compare(an, bn), cmp.Compare(ai, bi))
	})
}

// sortRefs orders IDs by the name of what they refer to, then by ID.
func sortRefs(ids []string, name func(string) string) {
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(name(a), name(b)), cmp.Compare(a, b)) })
}

// fillEmpty replaces nil slices and maps by empty ones in every field
// that is always written (no omitempty), through nested structs and
// slices of structs: [] and {} rather than null.
func fillEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			fillEmpty(v.Elem())
		}
	case reflect.Slice:
		for i := range v.Len() {
			fillEmpty(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := v.Field(i)
			if !t.Field(i).IsExported() {
				continue
			}
			omit := strings.Contains(t.Field(i).Tag.Get("json"), ",omitempty")
			switch {
			case f.Kind() == reflect.Slice && f.IsNil() && !omit:
				f.Set(reflect.MakeSlice(f.Type(), 0, 0))
			case f.Kind() == reflect.Map && f.IsNil() && !omit:
				f.Set(reflect.MakeMap(f.Type()))
			}
			fillEmpty(f)
		}
	}
}

// attachedTo is "server device" of a volume's first attachment.
func attachedTo(v Volume, name func(string) string) string {
	if len(v.Attachments) == 0 {
		return ""
	}
	return name(v.Attachments[0].ServerID) + " " + v.Attachments[0].Device
}
