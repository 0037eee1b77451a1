package plans

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// A Cluster API cluster moves in three steps: cluster (the Cluster is
// created on the target's KaaS from the mapped class and variables and
// becomes ready), velero-backup (Velero backs the source cluster up, its
// volumes by file-system backup, since snapshots cannot cross clouds)
// and velero-restore (Velero restores into the new cluster with the
// storage classes and namespaces mapped). The decisions are mappings in
// Mappings.ClusterClasses, of kinds:
//
//	cluster-class       source class → target class (per class)
//	kubernetes-version  source version → target version (per cluster)
//	cluster             source cluster → target "namespace/name", with the variable changes
//	storage-class       per cluster: source class → target class ("" = the target's default)
//	namespace           per cluster: source namespace → target namespace (overrides only)
//
// Flavor, external network and zone variables are decided by the
// mappers servers use, in Mappings.Flavors, ExternalNetworks and
// AvailabilityZones. ClusterSpecOf turns them back into the Cluster.

// ClusterOverrides are the cluster sections of a mapping file: source
// ClusterClass → target class, source storage class → target class,
// source namespace → target namespace.
type ClusterOverrides struct {
	// File is where they were read from, for reasons.
	File           string
	ClusterClasses []Override
	StorageClasses []Override
	Namespaces     []Override
}

// ClusterClassLister lists the ClusterClasses a KaaS offers the tenant
// (*kube.Clients of the target's management cluster is one).
type ClusterClassLister interface {
	ClusterClassNames(ctx context.Context) ([]string, error)
}

// ReadTargetClusterClasses fills tgt.ClusterClasses with the classes of
// the target's KaaS, qualified by namespace ("tenant/openstack-scs2-1-33-v2"):
// a cluster is created in the namespace of its class. A failure is a
// warning of the target, and the plan then blocks the clusters.
func ReadTargetClusterClasses(ctx context.Context, tgt *Target, l ClusterClassLister, namespace string) {
	names, err := l.ClusterClassNames(ctx)
	if err != nil {
		tgt.Warnings = append(tgt.Warnings, inventory.Warning{Kind: "clusterClasses", Message: "ClusterClasses not read: " + err.Error()})
		return
	}
	for _, n := range names {
		if namespace != "" {
			n = namespace + "/" + n
		}
		tgt.ClusterClasses = append(tgt.ClusterClasses, n)
	}
	slices.Sort(tgt.ClusterClasses)
}

// systemNamespaces are left out of backups: the target's KaaS makes its
// own (Velero's own namespace is excluded at run time).
var systemNamespaces = []string{"kube-node-lease", "kube-public", "kube-system"}

// SystemNamespaces are the namespaces a cluster migration leaves out.
func SystemNamespaces() []string { return slices.Clone(systemNamespaces) }

// addClusters plans every Cluster API cluster of the inventory, after
// taking out of the plan the OpenStack resources the clusters' KaaS made
// (nodes, their networks and load balancers): the target's KaaS rebuilds
// those. It runs after the other kinds (builder.addAll).
func (b *builder) addClusters(ov ClusterOverrides) {
	planned := slices.ContainsFunc(b.d.list.ClusterClasses, func(m Mapping) bool { return m.Kind == "cluster" })
	if len(b.inv.Clusters) == 0 || planned {
		return
	}
	b.dropClusterOwned()
	cp := &clusterPlanner{b: b, ov: ov, offered: parseOffered(b.tgt.ClusterClasses), classes: map[string]Mapping{}, targets: map[string]string{}}
	for _, c := range b.inv.Clusters {
		cp.add(c)
	}
}

// clusterPlanner plans the clusters of one plan.
type clusterPlanner struct {
	b       *builder
	ov      ClusterOverrides
	offered []offeredClass
	classes map[string]Mapping // by source class, decided once
	targets map[string]string  // target "namespace/name" → source cluster
}

func (cp *clusterPlanner) where(o Override) string { return fmt.Sprintf("%s:%d", cp.ov.File, o.Line) }

func (cp *clusterPlanner) lookup(list []Override, name string) (*Override, string) {
	o, ok := find(list, name, "")
	if !ok {
		return nil, ""
	}
	return &o, cp.where(o)
}

