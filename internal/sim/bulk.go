package sim

import (
	"errors"
	"fmt"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/compute"
	"github.com/scs-migrate/scs-migrate/internal/sim/network"
	"github.com/scs-migrate/scs-migrate/internal/sim/volume"
)

// BulkSpec says how many resources of each kind SeedBulk adds to a
// project: a big tenant for benchmarks and load tests. Zero makes none of
// a kind. It is also the `bulk:` section of a tenant fixture.
type BulkSpec struct {
	// Prefix starts every name ("bulk" when empty): bulk-net-0001, …
	Prefix string `yaml:"prefix"`
	// Networks each get one IPv4 /24 subnet (from 10.128.0.0/9) with DHCP,
	// and so a DHCP port.
	Networks int `yaml:"networks"`
	// Routers have a gateway on the provider's external network; subnet i
	// is an interface of router i mod Routers.
	Routers int `yaml:"routers"`
	// SecurityGroups each have RulesPerGroup ingress rules besides the two
	// egress rules Neutron gives every group.
	SecurityGroups int `yaml:"securityGroups"`
	RulesPerGroup  int `yaml:"rulesPerGroup"`
	// Keypairs belong to the project's user; server j uses keypair j mod
	// Keypairs.
	Keypairs int `yaml:"keypairs"`
	// Servers are ACTIVE at once, booted from Image with Flavor, with a
	// sparse, empty root disk (no bytes copied), in the security group j
	// mod SecurityGroups.
	Servers int `yaml:"servers"`
	// Ports are made by Nova for the servers: port k is on network k mod
	// Networks and plugged into server k mod Servers (unbound when there
	// are no servers).
	Ports int `yaml:"ports"`
	// Volumes are empty and sparse, of VolumeSizeGB (1 when 0) and
	// VolumeType (the default type when ""); volume k is attached to
	// server k while there are servers, the rest are available.
	Volumes      int    `yaml:"volumes"`
	VolumeSizeGB int    `yaml:"volumeSizeGB"`
	VolumeType   string `yaml:"volumeType"`
	// FloatingIPs come from the external network (which grows a subnet
	// when its own is too small); floating IP k is associated with the
	// first port of server k when that port's subnet has a router.
	FloatingIPs int `yaml:"floatingIPs"`
	// Flavor and Image are names (default SCS-1V-2-5 and Ubuntu 24.04).
	Flavor string `yaml:"flavor"`
	Image  string `yaml:"image"`
}

// bulkMaxNetworks is how many /24 subnets 10.128.0.0/9 holds.
const bulkMaxNetworks = 1 << 15

// withDefaults fills the optional fields.
func (b BulkSpec) withDefaults() BulkSpec {
	if b.Prefix == "" {
		b.Prefix = "bulk"
	}
	if b.VolumeSizeGB == 0 {
		b.VolumeSizeGB = 1
	}
	if b.Flavor == "" {
		b.Flavor = "SCS-1V-2-5"
	}
	if b.Image == "" {
		b.Image = "Ubuntu 24.04"
	}
	return b
}

// validate checks the counts; errors name the field as the fixture
// spells it.
func (b BulkSpec) validate() error {
	for _, c := range []struct {
		name string
		n    int
	}{
		{"networks", b.Networks}, {"routers", b.Routers}, {"securityGroups", b.SecurityGroups},
		{"rulesPerGroup", b.RulesPerGroup}, {"keypairs", b.Keypairs}, {"servers", b.Servers},
		{"ports", b.Ports}, {"volumes", b.Volumes}, {"volumeSizeGB", b.VolumeSizeGB}, {"floatingIPs", b.FloatingIPs},
	} {
		if c.n < 0 {
			return fmt.Errorf("%s: %d is negative", c.name, c.n)
		}
	}
	switch {
	case b.Networks > bulkMaxNetworks:
		return fmt.Errorf("networks: at most %d", bulkMaxNetworks)
	case b.Ports > 0 && b.Networks == 0:
		return errors.New("ports: need networks to be on")
	case b.RulesPerGroup > 0 && b.SecurityGroups == 0:
		return errors.New("rulesPerGroup: need securityGroups")
	case b.RulesPerGroup > 60000:
		return errors.New("rulesPerGroup: at most 60000")
	}
	return nil
}

// BulkResult counts what SeedBulk created.
type BulkResult struct {
	Networks, Subnets, Routers int
	// Ports counts the ports the project sees: the servers' ports, the
	// DHCP ports and the router interfaces.
	Ports                              int
	SecurityGroups, SecurityGroupRules int
	Keypairs, Servers                  int
	Volumes, Attachments               int
	FloatingIPs                        int
	// Elapsed is how long SeedBulk held the cloud.
	Elapsed time.Duration
}

