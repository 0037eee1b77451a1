package plans

import (
	"cmp"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// pvcBytes is the total size of a workload's PVCs.
func pvcBytes(w *inventory.Workload) int64 {
	if w == nil {
		return 0
	}
	var n int64
	for _, p := range w.PVCs {
		if q, err := resource.ParseQuantity(p.Size); err == nil {
			n += q.Value()
		}
	}
	return n
}

// addClusterDemands adds to the quota demands what the target's KaaS
// creates in the target project for each planned cluster: its nodes
// (instances, cores, RAM), their root volumes, a volume per PVC, and the
// network, subnet, router, security groups, API load balancer and its
// floating IP Cluster API Provider OpenStack makes.
func addClusterDemands(p *Plan, d *decisions, list []quotaDemand) []quotaDemand {
	add := func(service, res string, n int) {
		for i := range list {
			if list[i].service == service && list[i].resource == res {
				list[i].need += n
				return
			}
		}
		list = append(list, quotaDemand{service: service, resource: res, need: n})
	}
	byName := map[string]flavorFacts{}
	for _, f := range d.targetFlav {
		byName[f.f.Name] = f
	}
	for _, s := range p.Steps {
		if s.Kind != StepCluster {
			continue
		}
		spec, err := ClusterSpecOf(p, s.SourceID)
		if err != nil {
			continue
		}
		for _, pool := range nodePools(spec) {
			f := byName[pool.flavor]
			add("compute", "instances", pool.nodes)
			add("compute", "cores", pool.nodes*f.f.VCPUs)
			add("compute", "ram", pool.nodes*f.f.RAMMiB)
			if pool.rootGB > 0 {
				add("volume", "volumes", pool.nodes)
				add("volume", "gigabytes", pool.nodes*pool.rootGB)
			}
		}
		if c := clusterOf(p.Inventory, s.SourceID); c != nil && c.Workload != nil {
			add("volume", "volumes", len(c.Workload.PVCs))
			add("volume", "gigabytes", int((pvcBytes(c.Workload)+gib-1)/gib))
		}
		for _, r := range []string{"network", "subnet", "router", "floatingip"} {
			add("network", r, 1)
		}
		add("network", "security_group", 2)
		add("load-balancer", "load_balancer", 1)
	}
	return list
}

// nodePool is a set of nodes of one flavor.
type nodePool struct {
	flavor        string
	nodes, rootGB int
}

// nodePools are the control plane and the workers of a planned cluster,
// with the stack's defaults where the variables leave them open.
func nodePools(spec *ClusterSpec) []nodePool {
	dst, _ := scs.ParseClusterClassName(spec.Class)
	sv, ok := scs.FlavorVariablesOf(dst.Stack)
	if !ok {
		return nil
	}
	str := func(name, def string) string {
		s, _ := spec.Variables[name].(string)
		return cmp.Or(s, def)
	}
	disk := func(name string, def int) int {
		if v, ok := spec.Variables[name]; ok {
			return int(rootDiskOf(v))
		}
		return def
	}
	workers := 0
	for _, w := range spec.Workers {
		workers += w.Replicas
	}
	return []nodePool{
		{str(sv.ControlPlaneFlavor, sv.DefaultControlPlaneFlavor), max(spec.ControlPlaneReplicas, 1), disk(sv.ControlPlaneRootDisk, sv.DefaultControlPlaneRootDiskGB)},
		{str(sv.WorkerFlavor, sv.DefaultWorkerFlavor), workers, disk(sv.WorkerRootDisk, sv.DefaultWorkerRootDiskGB)},
	}
}

func clusterOf(inv *inventory.Document, id string) *inventory.Cluster {
	if inv == nil {
		return nil
	}
	for i := range inv.Clusters {
		if clusterID(inv.Clusters[i]) == id {
			return &inv.Clusters[i]
		}
	}
	return nil
}