// add plans one cluster, or blocks it with the reason.
func (cp *clusterPlanner) add(c inventory.Cluster) {
	b, id := cp.b, clusterID(c)
	reason, spec, changes := cp.decide(c)
	if reason == "" && c.Workload != nil {
		reason = sourceVeleroProblem(c.Workload)
	}
	if reason == "" {
		target := spec.Namespace + "/" + spec.Name
		if other, taken := cp.targets[target]; taken {
			reason = fmt.Sprintf("cluster %s already becomes %s on the target: rename one of them", other, target)
		}
		cp.targets[target] = id
	}
	cm := Mapping{Kind: "cluster", SourceID: id, SourceName: c.Name}
	if reason != "" {
		b.d.list.ClusterClasses = append(b.d.list.ClusterClasses, cm.decide("", "", "blocked", "blocked", reason))
		b.block(Finding{Kind: "cluster", SourceID: id, Name: c.Name, Reason: reason})
		return
	}
	cm.Changes = changes
	b.d.list.ClusterClasses = append(b.d.list.ClusterClasses, cm.decide(spec.Namespace+"/"+spec.Name, spec.Name, "map", "rebuild",
		fmt.Sprintf("rebuilt from class %s (%s); workloads moved with Velero", spec.Class, describeTopology(c))))
	clusterStep := stepID(StepCluster, id)
	b.add(Step{ID: clusterStep, Kind: StepCluster, SourceID: id, Name: c.Name, DependsOn: cp.clusterDeps(c)})
	cp.checkImage(c, spec)
	if c.Workload == nil {
		b.warn("cluster", id, c.Name, "its workloads are not moved: the workload cluster was not read (no kubeconfig); the empty cluster is rebuilt")
		return
	}
	backup := stepID(StepVeleroBackup, id)
	b.add(Step{ID: backup, Kind: StepVeleroBackup, SourceID: id, Name: c.Name, DependsOn: []string{clusterStep}})
	b.add(Step{ID: stepID(StepVeleroRestore, id), Kind: StepVeleroRestore, SourceID: id, Name: c.Name, DependsOn: []string{backup}})
	cp.warnWorkload(c, spec)
}

// decide makes the cluster's mappings; a non-empty reason blocks it.
func (cp *clusterPlanner) decide(c inventory.Cluster) (string, *ClusterSpec, []string) {
	b, id := cp.b, clusterID(c)
	src, err := scs.ParseClusterClassName(c.Class)
	if err != nil {
		return fmt.Sprintf("not built from a cluster-stack ClusterClass (%v): scs-migrate rebuilds only cluster-stack clusters", err), nil, nil
	}
	cls, seen := cp.classes[c.Class]
	if !seen {
		o, where := cp.lookup(cp.ov.ClusterClasses, c.Class)
		cls = mapClusterClass(src, cp.offered, o, where)
		cp.classes[c.Class] = cls
		b.d.list.ClusterClasses = append(b.d.list.ClusterClasses, cls)
	}
	if cls.Action == "blocked" {
		return "ClusterClass: " + cls.Reason, nil, nil
	}
	dst, _ := scs.ParseClusterClassName(cls.TargetName)
	ver := mapKubernetesVersion(id, c.Version, dst)
	b.d.list.ClusterClasses = append(b.d.list.ClusterClasses, ver)
	if ver.Action == "blocked" {
		return "Kubernetes version: " + ver.Reason, nil, nil
	}
	if why := cp.ensureVariableMappings(c, src.Stack); why != "" {
		return why, nil, nil
	}
	cp.addWorkloadMappings(c)
	spec, changes, err := resolveCluster(c, &b.d.list)
	if err != nil {
		return err.Error(), nil, nil
	}
	return "", spec, changes
}

func describeTopology(c inventory.Cluster) string {
	workers := 0
	for _, w := range c.Workers {
		workers += w.Replicas
	}
	cp := "the class's control plane"
	if c.ControlPlaneReplicas > 0 {
		cp = plural(c.ControlPlaneReplicas, "control plane node")
	}
	return fmt.Sprintf("%s, %s in %s", cp, plural(workers, "worker"), plural(len(c.Workers), "pool"))
}

