package inventory

import (
	"errors"
	"fmt"
	"strings"
)

// maxProblems is how many problems Validate lists before it summarises.
const maxProblems = 20

// Validate checks that the document is whole: every reference between
// its parts points at something it holds, and no ID appears twice in a
// kind. Each problem names the field and the value, e.g.
// servers[2] "web-1": ports[0]: port "4f…" is not in ports.
// References to images are not checked: an image may be deleted while
// servers built from it live on (Collect warns about those).
func (d *Document) Validate() error {
	return d.validate().err()
}

func (d *Document) validate() *validator {
	v := &validator{skip: map[string]bool{}}
	for _, k := range d.NotCollected {
		v.skip[k] = true
	}
	if d.APIVersion != APIVersion || d.Kind != Kind {
		v.fail("", "apiVersion/kind is %q/%q, want %q/%q", d.APIVersion, d.Kind, APIVersion, Kind)
	}
	ix := newIndex(d, v)
	d.validateServers(v, ix)
	d.validateStorage(v, ix)
	d.validateNetwork(v, ix)
	d.validateLoadBalancers(v, ix)
	return v
}

type validator struct {
	problems []string
	skip     map[string]bool // kinds not collected: references into them are not checked
}

func (v *validator) fail(where, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	v.problems = append(v.problems, msg)
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	shown := v.problems[:min(len(v.problems), maxProblems)]
	msg := "invalid document: " + strings.Join(shown, "; ")
	if n := len(v.problems) - len(shown); n > 0 {
		msg += fmt.Sprintf("; and %d more", n)
	}
	return errors.New(msg)
}

// index is the set of IDs of each kind.
type index struct {
	servers, volumes, ports, networks, external, subnets, secGroups, groups, flavors map[string]bool
}

func newIndex(d *Document, v *validator) *index {
	ix := &index{
		servers:   ids(v, KindServers, d.Servers, func(s Server) string { return s.ID }),
		volumes:   ids(v, KindVolumes, d.Volumes, func(x Volume) string { return x.ID }),
		ports:     ids(v, KindPorts, d.Ports, func(p Port) string { return p.ID }),
		networks:  ids(v, KindNetworks, d.Networks, func(n Network) string { return n.ID }),
		external:  ids(v, "cloud.externalNetworks", d.Cloud.ExternalNetworks, func(n ExternalNetwork) string { return n.ID }),
		subnets:   ids(v, KindSubnets, d.Subnets, func(s Subnet) string { return s.ID }),
		secGroups: ids(v, KindSecurityGroups, d.SecurityGroups, func(g SecurityGroup) string { return g.ID }),
		groups:    ids(v, KindServerGroups, d.ServerGroups, func(g ServerGroup) string { return g.ID }),
		flavors:   ids(v, KindFlavors, d.Flavors, func(f Flavor) string { return f.ID }),
	}
	ids(v, KindImages, d.Images, func(i Image) string { return i.ID })
	ids(v, KindRouters, d.Routers, func(r Router) string { return r.ID })
	ids(v, KindFloatingIPs, d.FloatingIPs, func(f FloatingIP) string { return f.ID })
	ids(v, KindLoadBalancers, d.LoadBalancers, func(l LoadBalancer) string { return l.ID })
	return ix
}

// ids collects the IDs of a kind and reports empty and repeated ones
// (an empty flavor ID is allowed: a flavor that is gone).
func ids[T any](v *validator, kind string, items []T, id func(T) string) map[string]bool {
	m := make(map[string]bool, len(items))
	for i, it := range items {
		switch x := id(it); {
		case x == "" && kind != KindFlavors:
			v.fail(fmt.Sprintf("%s[%d]", kind, i), "id is empty")
		case m[x] && x != "":
			v.fail(fmt.Sprintf("%s[%d]", kind, i), "id %q appears twice", x)
		default:
			m[x] = true
		}
	}
	return m
}

// ref reports a reference that does not resolve.
func (v *validator) ref(where, field, value, kind string, set ...map[string]bool) {
	if value == "" {
		return
	}
	for _, k := range strings.Fields(kind) {
		if v.skip[k] {
			return
		}
	}
	for _, s := range set {
		if s[value] {
			return
		}
	}
	v.fail(where, "%s: %q is not in %s", field, value, kind)
}

func at(kind string, i int, name string) string { return fmt.Sprintf("%s[%d] %q", kind, i, name) }

