package main

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	bsquotas "github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/quotasets"
	novaquotas "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/quotas"
)

func ensureProject(ctx context.Context, id *gophercloud.ServiceClient, name, description string) (string, error) {
	pages, err := projects.List(id, projects.ListOpts{Name: name}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list projects: %w", err)
	}
	found, err := projects.ExtractProjects(pages)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		return found[0].ID, nil
	}
	p, err := projects.Create(ctx, id, projects.CreateOpts{Name: name, Description: description, DomainID: "default"}).Extract()
	if err != nil {
		return "", fmt.Errorf("create project %s: %w", name, err)
	}
	logf("created project %s", name)
	return p.ID, nil
}

func ensureRole(ctx context.Context, id *gophercloud.ServiceClient, name string) (string, error) {
	pages, err := roles.List(id, roles.ListOpts{Name: name}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list roles: %w", err)
	}
	found, err := roles.ExtractRoles(pages)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		return found[0].ID, nil
	}
	r, err := roles.Create(ctx, id, roles.CreateOpts{Name: name}).Extract()
	if err != nil {
		return "", fmt.Errorf("create role %s: %w", name, err)
	}
	logf("created role %s", name)
	return r.ID, nil
}

// ensureUser creates the user or, if it exists, sets its password, so a
// state directory whose passwords were regenerated still works.
func ensureUser(ctx context.Context, id *gophercloud.ServiceClient, name, password, defaultProject string) (string, error) {
	pages, err := users.List(id, users.ListOpts{Name: name, DomainID: "default"}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list users: %w", err)
	}
	found, err := users.ExtractUsers(pages)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		_, err := users.Update(ctx, id, found[0].ID, users.UpdateOpts{Password: password}).Extract()
		if err != nil {
			return "", fmt.Errorf("update user %s: %w", name, err)
		}
		return found[0].ID, nil
	}
	enabled := true
	u, err := users.Create(ctx, id, users.CreateOpts{
		Name: name, Password: password, DomainID: "default", DefaultProjectID: defaultProject, Enabled: &enabled,
	}).Extract()
	if err != nil {
		return "", fmt.Errorf("create user %s: %w", name, err)
	}
	logf("created user %s", name)
	return u.ID, nil
}

// setQuotas makes room for the conformance suite and a demo tenant.
func setQuotas(ctx context.Context, c clients, projectID string) error {
	if _, err := novaquotas.Update(ctx, c.compute, projectID, novaquotas.UpdateOpts{
		Instances: ptr(50), Cores: ptr(400), RAM: ptr(1024 * 1024), KeyPairs: ptr(200),
		ServerGroups: ptr(50), ServerGroupMembers: ptr(50), MetadataItems: ptr(256),
	}).Extract(); err != nil {
		return fmt.Errorf("nova: %w", err)
	}
	if _, err := bsquotas.Update(ctx, c.volume, projectID, bsquotas.UpdateOpts{
		Volumes: ptr(200), Snapshots: ptr(200), Gigabytes: ptr(10000), Backups: ptr(100), BackupGigabytes: ptr(10000),
	}).Extract(); err != nil {
		return fmt.Errorf("cinder: %w", err)
	}
	if _, err := quotas.Update(ctx, c.network, projectID, quotas.UpdateOpts{
		Network: ptr(200), Subnet: ptr(200), Port: ptr(1000), Router: ptr(50), FloatingIP: ptr(100),
		SecurityGroup: ptr(200), SecurityGroupRule: ptr(2000),
	}).Extract(); err != nil {
		return fmt.Errorf("neutron: %w", err)
	}
	return nil
}
