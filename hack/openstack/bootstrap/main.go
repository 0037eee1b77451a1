// Command bootstrap registers and seeds the local OpenStack fixture of
// hack/openstack (see its README). It talks to the cloud as the Keystone
// admin, with gophercloud, and is idempotent: everything is looked up
// before it is created.
//
//	bootstrap register  service project, service users, catalog
//	bootstrap wait      until Nova, Cinder, Glance and Neutron answer and
//	                    nova-compute and cinder-volume are up
//	bootstrap seed      tenants source and target, the SCS seed, clouds.yaml
//
// Passwords come from the environment: SCS_OS_ADMIN_PASSWORD,
// SCS_OS_SERVICE_PASSWORD and SCS_OS_USER_PASSWORD; setup.sh sets them
// from the state directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	bsquotas "github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/quotasets"
	bsservices "github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/services"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumetypes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/hypervisors"
	novaquotas "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	novaservices "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/services"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/endpoints"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/projects"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/roles"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/services"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/users"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/quotas"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/subnets"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// Fixed facts of the fixture; setup.sh configures the services the same way.
const (
	host   = "127.0.0.1"
	region = "RegionOne"
	domain = "Default"
)

// Seed contents.
const (
	imageName       = "Ubuntu 24.04"
	externalNetwork = "public"
	externalSubnet  = "public-subnet"
	floatingCIDR    = "203.0.113.0/24" // TEST-NET-3: no packet ever leaves (Neutron has no data plane here)
)

var tenants = []string{"source", "target"}

// since is the -since flag of wait.
var since timeFlag

// timeFlag is a flag.Value holding an RFC 3339 time.
type timeFlag struct{ time.Time }

func (t *timeFlag) String() string { return t.Format(time.RFC3339) }

func (t *timeFlag) Set(s string) (err error) {
	t.Time, err = time.Parse(time.RFC3339, s)
	return err
}

// serviceUsers get the admin and service roles in project "service"; the
// service role makes their tokens service tokens (Cinder's detach check).
var serviceUsers = []string{"glance", "nova", "neutron", "cinder", "placement"}

// catalog is what register puts into Keystone. Block storage is listed
// under both of its type names: gophercloud looks for block-storage,
// Nova's default catalog_info for volumev3.
var catalog = []struct{ typ, name, url string }{
	{"image", "glance", "http://" + host + ":9292"},
	{"compute", "nova", "http://" + host + ":8774/v2.1"},
	{"placement", "placement", "http://" + host + ":8778"},
	{"network", "neutron", "http://" + host + ":9696"},
	{"volumev3", "cinderv3", "http://" + host + ":8776/v3/%(project_id)s"},
	{"block-storage", "cinder", "http://" + host + ":8776/v3/%(project_id)s"},
}

// volumeTypes are created besides Cinder's own __DEFAULT__. The fixture
// has one backend and no key manager, so they carry no extra specs: the
// aspects are in the scs-0114 description only.
var volumeTypes = []struct{ name, description string }{
	{"ssd", "[scs:replicated] local directory (fixture)"},
	{"ssd-encrypted", "[scs:encrypted, replicated] local directory (fixture; not really encrypted)"},
}

func main() {
	authURL := flag.String("auth-url", envOr("SCS_OS_AUTH_URL", "http://"+host+":5000/v3"), "Keystone v3 URL")
	state := flag.String("state", envOr("SCS_OS_STATE", "/var/tmp/scs-openstack"), "state directory (clouds.yaml and seed data go here)")
	timeout := flag.Duration("timeout", 5*time.Minute, "overall time limit")
	flag.Var(&since, "since", "wait: count a service as up only if it reported after this time (RFC 3339), so a heartbeat from before a restart does not count")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: bootstrap [flags] register|wait|seed\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	start := time.Now()
	err := run(ctx, flag.Arg(0), *authURL, *state)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bootstrap %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
	logf("%s done in %.1fs", flag.Arg(0), time.Since(start).Seconds())
}

