package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
)

// tenants are the fixture's projects, each with a user of the same name
// and an entry in clouds.yaml.
var tenants = []string{"source", "target"}

// clients are the admin's service clients that seed uses.
type clients struct {
	identity, compute, image, volume, network *gophercloud.ServiceClient
}

// seed creates the tenants with their quotas, then the SCS seed every
// tenant sees (flavors, image, volume types, external network), and
// writes clouds.yaml.
func seed(ctx context.Context, pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts, authURL, state, userPW string) error {
	var c clients
	var err error
	for _, x := range []struct {
		dst **gophercloud.ServiceClient
		new func(*gophercloud.ProviderClient, gophercloud.EndpointOpts) (*gophercloud.ServiceClient, error)
	}{
		{&c.identity, openstack.NewIdentityV3}, {&c.compute, openstack.NewComputeV2}, {&c.image, openstack.NewImageV2},
		{&c.volume, openstack.NewBlockStorageV3}, {&c.network, openstack.NewNetworkV2},
	} {
		if *x.dst, err = x.new(pc, eo); err != nil {
			return err
		}
	}
	member, err := ensureRole(ctx, c.identity, "member")
	if err != nil {
		return err
	}
	projectIDs := map[string]string{}
	for _, t := range tenants {
		pid, err := ensureProject(ctx, c.identity, t, "scs-migrate fixture tenant "+t)
		if err != nil {
			return err
		}
		uid, err := ensureUser(ctx, c.identity, t, userPW, pid)
		if err != nil {
			return err
		}
		if err := roles.Assign(ctx, c.identity, member, roles.AssignOpts{UserID: uid, ProjectID: pid}).ExtractErr(); err != nil {
			return fmt.Errorf("assign member to %s: %w", t, err)
		}
		if err := setQuotas(ctx, c, pid); err != nil {
			return fmt.Errorf("quotas of %s: %w", t, err)
		}
		projectIDs[t] = pid
	}
	steps := []struct {
		what string
		run  func() error
	}{
		{"flavors", func() error { return seedFlavors(ctx, c.compute) }},
		{"image", func() error { return seedImage(ctx, c.image, state) }},
		{"volume types", func() error { return seedVolumeTypes(ctx, c.volume) }},
		{"external network", func() error { return seedExternalNetwork(ctx, c.network) }},
		{"clouds.yaml", func() error { return writeCloudsYAML(filepath.Join(state, "clouds.yaml"), authURL, userPW) }},
	}
	for _, s := range steps {
		t0 := time.Now()
		if err := s.run(); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
		logf("seed %s: %.1fs", s.what, time.Since(t0).Seconds())
	}
	return nil
}
