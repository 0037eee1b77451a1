package migrate

import (
	"fmt"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// index looks up the plan's steps and the source inventory by ID.
type index struct {
	steps         map[string]plans.Step
	servers       map[string]*inventory.Server
	images        map[string]*inventory.Image
	volumes       map[string]*inventory.Volume
	networks      map[string]*inventory.Network
	subnets       map[string]*inventory.Subnet
	routers       map[string]*inventory.Router
	secGroups     map[string]*inventory.SecurityGroup
	ports         map[string]*inventory.Port
	floatingIPs   map[string]*inventory.FloatingIP
	keypairs      map[string]*inventory.Keypair
	serverGroups  map[string]*inventory.ServerGroup
	loadBalancers map[string]*inventory.LoadBalancer
	volumeTypes   map[string]*inventory.VolumeType
}

func byID[T any](items []T, id func(*T) string) map[string]*T {
	m := make(map[string]*T, len(items))
	for i := range items {
		m[id(&items[i])] = &items[i]
	}
	return m
}

func newIndex(p *plans.Plan) *index {
	d := p.Inventory
	ix := &index{steps: make(map[string]plans.Step, len(p.Steps))}
	for _, s := range p.Steps {
		ix.steps[s.ID] = s
	}
	ix.servers = byID(d.Servers, func(x *inventory.Server) string { return x.ID })
	ix.images = byID(d.Images, func(x *inventory.Image) string { return x.ID })
	ix.volumes = byID(d.Volumes, func(x *inventory.Volume) string { return x.ID })
	ix.networks = byID(d.Networks, func(x *inventory.Network) string { return x.ID })
	ix.subnets = byID(d.Subnets, func(x *inventory.Subnet) string { return x.ID })
	ix.routers = byID(d.Routers, func(x *inventory.Router) string { return x.ID })
	ix.secGroups = byID(d.SecurityGroups, func(x *inventory.SecurityGroup) string { return x.ID })
	ix.ports = byID(d.Ports, func(x *inventory.Port) string { return x.ID })
	ix.floatingIPs = byID(d.FloatingIPs, func(x *inventory.FloatingIP) string { return x.ID })
	ix.keypairs = byID(d.Keypairs, func(x *inventory.Keypair) string { return x.Name })
	ix.serverGroups = byID(d.ServerGroups, func(x *inventory.ServerGroup) string { return x.ID })
	ix.loadBalancers = byID(d.LoadBalancers, func(x *inventory.LoadBalancer) string { return x.ID })
	ix.volumeTypes = byID(d.VolumeTypes, func(x *inventory.VolumeType) string { return x.ID })
	return ix
}

// lookup finds the source resource of a step, or says which is missing.
func lookup[T any](m map[string]*T, what, id string) (*T, error) {
	if x, ok := m[id]; ok {
		return x, nil
	}
	return nil, fmt.Errorf("the plan's inventory has no %s %q", what, id)
}

// dependencies returns a function listing the steps of a kind that step
// s depends on.
func (ix *index) dependencies(s plans.Step) func(plans.StepKind) []plans.Step {
	return func(kind plans.StepKind) []plans.Step {
		var out []plans.Step
		for _, id := range s.DependsOn {
			if d, ok := ix.steps[id]; ok && d.Kind == kind {
				out = append(out, d)
			}
		}
		return out
	}
}
