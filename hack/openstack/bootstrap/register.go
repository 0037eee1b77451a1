package main

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/endpoints"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/services"
)

// serviceUsers get the admin and service roles in project "service"; the
// service role makes their tokens service tokens (Cinder's detach check).
var serviceUsers = []string{"glance", "nova", "neutron", "cinder", "placement", "swift"}

// catalog is what register puts into Keystone. Block storage is listed
// under both of its type names: gophercloud looks for block-storage,
// Nova's default catalog_info for volumev3. Swift's proxy serves both
// object-store (the Swift API, per project account) and, through its
// s3api middleware, the S3 API at its root: object-store-s3 is the
// scs-0123 v2 draft's type name for it.
var catalog = []struct{ typ, name, url string }{
	{"image", "glance", "http://" + host + ":9292"},
	{"compute", "nova", "http://" + host + ":8774/v2.1"},
	{"placement", "placement", "http://" + host + ":8778"},
	{"network", "neutron", "http://" + host + ":9696"},
	{"volumev3", "cinderv3", "http://" + host + ":8776/v3/%(project_id)s"},
	{"block-storage", "cinder", "http://" + host + ":8776/v3/%(project_id)s"},
	{"object-store", "swift", "http://" + host + ":8080/v1/AUTH_%(project_id)s"},
	{"object-store-s3", "swift-s3", "http://" + host + ":8080"},
}

func register(ctx context.Context, pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts, servicePW string) error {
	id, err := openstack.NewIdentityV3(pc, eo)
	if err != nil {
		return err
	}
	svcProject, err := ensureProject(ctx, id, "service", "Service users of the fixture")
	if err != nil {
		return err
	}
	adminRole, err := ensureRole(ctx, id, "admin")
	if err != nil {
		return err
	}
	serviceRole, err := ensureRole(ctx, id, "service")
	if err != nil {
		return err
	}
	for _, name := range serviceUsers {
		uid, err := ensureUser(ctx, id, name, servicePW, svcProject)
		if err != nil {
			return err
		}
		for _, role := range []string{adminRole, serviceRole} {
			if err := roles.Assign(ctx, id, role, roles.AssignOpts{UserID: uid, ProjectID: svcProject}).ExtractErr(); err != nil {
				return fmt.Errorf("assign role to %s: %w", name, err)
			}
		}
	}
	for _, c := range catalog {
		sid, err := ensureService(ctx, id, c.typ, c.name)
		if err != nil {
			return err
		}
		for _, iface := range []gophercloud.Availability{gophercloud.AvailabilityPublic, gophercloud.AvailabilityInternal, gophercloud.AvailabilityAdmin} {
			if err := ensureEndpoint(ctx, id, sid, iface, c.url); err != nil {
				return fmt.Errorf("endpoint %s %s: %w", c.typ, iface, err)
			}
		}
	}
	logf("register: project service, %d service users, %d catalog services", len(serviceUsers), len(catalog))
	return nil
}

func ensureService(ctx context.Context, id *gophercloud.ServiceClient, typ, name string) (string, error) {
	pages, err := services.List(id, services.ListOpts{ServiceType: typ}).AllPages(ctx)
	if err != nil {
		return "", fmt.Errorf("list services: %w", err)
	}
	found, err := services.ExtractServices(pages)
	if err != nil {
		return "", err
	}
	if len(found) > 0 {
		return found[0].ID, nil
	}
	s, err := services.Create(ctx, id, services.CreateOpts{Type: typ, Extra: map[string]any{"name": name}}).Extract()
	if err != nil {
		return "", fmt.Errorf("create service %s: %w", typ, err)
	}
	logf("created service %s (%s)", typ, name)
	return s.ID, nil
}

func ensureEndpoint(ctx context.Context, id *gophercloud.ServiceClient, serviceID string, iface gophercloud.Availability, url string) error {
	pages, err := endpoints.List(id, endpoints.ListOpts{ServiceID: serviceID, Availability: iface}).AllPages(ctx)
	if err != nil {
		return err
	}
	found, err := endpoints.ExtractEndpoints(pages)
	if err != nil {
		return err
	}
	for _, e := range found {
		if e.Region != region {
			continue
		}
		if e.URL != url {
			_, err := endpoints.Update(ctx, id, e.ID, endpoints.UpdateOpts{URL: url}).Extract()
			return err
		}
		return nil
	}
	_, err = endpoints.Create(ctx, id, endpoints.CreateOpts{Availability: iface, Region: region, URL: url, ServiceID: serviceID}).Extract()
	return err
}