// Total is the number of resources created, all kinds together
// (attachments are not resources of their own).
func (r BulkResult) Total() int {
	return r.Networks + r.Subnets + r.Routers + r.Ports + r.SecurityGroups + r.SecurityGroupRules +
		r.Keypairs + r.Servers + r.Volumes + r.FloatingIPs
}

// SeedBulk creates spec's resources in the named project directly in the
// cloud's state, in one go under the lock: no API calls, no asynchronous
// transitions, no quota checks (usage counts them all the same). What it
// builds is what the API would have built: ports bound to their servers,
// volume attachments recorded in Nova and Cinder, DHCP and router ports,
// floating IPs on their routers. Tens of thousands of resources take
// seconds, so benchmarks and load tests can have a big tenant at once.
func (c *Cloud) SeedBulk(projectName string, spec BulkSpec) (BulkResult, error) {
	spec = spec.withDefaults()
	if err := spec.validate(); err != nil {
		return BulkResult{}, fmt.Errorf("bulk spec: %w", err)
	}
	start := time.Now() // wall clock: how long seeding took
	c.Lock()
	defer c.Unlock()
	project := c.identity.ProjectIDLocked(projectName)
	if project == "" {
		return BulkResult{}, fmt.Errorf("seed bulk: no project %q", projectName)
	}
	b := &bulkSeeder{c: c, spec: spec, project: project, user: c.identity.UserOfProjectLocked(project)}
	err := b.run()
	b.res.Elapsed = time.Since(start)
	if err != nil {
		return b.res, fmt.Errorf("seed bulk into %q: %w", projectName, err)
	}
	return b.res, nil
}

// bulkSeeder builds one BulkSpec with the cloud lock held.
type bulkSeeder struct {
	c             *Cloud
	spec          BulkSpec
	project, user string
	res           BulkResult

	// Resolved by prepare before anything is created.
	volType *volume.Type
	nova    *compute.BulkSeed // Nova's part
	net     *network.BulkSeed // Neutron's part
}

// run checks what could fail, then creates the kinds in dependency
// order, so that a refused spec leaves the cloud as it was.
func (b *bulkSeeder) run() error {
	if err := b.prepare(); err != nil {
		return err
	}
	steps := []struct {
		what string
		run  func() error
	}{
		{"networks", b.net.SeedNetworks},
		{"routers", b.net.SeedRouters},
		{"security groups", b.net.SeedGroups},
		{"keypairs", b.nova.SeedKeypairs},
		{"servers", func() error { return b.nova.SeedServers(b.net.GroupName) }},
		{"ports", b.seedPorts},
		{"volumes", b.seedVolumes},
		{"floating IPs", b.net.SeedFloatingIPs},
	}
	defer b.count()
	for _, st := range steps {
		if err := st.run(); err != nil {
			return fmt.Errorf("%s: %w", st.what, err)
		}
	}
	return nil
}

// count copies Nova's and Neutron's counts into the result.
func (b *bulkSeeder) count() {
	if b.net == nil {
		return
	}
	r := &b.res
	r.Keypairs, r.Servers = b.nova.Counts()
	r.Networks, r.Subnets, r.Routers, r.SecurityGroups, r.SecurityGroupRules = b.net.Counts()
	r.Ports, r.FloatingIPs = b.net.Ports, b.net.FloatingIPs
}

// prepare resolves the names the spec gives and checks that everything
// fits; only the external network may grow.
func (b *bulkSeeder) prepare() error {
	spec := network.Bulk{Project: b.project, ExternalNetwork: b.c.Profile().ExternalNetwork, Networks: b.spec.Networks,
		Routers: b.spec.Routers, SecurityGroups: b.spec.SecurityGroups, Rules: b.spec.RulesPerGroup,
		Ports: b.spec.Ports, FloatingIPs: b.spec.FloatingIPs, Name: b.name}
	if err := network.CheckBulk(spec); err != nil {
		return err
	}
	var err error
	b.nova, err = b.c.compute.PrepareBulkLocked(compute.Bulk{Project: b.project, User: b.user, Keypairs: b.spec.Keypairs,
		Servers: b.spec.Servers, Flavor: b.spec.Flavor, Image: b.spec.Image, Name: b.name}, b.c.image)
	if err != nil {
		return err
	}
	if b.spec.Volumes > 0 {
		vt, verr := b.c.volume.ResolveTypeLocked(b.spec.VolumeType)
		if verr != nil {
			return fmt.Errorf("volumes: %w", verr)
		}
		b.volType = vt
	}
	b.net, err = b.c.network.PrepareBulkLocked(spec)
	return err
}

// name is the name of the i-th resource of a kind, numbered from 1 and
// padded to the width of the count so that names sort in order.
func (b *bulkSeeder) name(kind string, i, count int) string {
	return fmt.Sprintf("%s-%s-%0*d", b.spec.Prefix, kind, len(fmt.Sprint(count)), i+1)
}