func run(ctx context.Context, cmd, authURL, state string) error {
	adminPW := os.Getenv("SCS_OS_ADMIN_PASSWORD")
	if adminPW == "" {
		return errors.New("SCS_OS_ADMIN_PASSWORD is not set")
	}
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: authURL, Username: "admin", Password: adminPW,
		DomainName: domain, TenantName: "admin", AllowReauth: true,
	})
	if err != nil {
		return fmt.Errorf("authenticate as admin at %s: %w", authURL, err)
	}
	eo := gophercloud.EndpointOpts{Region: region}
	switch cmd {
	case "register":
		pw := os.Getenv("SCS_OS_SERVICE_PASSWORD")
		if pw == "" {
			return errors.New("SCS_OS_SERVICE_PASSWORD is not set")
		}
		return register(ctx, pc, eo, pw)
	case "wait":
		return waitReady(ctx, pc, eo)
	case "seed":
		pw := os.Getenv("SCS_OS_USER_PASSWORD")
		if pw == "" {
			return errors.New("SCS_OS_USER_PASSWORD is not set")
		}
		return seed(ctx, pc, eo, authURL, state, pw)
	}
	return fmt.Errorf("unknown command %q", cmd)
}

// ---------------------------------------------------------------- register

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

// ------------------------------------------------------------------- wait

// waitReady polls until every service answers and the agents that do the
// work (nova-compute with its hypervisor, cinder-volume) report up.
func waitReady(ctx context.Context, pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts) error {
	var last []string
	lastPrint := time.Time{}
	for {
		problems := readiness(ctx, pc, eo)
		if len(problems) == 0 {
			logf("wait: all services ready")
			return nil
		}
		if time.Since(lastPrint) > 15*time.Second || !slices.Equal(problems, last) {
			logf("wait: not ready yet: %s", strings.Join(problems, "; "))
			last, lastPrint = problems, time.Now()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("services not ready: %s", strings.Join(problems, "; "))
		case <-time.After(2 * time.Second):
		}
	}
}

func readiness(ctx context.Context, pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts) []string {
	var problems []string
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	compute, err := openstack.NewComputeV2(pc, eo)
	if err != nil {
		return []string{"catalog: " + err.Error()}
	}
	if pages, err := novaservices.List(compute, nil).AllPages(cctx); err != nil {
		problems = append(problems, "nova os-services: "+short(err))
	} else {
		svcs, _ := novaservices.ExtractServices(pages)
		up := map[string]bool{}
		for _, s := range svcs {
			if s.State == "up" && s.Status == "enabled" && !s.UpdatedAt.Before(since.Time) {
				up[s.Binary] = true
			}
		}
		for _, b := range []string{"nova-conductor", "nova-scheduler", "nova-compute"} {
			if !up[b] {
				problems = append(problems, b+" not up")
			}
		}
	}
	if pages, err := hypervisors.List(compute, nil).AllPages(cctx); err != nil {
		problems = append(problems, "nova os-hypervisors: "+short(err))
	} else if hs, _ := hypervisors.ExtractHypervisors(pages); len(hs) == 0 {
		problems = append(problems, "no hypervisor registered")
	}
	volume, err := openstack.NewBlockStorageV3(pc, eo)
	if err != nil {
		return append(problems, "catalog: "+err.Error())
	}
	if pages, err := bsservices.List(volume, nil).AllPages(cctx); err != nil {
		problems = append(problems, "cinder os-services: "+short(err))
	} else {
		svcs, _ := bsservices.ExtractServices(pages)
		up := map[string]bool{}
		for _, s := range svcs {
			if s.State == "up" && s.Status == "enabled" && !s.UpdatedAt.Before(since.Time) {
				up[s.Binary] = true
			}
		}
		for _, b := range []string{"cinder-scheduler", "cinder-volume", "cinder-backup"} {
			if !up[b] {
				problems = append(problems, b+" not up")
			}
		}
	}
	image, err := openstack.NewImageV2(pc, eo)
	if err != nil {
		return append(problems, "catalog: "+err.Error())
	}
	if err := images.List(image, images.ListOpts{Limit: 1}).EachPage(cctx, func(context.Context, pagination.Page) (bool, error) { return false, nil }); err != nil {
		problems = append(problems, "glance: "+short(err))
	}
	network, err := openstack.NewNetworkV2(pc, eo)
	if err != nil {
		return append(problems, "catalog: "+err.Error())
	}
	if _, err := networks.List(network, networks.ListOpts{Limit: 1}).AllPages(cctx); err != nil {
		problems = append(problems, "neutron: "+short(err))
	}
	return problems
}