// clusterDeps are the steps whose target resources the cluster's
// variables name: its keypair and security groups.
func (cp *clusterPlanner) clusterDeps(c inventory.Cluster) []string {
	var deps []string
	for _, v := range []string{"sshKeyName", "ssh_key"} {
		if name, _ := c.Variables[v].(string); name != "" && cp.b.ix.Keypairs[name] != nil {
			deps = append(deps, stepID(StepKeypair, name))
		}
	}
	for _, v := range []string{"securityGroups", "workerSecurityGroups", "openstack_security_groups"} {
		list, _ := c.Variables[v].([]any)
		for _, g := range list {
			name, _ := g.(string)
			for _, sg := range cp.b.inv.SecurityGroups {
				if sg.Name == name && name != "" {
					deps = append(deps, stepID(StepSecurityGroup, sg.ID))
				}
			}
		}
	}
	return deps
}

// sourceVeleroProblem says why the source cannot be backed up.
func sourceVeleroProblem(w *inventory.Workload) string {
	if !w.Velero {
		return "Velero is not installed in the source cluster: install it (velero install --use-node-agent) with a " +
			"BackupStorageLocation on an S3 bucket the target can read, then take the inventory and plan again"
	}
	if !slices.ContainsFunc(w.BackupLocations, func(l inventory.BackupStorageLocation) bool { return l.AccessMode != "ReadOnly" }) {
		return "the source cluster's Velero has no writable BackupStorageLocation: add one on an S3 bucket the target can read"
	}
	return ""
}

// ensureVariableMappings maps the flavors, external network and zones
// the cluster's variables name with the mappers servers use, where the
// servers did not already need them; a non-empty reason blocks.
func (cp *clusterPlanner) ensureVariableMappings(c inventory.Cluster, stack string) string {
	b := cp.b
	if sv, ok := scs.FlavorVariablesOf(stack); ok {
		for _, f := range []struct{ name, def, disk string }{
			{sv.ControlPlaneFlavor, sv.DefaultControlPlaneFlavor, sv.ControlPlaneRootDisk},
			{sv.WorkerFlavor, sv.DefaultWorkerFlavor, sv.WorkerRootDisk},
		} {
			name, _ := c.Variables[f.name].(string)
			m := cp.flavorMapping(cmp.Or(name, f.def), rootDiskOf(c.Variables[f.disk]) == 0)
			if m.Action == "blocked" {
				return fmt.Sprintf("%s %s: %s", f.name, cmp.Or(name, f.def), m.Reason)
			}
		}
	} else {
		b.warn("cluster", clusterID(c), c.Name, fmt.Sprintf("stack %q is not one scs-migrate knows: its flavor variables are kept as they are", stack))
	}
	if id, _ := c.Variables[externalNetworkVariables[stack]].(string); id != "" {
		if m := cp.extNetMapping(id); m.Action == "blocked" {
			return fmt.Sprintf("external network %s: %s", id, m.Reason)
		}
	}
	zones, _ := c.Variables[zoneVariable].([]any)
	for _, z := range zones {
		if name, _ := z.(string); name != "" {
			cp.zoneMapping(name)
		}
	}
	return ""
}

func rootDiskOf(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return 0
}

// flavorMapping reuses the servers' decision for a flavor name, or maps
// it: from the inventory's flavor of that name, or the figures its SCS
// name spells out.
func (cp *clusterPlanner) flavorMapping(name string, ephemeral bool) Mapping {
	b := cp.b
	if m, ok := b.d.flavors["name:"+name]; ok {
		return m
	}
	m := Mapping{Kind: "flavor", SourceName: name}
	f, ok := b.ix.FlavorOf("", name)
	if !ok {
		spec, err := scs.ParseFlavorName(name)
		if err != nil {
			m = m.decide("", "", "blocked", "blocked", "neither in the inventory nor an SCS flavor name, so its size is unknown: choose a target flavor under flavors in the mapping file")
			return cp.keepFlavor(name, m)
		}
		f = flavorFromSpec(name, spec)
	}
	targets := make([]flavorFacts, len(b.tgt.Flavors))
	for i, t := range b.tgt.Flavors {
		targets[i] = factsOf(t)
	}
	o, where := b.opts.Overrides.lookup(b.opts.Overrides.flavors(), name, f.ID)
	return cp.keepFlavor(name, mapFlavor(factsOf(*f), flavorUse{ephemeral: ephemeral}, targets, o, where))
}

func (cp *clusterPlanner) keepFlavor(name string, m Mapping) Mapping {
	cp.b.d.list.Flavors = append(cp.b.d.list.Flavors, m)
	cp.b.d.flavors["name:"+name] = m
	return m
}

