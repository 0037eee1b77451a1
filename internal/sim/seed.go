package sim

import (
	"context"
	"fmt"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
)

// seeder creates a tenant fixture through the cloud's own HTTP API, as
// the tenant's user, with the real gophercloud clients: whatever a
// fixture holds is therefore something a real tenant could have built.
type seeder struct {
	c                                   *Cloud
	t                                   *Tenant
	project                             string // project ID
	compute, image, volume, network, lb *gophercloud.ServiceClient

	networks  map[string]string // name → ID, likewise below
	subnets   map[string]string
	secGroups map[string]string
	srvGroups map[string]string
	images    map[string]string
	volumes   map[string]string
	servers   map[string]string
	// serverPorts are the port IDs of each server, in NIC order.
	serverPorts map[string][]string
}

// SeedTenant builds the fixture in the first project of the cloud. Faults
// are suspended while it runs.
func SeedTenant(ctx context.Context, c *Cloud, t *Tenant) error {
	saved := c.Faults().Get()
	c.Faults().Set(Faults{TokenTTL: saved.TokenTTL})
	defer c.Faults().Set(saved)
	project := c.opts.Projects[0].Name
	if t.Quotas != nil {
		if err := c.UpdateQuotas(project, *t.Quotas); err != nil {
			return fmt.Errorf("seed quotas: %w", err)
		}
	}
	s, err := newSeeder(ctx, c, t)
	if err != nil {
		return err
	}
	steps := []struct {
		what string
		run  func(context.Context) error
	}{
		{"keypairs", s.keypairs},
		{"networks", s.networksAndSubnets},
		{"security groups", s.securityGroups},
		{"routers", s.routers},
		{"server groups", s.serverGroups},
		{"images", s.privateImages},
		{"volumes", s.dataVolumes},
		{"servers", s.serversUp},
		{"volume attachments", s.attachVolumes},
		{"floating IPs", s.floatingIPs},
		{"load balancers", s.loadBalancers},
		{"stopped servers", s.stopServers},
		{"buckets", s.buckets},
	}
	for _, st := range steps {
		if err := st.run(ctx); err != nil {
			return fmt.Errorf("seed %s: %w", st.what, err)
		}
	}
	if t.Bulk != nil {
		if _, err := c.SeedBulk(project, *t.Bulk); err != nil {
			return fmt.Errorf("seed bulk resources: %w", err)
		}
	}
	return nil
}

func newSeeder(ctx context.Context, c *Cloud, t *Tenant) (*seeder, error) {
	p := c.opts.Projects[0]
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: c.AuthURL(), Username: p.User, Password: p.Password,
		DomainName: "Default", TenantName: p.Name, AllowReauth: true,
	})
	if err != nil {
		return nil, fmt.Errorf("authenticate as %s: %w", p.User, err)
	}
	eo := gophercloud.EndpointOpts{Region: c.opts.Profile.Region}
	s := &seeder{c: c, t: t, project: c.ProjectID(p.Name),
		networks: map[string]string{}, subnets: map[string]string{}, secGroups: map[string]string{},
		srvGroups: map[string]string{}, images: map[string]string{}, volumes: map[string]string{},
		servers: map[string]string{}, serverPorts: map[string][]string{}}
	clients := []struct {
		dst *(*gophercloud.ServiceClient)
		new func(*gophercloud.ProviderClient, gophercloud.EndpointOpts) (*gophercloud.ServiceClient, error)
	}{
		{&s.compute, openstack.NewComputeV2}, {&s.image, openstack.NewImageV2},
		{&s.volume, openstack.NewBlockStorageV3}, {&s.network, openstack.NewNetworkV2},
		{&s.lb, openstack.NewLoadBalancerV2},
	}
	for _, cl := range clients {
		if *cl.dst, err = cl.new(pc, eo); err != nil {
			return nil, err
		}
	}
	s.compute.Microversion = "2.79"
	s.volume.Microversion = "3.64"
	return s, nil
}

// waitFor polls check until it reports done, fails, or the deadline passes.
func waitFor(ctx context.Context, what string, check func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		done, err := check()
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
