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
	"github.com/gophercloud/gophercloud/v2/pagination"

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
	finders := []markedFinder{
		tagged("network", tag, networks.List(s.Network, networks.ListOpts{Tags: tag, ProjectID: s.ProjectID}), networks.ExtractNetworks,
			func(x networks.Network) (string, string, []string) { return x.ID, x.Name, x.Tags }),
		tagged("subnet", tag, subnets.List(s.Network, subnets.ListOpts{Tags: tag, ProjectID: s.ProjectID}), subnets.ExtractSubnets,
			func(x subnets.Subnet) (string, string, []string) { return x.ID, x.Name, x.Tags }),
		tagged("router", tag, routers.List(s.Network, routers.ListOpts{Tags: tag, ProjectID: s.ProjectID}), routers.ExtractRouters,
			func(x routers.Router) (string, string, []string) { return x.ID, x.Name, x.Tags }),
		tagged("port", tag, ports.List(s.Network, ports.ListOpts{Tags: tag, ProjectID: s.ProjectID}), ports.ExtractPorts,
			func(x ports.Port) (string, string, []string) { return x.ID, x.Name, x.Tags }),
		tagged("security-group", tag, groups.List(s.Network, groups.ListOpts{Tags: tag, ProjectID: s.ProjectID}), groups.ExtractGroups,
			func(x groups.SecGroup) (string, string, []string) { return x.ID, x.Name, x.Tags }),
		tagged("floating-ip", tag, floatingips.List(s.Network, floatingips.ListOpts{Tags: tag, ProjectID: s.ProjectID}), floatingips.ExtractFloatingIPs,
			func(x floatingips.FloatingIP) (string, string, []string) { return x.ID, x.FloatingIP, x.Tags }),
		tagged("server", tag, servers.List(s.Compute, servers.ListOpts{Tags: tag}), servers.ExtractServers,
			func(x servers.Server) (string, string, []string) { return x.ID, x.Name, derefTags(x.Tags) }),
		markedImages(s, key),
		markedVolumes(s, key),
	}
	if s.LoadBalancer != nil {
		finders = append(finders, tagged("load-balancer", tag,
			loadbalancers.List(s.LoadBalancer, loadbalancers.ListOpts{Tags: []string{tag}}), loadbalancers.ExtractLoadBalancers,
			func(x loadbalancers.LoadBalancer) (string, string, []string) { return x.ID, x.Name, x.Tags }))
	}
	var out []Created
	for _, find := range finders {
		found, err := find(ctx)
		out = append(out, found...)
		if err != nil {
			return out, cloud.Wrap("look for the plan's resources on the target", err)
		}
	}
	named, err := namedResources(ctx, s, p, j)
	return append(out, named...), err
}

// markedFinder lists the target resources of one kind that carry the
// plan's marker.
type markedFinder func(context.Context) ([]Created, error)

// tagged finds the resources of one kind carrying the plan's tag: the
// list is filtered by the cloud and checked again here, so a cloud that
// ignores the filter never leads to a wrong delete.
func tagged[T any](kind, tag string, pager pagination.Pager, extract func(pagination.Page) ([]T, error),
	fields func(T) (id, name string, tags []string)) markedFinder {
	return func(ctx context.Context) ([]Created, error) {
		all, err := cloud.ListAll(ctx, pager, extract)
		var out []Created
		for _, x := range all {
			if id, name, tags := fields(x); slices.Contains(tags, tag) {
				out = append(out, Created{Cloud: "target", Kind: kind, ID: id, Name: name})
			}
		}
		return out, err
	}
}

func derefTags(tags *[]string) []string {
	if tags == nil {
		return nil
	}
	return *tags
}

// markedImages finds the project's images whose marker property names
// the plan (Glance has no tags filter for properties).
func markedImages(s *cloud.Session, key string) markedFinder {
	return func(ctx context.Context) ([]Created, error) {
		all, err := cloud.ListAll(ctx, images.List(s.Image, images.ListOpts{Owner: s.ProjectID}), images.ExtractImages)
		var out []Created
		for _, x := range all {
			if v, _ := x.Properties[MarkerPlanKey].(string); v == key {
				out = append(out, Created{Cloud: "target", Kind: "image", ID: x.ID, Name: x.Name})
			}
		}
		return out, err
	}
}

// markedVolumes finds the volumes whose marker metadata names the plan.
func markedVolumes(s *cloud.Session, key string) markedFinder {
	return func(ctx context.Context) ([]Created, error) {
		q := volumes.ListOpts{Metadata: map[string]string{MarkerPlanKey: key}}
		all, err := cloud.ListAll(ctx, volumes.List(s.BlockStorage, q), volumes.ExtractVolumes)
		var out []Created
		for _, x := range all {
			if x.Metadata[MarkerPlanKey] == key {
				out = append(out, Created{Cloud: "target", Kind: "volume", ID: x.ID, Name: x.Name})
			}
		}
		return out, err
	}
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
				if groupsOnTarget, err = cloud.ListAll(ctx, servergroups.List(s.Compute, nil), servergroups.ExtractServerGroups); err != nil {
					return out, cloud.Wrap("list server groups", err)
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
			} else if !cloud.IsNotFound(err) {
				return out, cloud.Wrap("get keypair", err)
			}
		}
	}
	return out, nil
}