// flavorFromSpec is a flavor as its SCS name describes it.
func flavorFromSpec(name string, s scs.FlavorName) *inventory.Flavor {
	f := &inventory.Flavor{Name: name, VCPUs: s.CPUs, RAMMiB: int(s.RAMGiB * 1024)}
	if s.Disk != nil {
		f.DiskGB = s.Disk.SizeGB
	}
	return f
}

func (cp *clusterPlanner) extNetMapping(id string) Mapping {
	b := cp.b
	if m, ok := b.d.extNets[id]; ok {
		return m
	}
	n := inventory.ExternalNetwork{ID: id, Name: externalNetworkName(b.inv, id)}
	o, where := b.opts.Overrides.lookup(b.opts.Overrides.externalNetworks(), n.Name, n.ID)
	m := mapExternalNetwork(n, b.tgt.ExternalNetworks, o, where)
	b.d.list.ExternalNetworks = append(b.d.list.ExternalNetworks, m)
	b.d.extNets[id] = m
	if n.Name != "" {
		b.d.extNets["name:"+n.Name] = m
	}
	return m
}

func (cp *clusterPlanner) zoneMapping(zone string) {
	b := cp.b
	if _, ok := b.d.computeAZs[zone]; ok {
		return
	}
	o, where := b.opts.Overrides.lookup(b.opts.Overrides.computeAZs(), zone, "")
	m := mapAZ("compute-az", zone, b.tgt.ComputeAZs, o, where)
	b.d.list.AvailabilityZones = append(b.d.list.AvailabilityZones, m)
	b.d.computeAZs[zone] = m
}

// checkImage warns when the node image an scs2 stack boots is not on
// the target (unless the stack imports it itself, imageIsOrc).
func (cp *clusterPlanner) checkImage(c inventory.Cluster, spec *ClusterSpec) {
	b := cp.b
	if !strings.Contains(spec.Class, "-scs2-") || len(b.tgt.Images) == 0 || c.Variables["imageIsOrc"] == true {
		return
	}
	name, _ := c.Variables["imageName"].(string)
	name = cmp.Or(name, "ubuntu-capi-image")
	want := name
	if major, minor, ok := versionMinor(spec.Version); ok && c.Variables["imageAddVersion"] != false {
		want = fmt.Sprintf("%s-v%d.%d.", name, major, minor)
	}
	if !slices.ContainsFunc(b.tgt.Images, func(img inventory.Image) bool { return strings.HasPrefix(img.Name, want) }) {
		b.warn("cluster", clusterID(c), c.Name, fmt.Sprintf("the target has no node image %s…: upload it (or set imageIsOrc) before migrating, or the nodes cannot boot", want))
	}
}

// Check verifies that the overrides name what the inventory has: classes
// the clusters use, storage classes their PVCs use, namespaces that
// exist; and that target classes are offered. Target storage classes and
// namespaces are checked when restoring (the target cluster does not
// exist yet).
func (ov ClusterOverrides) Check(inv *inventory.Document, tgt *Target) error {
	var classes, storage, namespaces []string
	for _, c := range inv.Clusters {
		classes = append(classes, c.Class)
		if w := c.Workload; w != nil {
			storage = append(storage, usedStorageClasses(w)...)
			namespaces = append(namespaces, w.Namespaces...)
		}
	}
	offered := parseOffered(tgt.ClusterClasses)
	var errs []error
	check := func(list []Override, what string, sources []string) {
		for _, o := range list {
			if !slices.Contains(sources, o.Source) {
				errs = append(errs, fmt.Errorf("%s:%d: %s: source %s %q is not in the inventory", ov.File, o.Line, o.Field, what, o.Source))
			}
		}
	}
	check(ov.ClusterClasses, "ClusterClass", classes)
	check(ov.StorageClasses, "storage class", storage)
	check(ov.Namespaces, "namespace", namespaces)
	for _, o := range ov.ClusterClasses {
		if !slices.ContainsFunc(offered, func(c offeredClass) bool { return c.raw == o.Target || c.qualified() == o.Target }) {
			errs = append(errs, fmt.Errorf("%s:%d: %s: %q: target ClusterClass %q is not offered (%s)", ov.File, o.Line, o.Field, o.Source, o.Target, offeredList(offered)))
		}
	}
	return errors.Join(errs...)
}
