package plans

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// ClusterSpec is the Cluster a cluster step creates on the target and
// what its Velero steps move into it, as the plan's mappings decide. The
// planner and migrate derive it with the same function from the plan's
// inventory and mappings, so what a reviewer reads in the mappings is
// what migrate creates.
type ClusterSpec struct {
	// SourceID is the source cluster, "namespace/name".
	SourceID string
	// Namespace and Name are the target Cluster's.
	Namespace, Name string
	Class           string
	// Version is a full version ("v1.33.10"), or a minor ("v1.33") whose
	// patch the target's ClusterStackRelease fixes at run time.
	Version string
	// ControlPlaneReplicas is 0 when the class default applies.
	ControlPlaneReplicas int
	Workers              []inventory.WorkerPool
	Variables            map[string]any
	Labels               map[string]string
	// StorageClasses maps the source's storage classes to the target's;
	// "" means the target cluster's default class.
	StorageClasses map[string]string
	// Namespaces maps source namespaces to other target namespaces.
	Namespaces map[string]string
}

// ClusterSpecOf derives the spec of a source cluster ("namespace/name")
// from the plan.
func ClusterSpecOf(p *Plan, sourceID string) (*ClusterSpec, error) {
	if p.Inventory == nil {
		return nil, fmt.Errorf("plan %q has no inventory", p.ID)
	}
	for _, c := range p.Inventory.Clusters {
		if clusterID(c) == sourceID {
			spec, _, err := resolveCluster(c, &p.Mappings)
			return spec, err
		}
	}
	return nil, fmt.Errorf("cluster %s is not in the plan's inventory", sourceID)
}

func clusterID(c inventory.Cluster) string { return c.Namespace + "/" + c.Name }

// clusterMappings finds the cluster decisions in a plan's mappings.
type clusterMappings struct{ m *Mappings }

func (cm clusterMappings) find(list []Mapping, match func(Mapping) bool) (Mapping, bool) {
	i := slices.IndexFunc(list, match)
	if i < 0 {
		return Mapping{}, false
	}
	return list[i], true
}

func (cm clusterMappings) class(src string) (Mapping, bool) {
	return cm.find(cm.m.ClusterClasses, func(x Mapping) bool { return x.Kind == "cluster-class" && x.SourceName == src })
}

func (cm clusterMappings) version(id string) (Mapping, bool) {
	return cm.find(cm.m.ClusterClasses, func(x Mapping) bool { return x.Kind == "kubernetes-version" && x.SourceID == id })
}

func (cm clusterMappings) flavor(name string) (Mapping, bool) {
	return cm.find(cm.m.Flavors, func(x Mapping) bool { return x.SourceName == name })
}

func (cm clusterMappings) extNet(id string) (Mapping, bool) {
	return cm.find(cm.m.ExternalNetworks, func(x Mapping) bool { return x.SourceID == id })
}

func (cm clusterMappings) zone(name string) (Mapping, bool) {
	return cm.find(cm.m.AvailabilityZones, func(x Mapping) bool { return x.Kind == "compute-az" && x.SourceName == name })
}

// perCluster collects the mappings of one kind for one cluster.
func (cm clusterMappings) perCluster(kind, id string) map[string]string {
	out := map[string]string{}
	for _, x := range cm.m.ClusterClasses {
		if x.Kind == kind && x.SourceID == id {
			out[x.SourceName] = x.TargetName
		}
	}
	return out
}

// resolveCluster applies the mappings to a source cluster: class,
// version, flavor, external network and zone variables; variables that
// hold source-cloud IDs are dropped. changes says what differs.
func resolveCluster(c inventory.Cluster, m *Mappings) (*ClusterSpec, []string, error) {
	cm := clusterMappings{m}
	id := clusterID(c)
	cls, ok := cm.class(c.Class)
	if !ok || cls.Action != "map" {
		return nil, nil, fmt.Errorf("cluster %s: class %q has no usable mapping", id, c.Class)
	}
	ver, ok := cm.version(id)
	if !ok || ver.Action != "map" {
		return nil, nil, fmt.Errorf("cluster %s: version %q has no usable mapping", id, c.Version)
	}
	ns, _, qualified := strings.Cut(cls.TargetID, "/")
	if !qualified {
		ns = c.Namespace
	}
	spec := &ClusterSpec{SourceID: id, Namespace: ns, Name: c.Name, Class: cls.TargetName, Version: ver.TargetName,
		ControlPlaneReplicas: c.ControlPlaneReplicas, Workers: slices.Clone(c.Workers), Labels: maps.Clone(c.Labels),
		Variables: map[string]any{}, StorageClasses: cm.perCluster("storage-class", id), Namespaces: cm.perCluster("namespace", id)}
	// The version change says what the class's Kubernetes change says.
	changes := slices.DeleteFunc(slices.Clone(cls.Changes), func(s string) bool { return strings.HasPrefix(s, "Kubernetes ") })
	if ver.TargetName != c.Version {
		changes = append(changes, fmt.Sprintf("version %s → %s", c.Version, ver.TargetName))
	}
	src, _ := scs.ParseClusterClassName(c.Class)
	dst, _ := scs.ParseClusterClassName(cls.TargetName)
	vr := variableResolver{cm: cm, spec: spec, src: src.Stack, dst: dst.Stack}
	if err := vr.resolve(c.Variables); err != nil {
		return nil, nil, fmt.Errorf("cluster %s: %w", id, err)
	}
	return spec, append(changes, vr.changes...), nil
}

// variableResolver maps the topology variables of one cluster.
type variableResolver struct {
	cm       clusterMappings
	spec     *ClusterSpec
	src, dst string // stacks
	changes  []string
}

