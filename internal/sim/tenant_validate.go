package sim

import (
	"fmt"
	"net/netip"
)

// validate checks that the fixture is complete and that every reference
// names something the fixture defines (or a provider standard image).
func (t *Tenant) validate() error {
	if t.APIVersion != "scs-migrate.io/v1alpha1" || t.Kind != "Tenant" {
		return fmt.Errorf("apiVersion/kind: want scs-migrate.io/v1alpha1 Tenant, got %q %q", t.APIVersion, t.Kind)
	}
	v := &validator{names: map[string]map[string]bool{}}
	for i, k := range t.Keypairs {
		v.define(fmt.Sprintf("keypairs[%d]", i), "keypair", k.Name)
		v.require(k.PublicKey != "", "keypairs[%d].publicKey: required", i)
	}
	for i, n := range t.Networks {
		v.define(fmt.Sprintf("networks[%d]", i), "network", n.Name)
		for j, s := range n.Subnets {
			at := fmt.Sprintf("networks[%d].subnets[%d]", i, j)
			v.define(at, "subnet", s.Name)
			_, err := netip.ParsePrefix(s.CIDR)
			v.require(err == nil, "%s.cidr: %q is not a CIDR", at, s.CIDR)
		}
	}
	for i, g := range t.SecurityGroups {
		v.define(fmt.Sprintf("securityGroups[%d]", i), "security group", g.Name)
	}
	for i, g := range t.ServerGroups {
		v.define(fmt.Sprintf("serverGroups[%d]", i), "server group", g.Name)
	}
	for i, im := range t.Images {
		v.define(fmt.Sprintf("images[%d]", i), "image", im.Name)
		v.require(im.SizeMiB > 0, "images[%d].sizeMiB: must be positive", i)
	}
	for i, vol := range t.Volumes {
		v.define(fmt.Sprintf("volumes[%d]", i), "volume", vol.Name)
		v.require(vol.SizeGB > 0, "volumes[%d].sizeGB: must be positive", i)
		v.require(vol.DataMiB <= vol.SizeGB*1024, "volumes[%d].dataMiB: %d MiB do not fit in %d GB", i, vol.DataMiB, vol.SizeGB)
	}
	for i, s := range t.Servers {
		v.define(fmt.Sprintf("servers[%d]", i), "server", s.Name)
	}
	t.validateBuckets(v)
	t.validateRefs(v)
	if v.err == nil && t.Quotas != nil {
		if err := t.Quotas.validate(); err != nil {
			v.err = fmt.Errorf("quotas.%w", err)
		}
	}
	if v.err == nil && t.Bulk != nil {
		if err := t.Bulk.validate(); err != nil {
			v.err = fmt.Errorf("bulk.%w", err)
		}
	}
	return v.err
}

func (t *Tenant) validateRefs(v *validator) {
	for i, r := range t.Routers {
		for j, s := range r.Interfaces {
			v.ref(fmt.Sprintf("routers[%d].interfaces[%d]", i, j), "subnet", s)
		}
	}
	for i, g := range t.SecurityGroups {
		for j, r := range g.Rules {
			if r.RemoteGroup != "" {
				v.ref(fmt.Sprintf("securityGroups[%d].rules[%d].remoteGroup", i, j), "security group", r.RemoteGroup)
			}
		}
	}
	for i, s := range t.Servers {
		at := fmt.Sprintf("servers[%d]", i)
		v.require(s.Flavor != "", "%s.flavor: required", at)
		v.require((s.Image == "") != (s.BootVolume == nil), "%s: give exactly one of image and bootVolume", at)
		for j, n := range s.Networks {
			v.ref(fmt.Sprintf("%s.networks[%d].network", at, j), "network", n.Network)
		}
		for j, g := range s.SecurityGroups {
			if g != "default" {
				v.ref(fmt.Sprintf("%s.securityGroups[%d]", at, j), "security group", g)
			}
		}
		for j, vol := range s.Volumes {
			v.ref(fmt.Sprintf("%s.volumes[%d]", at, j), "volume", vol)
		}
		if s.Keypair != "" {
			v.ref(at+".keypair", "keypair", s.Keypair)
		}
		if s.ServerGroup != "" {
			v.ref(at+".serverGroup", "server group", s.ServerGroup)
		}
	}
	for i, lb := range t.LoadBalancers {
		v.ref(fmt.Sprintf("loadBalancers[%d].subnet", i), "subnet", lb.Subnet)
		for j, l := range lb.Listeners {
			for k, m := range l.Members {
				v.ref(fmt.Sprintf("loadBalancers[%d].listeners[%d].members[%d]", i, j, k), "server", m)
			}
		}
	}
}

// validator collects the first error and the names defined per kind.
type validator struct {
	names map[string]map[string]bool
	err   error
}

func (v *validator) require(ok bool, format string, args ...any) {
	if !ok && v.err == nil {
		v.err = fmt.Errorf(format, args...)
	}
}

func (v *validator) define(at, kind, name string) {
	v.require(name != "", "%s.name: required", at)
	if v.names[kind] == nil {
		v.names[kind] = map[string]bool{}
	}
	v.require(!v.names[kind][name], "%s.name: %s %q is defined twice", at, kind, name)
	v.names[kind][name] = true
}

func (v *validator) ref(at, kind, name string) {
	v.require(v.names[kind][name], "%s: no %s %q in the fixture", at, kind, name)
}
