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
	ix := newIndex(d, func(kind string, i int, problem string) { v.fail(fmt.Sprintf("%s[%d]", kind, i), "%s", problem) })
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

// ref reports a reference that does not resolve (found is false);
// references into kinds not collected are not checked.
func (v *validator) ref(where, field, value, kind string, found bool) {
	if value == "" || found {
		return
	}
	for _, k := range strings.Fields(kind) {
		if v.skip[k] {
			return
		}
	}
	v.fail(where, "%s: %q is not in %s", field, value, kind)
}

func at(kind string, i int, name string) string { return fmt.Sprintf("%s[%d] %q", kind, i, name) }

func (d *Document) validateServers(v *validator, ix *Index) {
	for i, s := range d.Servers {
		w := at(KindServers, i, s.Name)
		v.ref(w, "flavorID", s.FlavorID, KindFlavors, ix.Flavors[s.FlavorID] != nil)
		v.ref(w, "serverGroupID", s.ServerGroupID, KindServerGroups, ix.ServerGroups[s.ServerGroupID] != nil)
		for j, p := range s.Ports {
			v.ref(w, fmt.Sprintf("ports[%d]", j), p, KindPorts, ix.Ports[p] != nil)
		}
		for j, b := range s.BlockDevices {
			v.ref(w, fmt.Sprintf("blockDevices[%d].volumeID", j), b.VolumeID, KindVolumes, ix.Volumes[b.VolumeID] != nil)
		}
		if s.BootFromVolume != (s.ImageID == "") {
			v.fail(w, "bootFromVolume is %v but imageID is %q", s.BootFromVolume, s.ImageID)
		}
	}
	for i, g := range d.ServerGroups {
		for j, m := range g.Members {
			v.ref(at(KindServerGroups, i, g.Name), fmt.Sprintf("members[%d]", j), m, KindServers, ix.Servers[m] != nil)
		}
	}
	for i, img := range d.Images {
		for j, u := range img.UsedBy {
			v.ref(at(KindImages, i, img.Name), fmt.Sprintf("usedBy[%d]", j), u, "servers or volumes", ix.Servers[u] != nil || ix.Volumes[u] != nil)
		}
	}
}

func (d *Document) validateStorage(v *validator, ix *Index) {
	types := map[string]bool{}
	for _, t := range d.VolumeTypes {
		types[t.Name], types[t.ID] = true, true
	}
	for i, vol := range d.Volumes {
		w := at(KindVolumes, i, vol.Name)
		for j, a := range vol.Attachments {
			v.ref(w, fmt.Sprintf("attachments[%d].serverID", j), a.ServerID, KindServers, ix.Servers[a.ServerID] != nil)
		}
		if len(d.VolumeTypes) > 0 {
			v.ref(w, "volumeType", vol.VolumeType, KindVolumeTypes, types[vol.VolumeType])
		}
	}
	for i, s := range d.VolumeSnapshots {
		v.ref(at(KindVolumeSnapshots, i, s.Name), "volumeID", s.VolumeID, KindVolumes, ix.Volumes[s.VolumeID] != nil)
	}
}

func (d *Document) validateNetwork(v *validator, ix *Index) {
	for i, s := range d.Subnets {
		v.ref(at(KindSubnets, i, s.Name), "networkID", s.NetworkID, KindNetworks, ix.Networks[s.NetworkID] != nil)
	}
	for i, p := range d.Ports {
		w := at(KindPorts, i, p.Name)
		v.ref(w, "networkID", p.NetworkID, "networks or cloud.externalNetworks", ix.Networks[p.NetworkID] != nil || ix.ExternalNetworks[p.NetworkID] != nil)
		for j, f := range p.FixedIPs {
			if ix.Networks[p.NetworkID] != nil {
				v.ref(w, fmt.Sprintf("fixedIPs[%d].subnetID", j), f.SubnetID, KindSubnets, ix.Subnets[f.SubnetID] != nil)
			}
		}
		for j, g := range p.SecurityGroups {
			v.ref(w, fmt.Sprintf("securityGroups[%d]", j), g, KindSecurityGroups, ix.SecurityGroups[g] != nil)
		}
	}
	for i, r := range d.Routers {
		w := at(KindRouters, i, r.Name)
		if g := r.ExternalGateway; g != nil {
			v.ref(w, "externalGateway.networkID", g.NetworkID, "cloud.externalNetworks", ix.ExternalNetworks[g.NetworkID] != nil || ix.Networks[g.NetworkID] != nil)
		}
		for j, in := range r.Interfaces {
			v.ref(w, fmt.Sprintf("interfaces[%d].subnetID", j), in.SubnetID, KindSubnets, ix.Subnets[in.SubnetID] != nil)
			v.ref(w, fmt.Sprintf("interfaces[%d].portID", j), in.PortID, KindPorts, ix.Ports[in.PortID] != nil)
		}
	}
	for i, g := range d.SecurityGroups {
		for j, r := range g.Rules {
			v.ref(at(KindSecurityGroups, i, g.Name), fmt.Sprintf("rules[%d].remoteGroupID", j), r.RemoteGroupID, KindSecurityGroups, ix.SecurityGroups[r.RemoteGroupID] != nil)
		}
	}
	for i, f := range d.FloatingIPs {
		w := at(KindFloatingIPs, i, f.FloatingIPAddress)
		v.ref(w, "floatingNetworkID", f.FloatingNetworkID, "cloud.externalNetworks", ix.ExternalNetworks[f.FloatingNetworkID] != nil || ix.Networks[f.FloatingNetworkID] != nil)
		v.ref(w, "portID", f.PortID, KindPorts, ix.Ports[f.PortID] != nil)
	}
}

func (d *Document) validateLoadBalancers(v *validator, ix *Index) {
	for i, lb := range d.LoadBalancers {
		w := at(KindLoadBalancers, i, lb.Name)
		if ix.Networks[lb.VIPNetworkID] != nil {
			v.ref(w, "vipSubnetID", lb.VIPSubnetID, KindSubnets, ix.Subnets[lb.VIPSubnetID] != nil)
		}
		pools, listeners := map[string]bool{}, map[string]bool{}
		for _, p := range lb.Pools {
			pools[p.ID] = true
		}
		for j, l := range lb.Listeners {
			listeners[l.ID] = true
			v.ref(w, fmt.Sprintf("listeners[%d].defaultPoolID", j), l.DefaultPoolID, "the load balancer's pools", pools[l.DefaultPoolID])
		}
		for j, p := range lb.Pools {
			v.ref(w, fmt.Sprintf("pools[%d].listenerID", j), p.ListenerID, "the load balancer's listeners", listeners[p.ListenerID])
		}
	}
}
