package migrate

import (
	"context"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/plans"
)

// markedResources finds the target resources that carry the plan's
// marker, journaled or not: what a process made before it died and
// could journal it. Lists are filtered by the cloud and checked again
// here, so a cloud that ignores a filter never leads to a wrong delete.
func markedResources(ctx context.Context, s *cloud.Session, p *plans.Plan, j *Journal) ([]Created, error) {
	tag := PlanTag(p.ID)
	key := planKey(p.ID)
	var out []Created
	add := func(kind, id, name string, tags []string) {
		if slices.Contains(tags, tag) {
			out = append(out, Created{Cloud: "target", Kind: kind, ID: id, Name: name})
		}
	}
	finders := []func(context.Context) error{
		func(ctx context.Context) error {
			all, err := listAll(ctx, networks.List(s.Network, networks.ListOpts{Tags: tag, ProjectID: s.ProjectID}), networks.ExtractNetworks)
			for _, x := range all {
				add("network", x.ID, x.Name, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, subnets.List(s.Network, subnets.ListOpts{Tags: tag, ProjectID: s.ProjectID}), subnets.ExtractSubnets)
			for _, x := range all {
				add("subnet", x.ID, x.Name, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, routers.List(s.Network, routers.ListOpts{Tags: tag, ProjectID: s.ProjectID}), routers.ExtractRouters)
			for _, x := range all {
				add("router", x.ID, x.Name, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, ports.List(s.Network, ports.ListOpts{Tags: tag, ProjectID: s.ProjectID}), ports.ExtractPorts)
			for _, x := range all {
				add("port", x.ID, x.Name, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, groups.List(s.Network, groups.ListOpts{Tags: tag, ProjectID: s.ProjectID}), groups.ExtractGroups)
			for _, x := range all {
				add("security-group", x.ID, x.Name, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, floatingips.List(s.Network, floatingips.ListOpts{Tags: tag, ProjectID: s.ProjectID}), floatingips.ExtractFloatingIPs)
			for _, x := range all {
				add("floating-ip", x.ID, x.FloatingIP, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, servers.List(s.Compute, servers.ListOpts{Tags: tag}), servers.ExtractServers)
			for _, x := range all {
				if x.Tags != nil {
					add("server", x.ID, x.Name, *x.Tags)
				}
			}
			return err
		},
		func(ctx context.Context) error {
			if s.LoadBalancer == nil {
				return nil
			}
			all, err := listAll(ctx, loadbalancers.List(s.LoadBalancer, loadbalancers.ListOpts{Tags: []string{tag}}), loadbalancers.ExtractLoadBalancers)
			for _, x := range all {
				add("load-balancer", x.ID, x.Name, x.Tags)
			}
			return err
		},
		func(ctx context.Context) error {
			all, err := listAll(ctx, images.List(s.Image, images.ListOpts{Owner: s.ProjectID}), images.ExtractImages)
			for _, x := range all {
				if v, _ := x.Properties[MarkerPlanKey].(string); v == key {
					out = append(out, Created{Cloud: "target", Kind: "image", ID: x.ID, Name: x.Name})
				}
			}
			return err
		},
		func(ctx context.Context) error {
			q := volumes.ListOpts{Metadata: map[string]string{MarkerPlanKey: key}}
			all, err := listAll(ctx, volumes.List(s.BlockStorage, q), volumes.ExtractVolumes)
			for _, x := range all {
				if x.Metadata[MarkerPlanKey] == key {
					out = append(out, Created{Cloud: "target", Kind: "volume", ID: x.ID, Name: x.Name})
				}
			}
			return err
		},
	}
	for _, find := range finders {
		if err := find(ctx); err != nil {
			return out, apiErr("look for the plan's resources on the target", err)
		}
	}
	named, err := namedResources(ctx, s, p, j)
	return append(out, named...), err
}

// namedResources finds the keypairs and server groups that steps of the
// plan made but could not journal: same name, and not among the ones
// that existed before the step's first create.
func namedResources(ctx context.Context, s *cloud.Session, p *plans.Plan, j *Journal) ([]Created, error) {
	var out []Created
	var groupsOnTarget []servergroups.ServerGroup
	for _, st := range p.Steps {
		rec := j.Step(st.ID)
		switch st.Kind {
		case plans.StepServerGroup:
			pre, ok := rec.Preexisting["server-group/"]
			if !ok {
				continue
			}
			if groupsOnTarget == nil {
				var err error
				if groupsOnTarget, err = listAll(ctx, servergroups.List(s.Compute, nil), servergroups.ExtractServerGroups); err != nil {
					return out, apiErr("list server groups", err)
				}
			}
			for _, g := range groupsOnTarget {
				if g.Name == st.Name && !slices.Contains(pre, g.ID) {
					out = append(out, Created{Cloud: "target", Kind: "server-group", ID: g.ID, Name: g.Name, StepID: st.ID})
				}
			}
		case plans.StepKeypair:
			pre, ok := rec.Preexisting["keypair/"]
			if !ok || slices.Contains(pre, st.SourceID) {
				continue
			}
			_, err := keypairs.Get(ctx, s.Compute, st.SourceID, nil).Extract()
			if err == nil {
				out = append(out, Created{Cloud: "target", Kind: "keypair", ID: st.SourceID, Name: st.SourceID, StepID: st.ID})
			} else if !isNotFound(err) {
				return out, apiErr("get keypair", err)
			}
		}
	}
	return out, nil
}
