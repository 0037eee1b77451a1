package migrate

import (
	"fmt"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// index is what executors look up: the plan's graph and its source
// inventory's inventory.Index, under the names the executors use.
type index struct {
	graph         *plans.Graph
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
	containers    map[string]*inventory.Container
}

func newIndex(p *plans.Plan, g *plans.Graph) *index {
	ix := inventory.NewIndex(p.Inventory)
	out := &index{graph: g, servers: ix.Servers, images: ix.Images, volumes: ix.Volumes, networks: ix.Networks,
		subnets: ix.Subnets, routers: ix.Routers, secGroups: ix.SecurityGroups, ports: ix.Ports, floatingIPs: ix.FloatingIPs,
		keypairs: ix.Keypairs, serverGroups: ix.ServerGroups, loadBalancers: ix.LoadBalancers,
		containers: map[string]*inventory.Container{}}
	for i := range p.Inventory.Containers {
		c := &p.Inventory.Containers[i]
		out.containers[c.Name] = c
	}
	return out
}

// lookup finds the source resource of a step, or says which is missing.
func lookup[T any](m map[string]*T, what, id string) (*T, error) {
	if x, ok := m[id]; ok {
		return x, nil
	}
	return nil, fmt.Errorf("the plan's inventory has no %s %q", what, id)
}
