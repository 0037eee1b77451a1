package plans

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// csiClusterKey is the metadata Cinder CSI puts on the volumes of PVCs.
const csiClusterKey = "cinder.csi.openstack.org/cluster"

// owned are the OpenStack resources a KaaS made for clusters: resource
// ID → the cluster's "namespace/name".
type owned map[string]string

// clusterOwned finds the tenant's OpenStack resources that belong to its
// Cluster API clusters. Cluster API Provider OpenStack names a cluster's
// network, subnet and router "k8s-clusterapi-cluster-<namespace>-<name>",
// its security groups "k8s-cluster-<namespace>-<name>-secgroup-…" and its
// API load balancer "…-kubeapi"; the cloud controller manager names load
// balancers "kube_service_<cluster>_<namespace>_<service>"; Cinder CSI
// marks volumes with cinder.csi.openstack.org/cluster. The nodes are the
// servers whose ports are all on such networks; their ports, root
// volumes, images, server groups and floating IPs go with them.
func clusterOwned(inv *inventory.Document) owned {
	o := owned{}
	for _, c := range inv.Clusters {
		o.byName(inv, c)
	}
	o.byNetwork(inv)
	o.dependents(inv)
	delete(o, "")
	return o
}

func (o owned) byName(inv *inventory.Document, c inventory.Cluster) {
	id := clusterID(c)
	base := "k8s-clusterapi-cluster-" + c.Namespace + "-" + c.Name
	groups := "k8s-cluster-" + c.Namespace + "-" + c.Name + "-secgroup-"
	for _, n := range inv.Networks {
		if n.Name == base {
			o[n.ID] = id
		}
	}
	for _, r := range inv.Routers {
		if r.Name == base {
			o[r.ID] = id
		}
	}
	for _, g := range inv.SecurityGroups {
		if strings.HasPrefix(g.Name, groups) {
			o[g.ID] = id
		}
	}
	for _, lb := range inv.LoadBalancers {
		if lb.Name == base+"-kubeapi" || strings.HasPrefix(lb.Name, "kube_service_"+c.Name+"_") {
			o[lb.ID] = id
		}
	}
	for _, v := range inv.Volumes {
		if v.Metadata[csiClusterKey] == c.Name {
			o[v.ID] = id
		}
	}
}

// byNetwork adds what lives on the clusters' networks: subnets, ports,
// load balancers, and the servers with all their ports there.
func (o owned) byNetwork(inv *inventory.Document) {
	for _, s := range inv.Subnets {
		if c, ok := o[s.NetworkID]; ok && s.NetworkID != "" {
			o[s.ID] = c
		}
	}
	serverPorts := map[string][]string{}
	for _, p := range inv.Ports {
		if c, ok := o[p.NetworkID]; ok && p.NetworkID != "" {
			o[p.ID] = c
		}
		if strings.HasPrefix(p.DeviceOwner, "compute:") {
			serverPorts[p.DeviceID] = append(serverPorts[p.DeviceID], p.ID)
		}
	}
	for _, lb := range inv.LoadBalancers {
		c, ok := o[lb.ID]
		if !ok && lb.VIPNetworkID != "" {
			c, ok = o[lb.VIPNetworkID]
		}
		if ok {
			o[lb.ID], o[lb.VIPPortID] = c, c
		}
	}
	for _, s := range inv.Servers {
		if c, ok := o.all(serverPorts[s.ID]); ok {
			o[s.ID] = c
		}
	}
}

// dependents adds what only owned resources use.
func (o owned) dependents(inv *inventory.Document) {
	for _, v := range inv.Volumes {
		var servers []string
		for _, a := range v.Attachments {
			servers = append(servers, a.ServerID)
		}
		if c, ok := o.all(servers); ok {
			o[v.ID] = c
		}
	}
	for _, img := range inv.Images {
		if c, ok := o.all(img.UsedBy); ok {
			o[img.ID] = c
		}
	}
	for _, g := range inv.ServerGroups {
		if c, ok := o.all(g.Members); ok {
			o[g.ID] = c
		}
	}
	for _, f := range inv.FloatingIPs {
		if c, ok := o[f.PortID]; ok && f.PortID != "" {
			o[f.ID] = c
		}
	}
}

// all reports whether every ID (at least one) is owned, and by whom.
func (o owned) all(ids []string) (string, bool) {
	if len(ids) == 0 {
		return "", false
	}
	c, ok := o[ids[0]]
	for _, id := range ids {
		ok = ok && o[id] != ""
	}
	return c, ok
}

// dropClusterOwned removes the steps, blocks and warnings of resources
// the clusters' KaaS made: the target's KaaS rebuilds them. Steps that
// depended on them are kept, with a warning.
func (b *builder) dropClusterOwned() {
	own := clusterOwned(b.inv)
	if len(own) == 0 {
		return
	}
	removed := map[string]bool{}
	count := map[string]int{}
	for _, c := range own {
		count[c]++
	}
	kept := b.steps[:0]
	for _, s := range b.steps {
		if own[s.SourceID] != "" || own[s.ParentID] != "" {
			removed[s.ID] = true
			continue
		}
		kept = append(kept, s)
	}
	b.steps = kept
	b.ids = make(map[string]int, len(kept))
	for i, s := range kept {
		b.ids[s.ID] = i
	}
	b.seeds = slices.DeleteFunc(b.seeds, func(sd seed) bool { return removed[sd.id] || own[sd.finding.SourceID] != "" })
	b.blocked = slices.DeleteFunc(b.blocked, func(f Finding) bool { return own[f.SourceID] != "" })
	b.warnings = slices.DeleteFunc(b.warnings, func(f Finding) bool { return own[f.SourceID] != "" })
	for _, s := range kept {
		for _, d := range s.DependsOn {
			if removed[d] {
				b.warn(resourceKind(s.Kind), s.SourceID, s.Name, fmt.Sprintf("depends on %s, which a cluster's KaaS made and the target's KaaS rebuilds: review it after the migration", d))
			}
		}
	}
	for _, c := range slices.Sorted(maps.Keys(count)) {
		b.warn("cluster", c, c, fmt.Sprintf("%s of the OpenStack project belong to cluster %s (its nodes, networks, load balancers and volumes, made by the KaaS): "+
			"they are not copied; the target's KaaS makes its own and Velero moves the volumes' data", plural(count[c], "resource"), c))
	}
}
