package inventory

import "slices"

// assemble builds the document from what the API returned: joins are
// made here, in memory, instead of with a call per resource.
func (c *collector) assemble() *Document {
	r := &c.raw
	doc := &Document{APIVersion: APIVersion, Kind: Kind, Cloud: c.cloudInfo()}
	for _, v := range r.volumes {
		doc.Volumes = append(doc.Volumes, v.volume())
	}
	fl := newFlavors(r.flavors, func(format string, args ...any) {
		if !c.failed(KindFlavors) {
			c.warn(KindFlavors, format, args...)
		}
	})
	join := newServerJoin(r, doc.Volumes, fl)
	for _, s := range r.servers {
		doc.Servers = append(doc.Servers, join.server(s))
	}
	doc.Flavors = fl.list()
	doc.VolumeTypes = c.volumeTypesInUse(doc.Volumes)
	for _, s := range r.snapshots {
		doc.VolumeSnapshots = append(doc.VolumeSnapshots, s.snapshot())
	}
	for _, b := range r.backups {
		doc.VolumeBackups = append(doc.VolumeBackups, b.backup())
	}
	c.assembleNetwork(doc)
	for _, k := range r.keypairs {
		kp := k.Keypair
		doc.Keypairs = append(doc.Keypairs, Keypair{Name: kp.Name, Type: kp.Type, PublicKey: kp.PublicKey, Fingerprint: kp.Fingerprint})
	}
	for _, g := range r.serverGroups {
		doc.ServerGroups = append(doc.ServerGroups, g.serverGroup())
	}
	doc.LoadBalancers = r.lbs
	doc.Containers = r.containers
	doc.Quotas = r.quotas
	doc.Clusters = r.clusters
	return doc
}

func (g novaServerGroup) serverGroup() ServerGroup {
	policy := g.Policy
	if policy == "" && len(g.Policies) > 0 {
		policy = g.Policies[0]
	}
	return ServerGroup{ID: g.ID, Name: g.Name, Policy: policy, Rules: g.Rules, Members: g.Members}
}

func (c *collector) cloudInfo() CloudInfo {
	s := c.s
	info := CloudInfo{Name: s.Name, AuthURL: s.AuthURL, Region: s.Region, ProjectID: s.ProjectID,
		ProjectName: s.ProjectName, Services: slices.Clone(s.Services), APIVersions: c.raw.versions}
	for _, n := range c.raw.networks {
		if n.External {
			info.ExternalNetworks = append(info.ExternalNetworks, ExternalNetwork{ID: n.ID, Name: n.Name})
		}
	}
	return info
}

// assembleNetwork fills the Neutron kinds. The tenant's networks are
// those it owns and the shared ones its ports use; external networks are
// the cloud's (CloudInfo.ExternalNetworks) unless the tenant owns them.
func (c *collector) assembleNetwork(doc *Document) {
	r := &c.raw
	used := map[string]bool{}
	for _, p := range r.ports {
		used[p.NetworkID] = true
	}
	names := map[string]string{}
	keep := map[string]bool{}
	for _, n := range r.networks {
		names[n.ID] = n.Name
		mine := n.ProjectID == c.s.ProjectID
		if mine || used[n.ID] && !n.External {
			keep[n.ID] = true
			doc.Networks = append(doc.Networks, n.network())
		}
	}
	for _, s := range r.subnets {
		if keep[s.NetworkID] {
			doc.Subnets = append(doc.Subnets, s.subnet())
		}
	}
	for _, rt := range r.routers {
		doc.Routers = append(doc.Routers, rt.router(r.ports, names))
	}
	for _, g := range r.secGroups {
		doc.SecurityGroups = append(doc.SecurityGroups, g.securityGroup())
	}
	for _, p := range r.ports {
		doc.Ports = append(doc.Ports, p.port())
	}
	for _, f := range r.fips {
		doc.FloatingIPs = append(doc.FloatingIPs, f.floatingIP(names))
	}
}