// ------------------------------------------------------------------- seed

type clients struct {
	identity, compute, image, volume, network *gophercloud.ServiceClient
}

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

func ptr[T any](v T) *T { return &v }

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

// seedFlavors creates all scs-0103 standard flavors (the mandatory and the
// recommended ones) with their scs: extra specs, public.
func seedFlavors(ctx context.Context, compute *gophercloud.ServiceClient) error {
	pages, err := flavors.ListDetail(compute, flavors.ListOpts{AccessType: flavors.AllAccess}).AllPages(ctx)
	if err != nil {
		return err
	}
	existing, err := flavors.ExtractFlavors(pages)
	if err != nil {
		return err
	}
	byName := map[string]flavors.Flavor{}
	for _, f := range existing {
		byName[f.Name] = f
	}
	created := 0
	for _, sf := range scs.StandardFlavors() {
		f, ok := byName[sf.Name]
		if ok && (f.VCPUs != sf.VCPUs || f.RAM != sf.RAMMiB || f.Disk != sf.DiskGB) {
			return fmt.Errorf("flavor %s exists with %d vCPUs, %d MiB, %d GB; want %d, %d, %d",
				sf.Name, f.VCPUs, f.RAM, f.Disk, sf.VCPUs, sf.RAMMiB, sf.DiskGB)
		}
		if !ok {
			nf, err := flavors.Create(ctx, compute, flavors.CreateOpts{
				Name: sf.Name, VCPUs: sf.VCPUs, RAM: sf.RAMMiB, Disk: ptr(sf.DiskGB), IsPublic: ptr(true),
			}).Extract()
			if err != nil {
				return fmt.Errorf("create %s: %w", sf.Name, err)
			}
			f, created = *nf, created+1
		}
		have, err := flavors.ListExtraSpecs(ctx, compute, f.ID).Extract()
		if err != nil {
			return fmt.Errorf("extra specs of %s: %w", sf.Name, err)
		}
		missing := flavors.ExtraSpecsOpts{}
		for k, v := range sf.ExtraSpecs {
			if have[k] != v {
				missing[k] = v
			}
		}
		if len(missing) > 0 {
			if _, err := flavors.CreateExtraSpecs(ctx, compute, f.ID, missing).Extract(); err != nil {
				return fmt.Errorf("set extra specs of %s: %w", sf.Name, err)
			}
		}
		if err := sf.Check(f.VCPUs, f.RAM, f.Disk, mergeSpecs(have, missing)); err != nil {
			return err
		}
	}
	logf("flavors: %d standard flavors, %d created", len(scs.StandardFlavors()), created)
	return nil
}

