package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/quotas"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/external"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/routers"
	nquotas "github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/quotas"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readExternalNetworks lists the router:external networks.
func readExternalNetworks(ctx context.Context, s *cloud.Session, t *Target) error {
	yes := true
	list, err := cloud.ListAll(ctx, networks.List(s.Network, external.ListOptsExt{ListOptsBuilder: networks.ListOpts{}, External: &yes}), networks.ExtractNetworks)
	if err != nil {
		return err
	}
	for _, n := range list {
		t.ExternalNetworks = append(t.ExternalNetworks, ExternalNetwork{ID: n.ID, Name: n.Name})
	}
	slices.SortFunc(t.ExternalNetworks, func(a, b ExternalNetwork) int {
		return cmp.Compare(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID)
	})
	return nil
}

// readNetworkExisting lists the project's own networks, subnets, routers
// and security groups: names and CIDRs a migration may clash with.
func readNetworkExisting(ctx context.Context, s *cloud.Session, t *Target) error {
	nets, errN := cloud.ListAll(ctx, networks.List(s.Network, networks.ListOpts{ProjectID: s.ProjectID}), networks.ExtractNetworks)
	subs, errS := cloud.ListAll(ctx, subnets.List(s.Network, subnets.ListOpts{ProjectID: s.ProjectID}), subnets.ExtractSubnets)
	rts, errR := cloud.ListAll(ctx, routers.List(s.Network, routers.ListOpts{ProjectID: s.ProjectID}), routers.ExtractRouters)
	sgs, errG := cloud.ListAll(ctx, groups.List(s.Network, groups.ListOpts{ProjectID: s.ProjectID}), groups.ExtractGroups)
	t.Existing.Networks = sortedNames(nets, func(v networks.Network) string { return v.Name })
	for _, sn := range subs {
		t.Existing.Subnets = append(t.Existing.Subnets, ExistingSubnet{Name: sn.Name, CIDR: sn.CIDR})
	}
	slices.SortFunc(t.Existing.Subnets, func(a, b ExistingSubnet) int { return cmp.Compare(a.Name+"\x00"+a.CIDR, b.Name+"\x00"+b.CIDR) })
	t.Existing.Routers = sortedNames(rts, func(v routers.Router) string { return v.Name })
	t.Existing.SecurityGroups = sortedNames(sgs, func(v groups.SecGroup) string { return v.Name })
	return joinErrs([]string{"networks", "subnets", "routers", "security groups"}, []error{errN, errS, errR, errG})
}

// readNetworkQuotas reads Neutron's limits and usage of the project.
func readNetworkQuotas(ctx context.Context, s *cloud.Session, t *Target) error {
	q, err := nquotas.GetDetail(ctx, s.Network, s.ProjectID).Extract()
	if err != nil {
		return err
	}
	add := func(res string, d nquotas.QuotaDetail) {
		t.Quotas = append(t.Quotas, Quota{Service: "network", Resource: res, Limit: d.Limit, InUse: d.Used + d.Reserved})
	}
	add("floatingip", q.FloatingIP)
	add("network", q.Network)
	add("port", q.Port)
	add("router", q.Router)
	add("security_group", q.SecurityGroup)
	add("security_group_rule", q.SecurityGroupRule)
	add("subnet", q.Subnet)
	return nil
}

// readLoadBalancers lists the project's load balancers and, where
// Octavia tells, the load-balancer quota.
func readLoadBalancers(ctx context.Context, s *cloud.Session, t *Target) error {
	lbs, err := cloud.ListAll(ctx, loadbalancers.List(s.LoadBalancer, loadbalancers.ListOpts{ProjectID: s.ProjectID}), loadbalancers.ExtractLoadBalancers)
	if err != nil {
		return err
	}
	t.Existing.LoadBalancers = sortedNames(lbs, func(v loadbalancers.LoadBalancer) string { return v.Name })
	q, err := quotas.Get(ctx, s.LoadBalancer, s.ProjectID).Extract()
	if err != nil {
		return fmt.Errorf("load-balancer quota not readable: %s", describe(err))
	}
	t.Quotas = append(t.Quotas, Quota{Service: "load-balancer", Resource: "load_balancer", Limit: q.Loadbalancer, InUse: len(lbs)})
	return nil
}