// externalNetworkVariables name the external network per stack.
var externalNetworkVariables = map[string]string{"scs": "external_id", "scs2": "networkExternalID"}

// zoneVariables name the control plane's availability zones.
const zoneVariable = "controlPlaneAvailabilityZones"

func (vr *variableResolver) resolve(vars map[string]any) error {
	out := vr.spec.Variables
	sv, srcKnown := scs.FlavorVariablesOf(vr.src)
	tv, dstKnown := scs.FlavorVariablesOf(vr.dst)
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		v := vars[name]
		switch {
		case srcKnown && isFlavorVariable(sv, name), name == externalNetworkVariables[vr.src], name == zoneVariable:
			continue // mapped below
		case isIDVariable(name):
			vr.note("%s dropped: it holds source-cloud IDs", name)
		case vr.src != vr.dst && !(srcKnown && isDiskVariable(sv, name)):
			vr.note("%s dropped: stack %s has no such variable", name, vr.dst)
		default:
			out[vr.renameDisk(sv, tv, name)] = v
		}
	}
	if srcKnown && dstKnown {
		for _, f := range []struct{ from, to, def, tdef string }{
			{sv.ControlPlaneFlavor, tv.ControlPlaneFlavor, sv.DefaultControlPlaneFlavor, tv.DefaultControlPlaneFlavor},
			{sv.WorkerFlavor, tv.WorkerFlavor, sv.DefaultWorkerFlavor, tv.DefaultWorkerFlavor},
		} {
			if err := vr.flavor(vars, f.from, f.to, f.def, f.tdef); err != nil {
				return err
			}
		}
	}
	if err := vr.externalNetwork(vars); err != nil {
		return err
	}
	return vr.zones(vars)
}

func (vr *variableResolver) note(format string, args ...any) {
	vr.changes = append(vr.changes, fmt.Sprintf(format, args...))
}

func isFlavorVariable(sv scs.StackFlavorVariables, name string) bool {
	return name == sv.ControlPlaneFlavor || name == sv.WorkerFlavor
}

func isDiskVariable(sv scs.StackFlavorVariables, name string) bool {
	return name == sv.ControlPlaneRootDisk || name == sv.WorkerRootDisk
}

// isIDVariable: server group and security group IDs and the like mean
// nothing on another cloud (the external network is mapped instead).
func isIDVariable(name string) bool {
	for _, suffix := range []string{"ID", "IDs", "_id", "_ids"} {
		if strings.HasSuffix(name, suffix) && !slices.Contains(slices.Collect(maps.Values(externalNetworkVariables)), name) {
			return true
		}
	}
	return false
}

// renameDisk translates a root-disk variable to the target stack's name.
func (vr *variableResolver) renameDisk(sv, tv scs.StackFlavorVariables, name string) string {
	switch {
	case vr.src == vr.dst:
		return name
	case name == sv.ControlPlaneRootDisk:
		return tv.ControlPlaneRootDisk
	case name == sv.WorkerRootDisk:
		return tv.WorkerRootDisk
	}
	return name
}

// flavor maps one flavor variable; an unset variable means the stack's
// default flavor, which is set explicitly only where the target's
// default would differ from the mapped flavor.
func (vr *variableResolver) flavor(vars map[string]any, from, to, def, tdef string) error {
	raw, set := vars[from]
	name, _ := raw.(string)
	if !set || name == "" {
		name = def
	}
	m, ok := vr.cm.flavor(name)
	if !ok || m.Action == "blocked" {
		return fmt.Errorf("flavor %q of %s has no usable mapping", name, from)
	}
	if set || vr.src != vr.dst || m.TargetName != tdef {
		vr.spec.Variables[to] = m.TargetName
	}
	if m.TargetName != name {
		vr.note("%s %s → %s", to, name, m.TargetName)
	}
	return nil
}

func (vr *variableResolver) externalNetwork(vars map[string]any) error {
	from := externalNetworkVariables[vr.src]
	id, _ := vars[from].(string)
	if id == "" {
		return nil
	}
	m, ok := vr.cm.extNet(id)
	if !ok || m.Action == "blocked" {
		return fmt.Errorf("external network %s of %s has no usable mapping", id, from)
	}
	to := externalNetworkVariables[vr.dst]
	if to == "" {
		vr.note("%s dropped: stack %s has no external network variable", from, vr.dst)
		return nil
	}
	vr.spec.Variables[to] = m.TargetID
	vr.note("%s %s (%s) → %s (%s)", to, id, m.SourceName, m.TargetID, m.TargetName)
	return nil
}

// zones maps the control plane's availability zones; a zone the target
// leaves to the cloud is dropped.
func (vr *variableResolver) zones(vars map[string]any) error {
	list, ok := vars[zoneVariable].([]any)
	if !ok {
		if v, set := vars[zoneVariable]; set {
			vr.spec.Variables[zoneVariable] = v
		}
		return nil
	}
	var out []any
	for _, z := range list {
		name, _ := z.(string)
		m, ok := vr.cm.zone(name)
		if !ok {
			return fmt.Errorf("zone %q of %s has no mapping", name, zoneVariable)
		}
		if m.TargetName != "" && !slices.Contains(out, any(m.TargetName)) {
			out = append(out, m.TargetName)
		}
		if m.TargetName != name {
			vr.note("%s: zone %s → %s", zoneVariable, name, cmp.Or(m.TargetName, "(the cloud's choice)"))
		}
	}
	if len(out) > 0 {
		vr.spec.Variables[zoneVariable] = out
	}
	return nil
}