func mergeSpecs(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// imageProperties are the scs-0102 properties of the standard image.
func imageProperties(buildDate string) map[string]string {
	return map[string]string{
		"architecture":              "x86_64",
		"hypervisor_type":           "qemu",
		"hw_disk_bus":               "scsi",
		"hw_scsi_model":             "virtio-scsi",
		"hw_rng_model":              "virtio",
		"hw_firmware_type":          "bios",
		"os_secure_boot":            "disabled",
		"hw_watchdog_action":        "reset",
		"hw_mem_encryption":         "False",
		"hw_pmu":                    "False",
		"hw_vif_multiqueue_enabled": "True",
		"os_distro":                 "ubuntu",
		"os_version":                "24.04",
		"os_purpose":                "generic",
		"image_build_date":          buildDate,
		"image_original_user":       "ubuntu",
		"image_source":              "https://cloud-images.ubuntu.com/releases/noble/release/ubuntu-24.04-server-cloudimg-amd64.img",
		"image_description":         "https://ubuntu.com/server/docs/cloud-images (fixture data of scs-migrate: a few MiB of test bytes in a 1 GiB qcow2, not bootable)",
		"replace_frequency":         "quarterly",
		"provided_until":            "none",
		"uuid_validity":             "last-3",
		"hotfix_hours":              "0",
	}
}

// seedImage uploads the public standard image: a qcow2 of 1 GiB virtual
// size holding a few MiB of deterministic bytes, with scs-0102 metadata.
func seedImage(ctx context.Context, image *gophercloud.ServiceClient, state string) error {
	pages, err := images.List(image, images.ListOpts{Name: imageName, Visibility: images.ImageVisibilityPublic}).AllPages(ctx)
	if err != nil {
		return err
	}
	found, err := images.ExtractImages(pages)
	if err != nil {
		return err
	}
	for _, im := range found {
		if im.Status == images.ImageStatusActive {
			return checkImage(im)
		}
		// An upload that died half-way: start again.
		logf("image %s %s is %s: deleting it", imageName, im.ID, im.Status)
		if err := images.Delete(ctx, image, im.ID).ExtractErr(); err != nil {
			return err
		}
	}
	file, err := makeImageFile(filepath.Join(state, "seed"))
	if err != nil {
		return err
	}
	im, err := images.Create(ctx, image, images.CreateOpts{
		Name: imageName, Visibility: ptr(images.ImageVisibilityPublic), DiskFormat: "qcow2", ContainerFormat: "bare",
		MinDisk: 1, MinRAM: 512, Properties: imageProperties(time.Now().UTC().Format("2006-01-02")),
	}).Extract()
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := imagedata.Upload(ctx, image, im.ID, f).ExtractErr(); err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	for {
		im, err = images.Get(ctx, image, im.ID).Extract()
		if err != nil {
			return err
		}
		if im.Status == images.ImageStatusActive {
			break
		}
		if im.Status == images.ImageStatusKilled || im.Status == images.ImageStatusDeleted {
			return fmt.Errorf("image %s went %s", im.ID, im.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("image %s stays %s: %w", im.ID, im.Status, ctx.Err())
		case <-time.After(time.Second):
		}
	}
	logf("image %s: %s, %d bytes, checksum %s", imageName, im.ID, im.SizeBytes, im.Checksum)
	return checkImage(*im)
}

// checkImage applies the scs-0102 test to the seeded image and fails on
// anything worse than a missing recommended property.
func checkImage(im images.Image) error {
	props := map[string]string{}
	for k, v := range im.Properties {
		if s, ok := v.(string); ok {
			props[k] = s
		}
	}
	for _, k := range []string{"os_hash_algo", "os_hash_value"} {
		if v, ok := im.Properties[k].(string); ok {
			props[k] = v
		}
	}
	var bad []string
	for _, f := range scs.CheckImageMetadata(im.Name, props, im.MinDiskGigabytes, im.MinRAMMegabytes, im.SizeBytes, im.CreatedAt, time.Now()) {
		if f.Severity != scs.SeverityInfo {
			bad = append(bad, f.String())
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("scs-0102: %s", strings.Join(bad, "; "))
	}
	return nil
}

// makeImageFile writes the standard image's qcow2 file (once) and returns
// its path: a raw 1 GiB disk with deterministic bytes in its first 4 MiB
// and 2 MiB in its middle, converted by qemu-img.
func makeImageFile(dir string) (string, error) {
	out := filepath.Join(dir, "ubuntu-24.04-fixture.qcow2")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	raw := filepath.Join(dir, "ubuntu-24.04-fixture.raw")
	f, err := os.Create(raw)
	if err != nil {
		return "", err
	}
	rng := rand.NewChaCha8([32]byte{'s', 'c', 's', '-', 'm', 'i', 'g', 'r', 'a', 't', 'e'})
	for _, chunk := range []struct{ off, n int64 }{{0, 4 << 20}, {512 << 20, 2 << 20}} {
		if _, err := f.Seek(chunk.off, io.SeekStart); err != nil {
			f.Close()
			return "", err
		}
		if _, err := io.CopyN(f, rng, chunk.n); err != nil {
			f.Close()
			return "", err
		}
	}
	if err := f.Truncate(1 << 30); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	defer os.Remove(raw)
	tmp := out + ".tmp"
	cmd := exec.CommandContext(context.Background(), "qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, tmp)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("qemu-img convert: %v: %s", err, b)
	}
	return out, os.Rename(tmp, out)
}

func seedVolumeTypes(ctx context.Context, volume *gophercloud.ServiceClient) error {
	pages, err := volumetypes.List(volume, volumetypes.ListOpts{IsPublic: volumetypes.VisibilityDefault}).AllPages(ctx)
	if err != nil {
		return err
	}
	existing, err := volumetypes.ExtractVolumeTypes(pages)
	if err != nil {
		return err
	}
	for _, vt := range volumeTypes {
		i := slices.IndexFunc(existing, func(e volumetypes.VolumeType) bool { return e.Name == vt.name })
		if i >= 0 {
			if existing[i].Description != vt.description {
				if _, err := volumetypes.Update(ctx, volume, existing[i].ID, volumetypes.UpdateOpts{Description: ptr(vt.description)}).Extract(); err != nil {
					return fmt.Errorf("update %s: %w", vt.name, err)
				}
			}
			continue
		}
		if _, err := volumetypes.Create(ctx, volume, volumetypes.CreateOpts{Name: vt.name, Description: vt.description, IsPublic: ptr(true)}).Extract(); err != nil {
			return fmt.Errorf("create %s: %w", vt.name, err)
		}
		logf("created volume type %s", vt.name)
	}
	for _, vt := range volumeTypes {
		if _, _, err := scs.ParseVolumeTypeAspects(vt.description); err != nil {
			return err
		}
	}
	return nil
}

// providerNetwork adds the provider attributes of a flat external network.
type providerNetwork struct {
	networks.CreateOpts
}

func (o providerNetwork) ToNetworkCreateMap() (map[string]any, error) {
	m, err := o.CreateOpts.ToNetworkCreateMap()
	if err != nil {
		return nil, err
	}
	n := m["network"].(map[string]any)
	n["router:external"] = true
	n["provider:network_type"] = "flat"
	n["provider:physical_network"] = "public"
	return m, nil
}

func seedExternalNetwork(ctx context.Context, network *gophercloud.ServiceClient) error {
	pages, err := networks.List(network, networks.ListOpts{Name: externalNetwork}).AllPages(ctx)
	if err != nil {
		return err
	}
	found, err := networks.ExtractNetworks(pages)
	if err != nil {
		return err
	}
	var netID string
	if len(found) > 0 {
		netID = found[0].ID
	} else {
		n, err := networks.Create(ctx, network, providerNetwork{networks.CreateOpts{
			Name: externalNetwork, AdminStateUp: ptr(true), Shared: ptr(false), Description: "floating IPs (fixture: no data plane)",
		}}).Extract()
		if err != nil {
			return fmt.Errorf("create network: %w", err)
		}
		netID = n.ID
		logf("created external network %s", externalNetwork)
	}
	spages, err := subnets.List(network, subnets.ListOpts{NetworkID: netID}).AllPages(ctx)
	if err != nil {
		return err
	}
	subs, err := subnets.ExtractSubnets(spages)
	if err != nil {
		return err
	}
	if len(subs) > 0 {
		return nil
	}
	gw := "203.0.113.1"
	_, err = subnets.Create(ctx, network, subnets.CreateOpts{
		NetworkID: netID, Name: externalSubnet, CIDR: floatingCIDR, IPVersion: gophercloud.IPv4, GatewayIP: &gw,
		EnableDHCP:      ptr(false),
		AllocationPools: []subnets.AllocationPool{{Start: "203.0.113.10", End: "203.0.113.250"}},
	}).Extract()
	if err != nil {
		return fmt.Errorf("create subnet: %w", err)
	}
	logf("created subnet %s %s", externalSubnet, floatingCIDR)
	return nil
}

// writeCloudsYAML writes the tenants' clouds.yaml (mode 0600).
func writeCloudsYAML(path, authURL, password string) error {
	var b strings.Builder
	b.WriteString("# Written by hack/openstack/bootstrap: the tenants of the local OpenStack fixture.\nclouds:\n")
	names := slices.Clone(tenants)
	sort.Strings(names)
	for _, t := range names {
		fmt.Fprintf(&b, `  %s:
    auth_type: password
    auth:
      auth_url: %s
      username: %s
      password: %q
      project_name: %s
      user_domain_name: %s
      project_domain_name: %s
    region_name: %s
    interface: public
    identity_api_version: 3
`, t, authURL, t, password, t, domain, domain, region)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ------------------------------------------------------------------ misc

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bootstrap %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func short(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