func (d *Document) validateServers(v *validator, ix *index) {
	for i, s := range d.Servers {
		w := at(KindServers, i, s.Name)
		v.ref(w, "flavorID", s.FlavorID, KindFlavors, ix.flavors)
		v.ref(w, "serverGroupID", s.ServerGroupID, KindServerGroups, ix.groups)
		for j, p := range s.Ports {
			v.ref(w, fmt.Sprintf("ports[%d]", j), p, KindPorts, ix.ports)
		}
		for j, b := range s.BlockDevices {
			v.ref(w, fmt.Sprintf("blockDevices[%d].volumeID", j), b.VolumeID, KindVolumes, ix.volumes)
		}
		if s.BootFromVolume != (s.ImageID == "") {
			v.fail(w, "bootFromVolume is %v but imageID is %q", s.BootFromVolume, s.ImageID)
		}
	}
	for i, g := range d.ServerGroups {
		for j, m := range g.Members {
			v.ref(at(KindServerGroups, i, g.Name), fmt.Sprintf("members[%d]", j), m, KindServers, ix.servers)
		}
	}
	for i, img := range d.Images {
		for j, u := range img.UsedBy {
			v.ref(at(KindImages, i, img.Name), fmt.Sprintf("usedBy[%d]", j), u, "servers or volumes", ix.servers, ix.volumes)
		}
	}
}

func (d *Document) validateStorage(v *validator, ix *index) {
	types := map[string]bool{}
	for _, t := range d.VolumeTypes {
		types[t.Name], types[t.ID] = true, true
	}
	for i, vol := range d.Volumes {
		w := at(KindVolumes, i, vol.Name)
		for j, a := range vol.Attachments {
			v.ref(w, fmt.Sprintf("attachments[%d].serverID", j), a.ServerID, KindServers, ix.servers)
		}
		if len(d.VolumeTypes) > 0 {
			v.ref(w, "volumeType", vol.VolumeType, KindVolumeTypes, types)
		}
	}
	for i, s := range d.VolumeSnapshots {
		v.ref(at(KindVolumeSnapshots, i, s.Name), "volumeID", s.VolumeID, KindVolumes, ix.volumes)
	}
}

func (d *Document) validateNetwork(v *validator, ix *index) {
	for i, s := range d.Subnets {
		v.ref(at(KindSubnets, i, s.Name), "networkID", s.NetworkID, KindNetworks, ix.networks)
	}
	for i, p := range d.Ports {
		w := at(KindPorts, i, p.Name)
		v.ref(w, "networkID", p.NetworkID, "networks or cloud.externalNetworks", ix.networks, ix.external)
		for j, f := range p.FixedIPs {
			if ix.networks[p.NetworkID] {
				v.ref(w, fmt.Sprintf("fixedIPs[%d].subnetID", j), f.SubnetID, KindSubnets, ix.subnets)
			}
		}
		for j, g := range p.SecurityGroups {
			v.ref(w, fmt.Sprintf("securityGroups[%d]", j), g, KindSecurityGroups, ix.secGroups)
		}
	}
	for i, r := range d.Routers {
		w := at(KindRouters, i, r.Name)
		if g := r.ExternalGateway; g != nil {
			v.ref(w, "externalGateway.networkID", g.NetworkID, "cloud.externalNetworks", ix.external, ix.networks)
		}
		for j, in := range r.Interfaces {
			v.ref(w, fmt.Sprintf("interfaces[%d].subnetID", j), in.SubnetID, KindSubnets, ix.subnets)
			v.ref(w, fmt.Sprintf("interfaces[%d].portID", j), in.PortID, KindPorts, ix.ports)
		}
	}
	for i, g := range d.SecurityGroups {
		for j, r := range g.Rules {
			v.ref(at(KindSecurityGroups, i, g.Name), fmt.Sprintf("rules[%d].remoteGroupID", j), r.RemoteGroupID, KindSecurityGroups, ix.secGroups)
		}
	}
	for i, f := range d.FloatingIPs {
		w := at(KindFloatingIPs, i, f.FloatingIPAddress)
		v.ref(w, "floatingNetworkID", f.FloatingNetworkID, "cloud.externalNetworks", ix.external, ix.networks)
		v.ref(w, "portID", f.PortID, KindPorts, ix.ports)
	}
}

func (d *Document) validateLoadBalancers(v *validator, ix *index) {
	for i, lb := range d.LoadBalancers {
		w := at(KindLoadBalancers, i, lb.Name)
		if ix.networks[lb.VIPNetworkID] {
			v.ref(w, "vipSubnetID", lb.VIPSubnetID, KindSubnets, ix.subnets)
		}
		pools, listeners := map[string]bool{}, map[string]bool{}
		for _, p := range lb.Pools {
			pools[p.ID] = true
		}
		for j, l := range lb.Listeners {
			listeners[l.ID] = true
			v.ref(w, fmt.Sprintf("listeners[%d].defaultPoolID", j), l.DefaultPoolID, "the load balancer's pools", pools)
		}
		for j, p := range lb.Pools {
			v.ref(w, fmt.Sprintf("pools[%d].listenerID", j), p.ListenerID, "the load balancer's listeners", listeners)
		}
	}
}
