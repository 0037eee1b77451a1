package network

import (
	"errors"
	"fmt"
	"net/netip"
)

// Bulk is what SeedBulk makes in Neutron for one project.
type Bulk struct {
	Project, ExternalNetwork                 string
	Networks, Routers, SecurityGroups, Rules int
	Ports, FloatingIPs                       int
	// Name is the name of the i-th resource of a kind.
	Name func(kind string, i, count int) string
}

// BulkServer is a server SeedBulk plugs ports into.
type BulkServer struct{ ID, AZ string }

// BulkPort is a port plugged into server Server (an index).
type BulkPort struct {
	Server            int
	PortID, NetworkID string
}

// BulkSeed builds the Neutron part of one bulk spec with the cloud lock
// held, in steps the top-level seeder interleaves with Nova's.
type BulkSeed struct {
	s    *Room
	spec Bulk
	ext  *network

	networks []*network
	subnets  []*subnet
	routers  []*router // of subnet i: routers[i % len]
	groups   []*secGroup
	// firstPort is each server's first port, for floating IPs.
	firstPort []*port
	// Ports counts the ports made (DHCP, router interfaces, servers'),
	// FloatingIPs the floating IPs once all are made.
	Ports, FloatingIPs int
}

// bulkSubnetCIDR is the CIDR of the i-th bulk subnet: /24s counted up
// from 10.128.0.0, clear of the 10.x ranges fixtures use.
func bulkSubnetCIDR(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(128 + i>>8), byte(i), 0}), 24)
}

// bulkPortsPerSubnet is how many ports fit on a bulk /24 besides its
// DHCP port (the router takes the gateway, outside the pool).
const bulkPortsPerSubnet = 253 - 1

// CheckBulk checks that the spec's ports fit on its networks.
func CheckBulk(spec Bulk) error {
	if spec.Networks > 0 && (spec.Ports+spec.Networks-1)/spec.Networks > bulkPortsPerSubnet {
		return fmt.Errorf("ports: more than %d per network do not fit in a /24", bulkPortsPerSubnet)
	}
	return nil
}

// PrepareBulkLocked resolves the external network, grown (once) so that
// the spec's router gateways and floating IPs fit; it is the last check
// before anything is created.
func (s *Room) PrepareBulkLocked(spec Bulk) (*BulkSeed, error) {
	b := &BulkSeed{s: s, spec: spec}
	if spec.Routers+spec.FloatingIPs > 0 {
		var err error
		if b.ext, err = b.externalNetwork(); err != nil {
			return nil, fmt.Errorf("external network: %w", err)
		}
	}
	return b, nil
}

// Counts are what the seed made: networks, subnets, routers, groups, rules.
func (b *BulkSeed) Counts() (networks, subnets, routers, groups, rules int) {
	return len(b.networks), len(b.subnets), len(b.routers), len(b.groups), len(b.groups) * (2 + b.spec.Rules)
}

// GroupName is the name of the security group of server j, "" without groups.
func (b *BulkSeed) GroupName(j int) string {
	if len(b.groups) == 0 {
		return ""
	}
	return b.groupOf(j).Name
}

// seedNetworks creates the networks, each with one subnet and the DHCP
// port the DHCP agent would add.
func (b *BulkSeed) SeedNetworks() error {
	ns := b.s
	ns.ensureDefaultSGLocked(b.spec.Project)
	for i := range b.spec.Networks {
		n := &network{stdAttrs: newStdAttrs(b.spec.Project, b.s.c.Now()), Name: b.spec.Name("net", i, b.spec.Networks),
			AdminStateUp: true, MTU: tenantMTU, PortSecurity: true}
		cidr := bulkSubnetCIDR(i)
		gw := cidr.Addr().Next()
		sn := &subnet{stdAttrs: newStdAttrs(b.spec.Project, b.s.c.Now()), Name: b.spec.Name("subnet", i, b.spec.Networks),
			NetworkID: n.ID, CIDR: cidr, Gateway: gw, Pools: defaultPools(cidr, gw), EnableDHCP: true}
		ns.networks[n.ID] = n
		ns.subnets[sn.ID] = sn
		n.Subnets = append(n.Subnets, sn.ID)
		n.touch(b.s.c.Now())
		ns.syncDHCPLocked(n)
		b.networks = append(b.networks, n)
		b.subnets = append(b.subnets, sn)
	}
	b.Ports += len(b.networks) // the DHCP ports
	return nil
}

// seedRouters creates the routers with their gateways and plugs every
// subnet into one of them at its gateway address.
func (b *BulkSeed) SeedRouters() error {
	if b.spec.Routers == 0 {
		return nil
	}
	ns, ext := b.s, b.ext
	for i := range b.spec.Routers {
		rt := &router{stdAttrs: newStdAttrs(b.spec.Project, b.s.c.Now()), Name: b.spec.Name("router", i, b.spec.Routers), AdminStateUp: true}
		gw, err := ns.newPortLocked(portSpec{Network: ext, AdminStateUp: true, DeviceID: rt.ID,
			DeviceOwner: ownerRouterGateway, Status: "ACTIVE", NoSecurityGroups: true})
		if err != nil {
			return err
		}
		rt.GatewayNet, rt.GatewayPort, rt.EnableSNAT = ext.ID, gw.ID, true
		ns.routers[rt.ID] = rt
		b.routers = append(b.routers, rt)
	}
	for i, sn := range b.subnets {
		rt := b.routers[i%len(b.routers)]
		if _, err := ns.newPortLocked(portSpec{ProjectID: b.spec.Project, Network: b.networks[i], AdminStateUp: true,
			DeviceID: rt.ID, DeviceOwner: ownerRouterInterface, Status: "ACTIVE", NoSecurityGroups: true,
			FixedIPs: []fixedIPReq{{SubnetID: sn.ID, IPAddress: sn.Gateway.String()}}}); err != nil {
			return err
		}
		rt.touch(b.s.c.Now())
		b.Ports++
	}
	return nil
}

// seedGroups creates the security groups: Neutron's two egress rules,
// then TCP ingress rules on ports 1000, 1001, …, the first from the
// previous group (the first group: from itself), the others from
// 10.0.0.0/8.
func (b *BulkSeed) SeedGroups() error {
	ns := b.s
	for i := range b.spec.SecurityGroups {
		g := &secGroup{stdAttrs: newStdAttrs(b.spec.Project, b.s.c.Now()), Name: b.spec.Name("sg", i, b.spec.SecurityGroups), Stateful: true}
		g.Description = "bulk security group"
		ns.groups[g.ID] = g
		b.groups = append(b.groups, g)
		for _, eth := range []string{"IPv4", "IPv6"} {
			ns.addRuleLocked(&sgRule{GroupID: g.ID, Direction: "egress", Ethertype: eth})
		}
		remote := b.groups[max(i-1, 0)].ID
		for r := range b.spec.Rules {
			lo, hi := 1000+r, 1000+r
			rule := &sgRule{GroupID: g.ID, Direction: "ingress", Ethertype: "IPv4", Protocol: "tcp", PortMin: &lo, PortMax: &hi}
			if r == 0 {
				rule.RemoteGroup = remote
			} else {
				rule.RemoteIP = "10.0.0.0/8"
			}
			ns.addRuleLocked(rule)
		}
	}
	return nil
}

// SeedPorts creates the ports Nova would have made for the servers and
// binds them; without servers the ports are the user's, unbound. It
// returns the server ports for Nova to record.
func (b *BulkSeed) SeedPorts(servers []BulkServer) ([]BulkPort, error) {
	ns := b.s
	var out []BulkPort
	b.firstPort = make([]*port, len(servers))
	for k := range b.spec.Ports {
		n := b.networks[k%len(b.networks)]
		spec := portSpec{ProjectID: b.spec.Project, Network: n, AdminStateUp: true}
		if len(servers) > 0 {
			if len(b.groups) > 0 {
				spec.SecurityGroups = &[]string{b.groupOf(k % len(servers)).ID}
			}
		} else {
			spec.Name = b.spec.Name("port", k, b.spec.Ports)
		}
		p, err := ns.newPortLocked(spec)
		if err != nil {
			return out, err
		}
		b.Ports++
		if len(servers) == 0 {
			continue
		}
		j := k % len(servers)
		if err := ns.BindPortLocked(p.ID, servers[j].ID, servers[j].AZ); err != nil {
			return out, err
		}
		out = append(out, BulkPort{Server: j, PortID: p.ID, NetworkID: n.ID})
		if b.firstPort[j] == nil {
			b.firstPort[j] = p
		}
	}
	return out, nil
}

// groupOf is the security group of server j.
func (b *BulkSeed) groupOf(j int) *secGroup { return b.groups[j%len(b.groups)] }

// seedFloatingIPs allocates the floating IPs and associates each with the
// first port of the server of its number, through that port's router.
func (b *BulkSeed) SeedFloatingIPs() error {
	if b.spec.FloatingIPs == 0 {
		return nil
	}
	ns, ext := b.s, b.ext
	for k := range b.spec.FloatingIPs {
		f := &floatingIP{stdAttrs: newStdAttrs(b.spec.Project, b.s.c.Now()), NetworkID: ext.ID, Status: "DOWN"}
		if err := ns.takeFIPAddressLocked(ext, f, ""); err != nil {
			return err
		}
		if k < len(b.firstPort) && b.firstPort[k] != nil && len(b.routers) > 0 {
			b.associate(f, b.firstPort[k])
		}
		ns.fips[f.ID] = f
	}
	b.FloatingIPs = b.spec.FloatingIPs
	return nil
}

// associate points f at the port's fixed IPv4 address, through the
// router its subnet is plugged into, as the L3 agent leaves it: ACTIVE.
func (b *BulkSeed) associate(f *floatingIP, p *port) {
	ip := p.FixedIPs[0]
	for i, sn := range b.subnets {
		if sn.ID == ip.SubnetID {
			f.PortID, f.FixedIP, f.RouterID = p.ID, ip.IPAddress, b.routers[i%len(b.routers)].ID
			f.Status = "ACTIVE"
			f.touch(b.s.c.Now())
			return
		}
	}
}

// bulkExternalCIDR is the subnet SeedBulk adds to the external network
// when router gateways and floating IPs outgrow it: a part of
// 198.18.0.0/15, the range RFC 2544 sets aside for benchmarks.
const bulkExternalCIDR = "198.19.0.0/16"

// externalNetwork is the provider's external network, grown (once) so
// that the gateways of the routers and the floating IPs of the spec fit.
func (b *BulkSeed) externalNetwork() (*network, error) {
	ns := b.s
	var ext *network
	for _, n := range ns.networks {
		if n.External && n.ProjectID == ns.adminProject && (ext == nil || n.Name == b.spec.ExternalNetwork) {
			ext = n
		}
	}
	if ext == nil {
		return nil, errors.New("the cloud has no external network")
	}
	need := b.spec.FloatingIPs + b.spec.Routers
	if ns.freeAddressesLocked(ext) < need {
		if err := ns.growExternalLocked(ext); err != nil {
			return nil, err
		}
		if free := ns.freeAddressesLocked(ext); free < need {
			return nil, fmt.Errorf("external network %s has %d free addresses, %d needed", ext.Name, free, need)
		}
	}
	return ext, nil
}

// freeAddressesLocked counts the free addresses in the allocation pools
// of a network's IPv4 subnets.
func (s *Room) freeAddressesLocked(n *network) int {
	used := s.usedIPs(n, &port{})
	free := 0
	for _, id := range n.Subnets {
		sn := s.subnets[id]
		if sn == nil || sn.version() != 4 {
			continue
		}
		for _, p := range sn.Pools {
			free += int(be32(p.End.As4())-be32(p.Start.As4())) + 1
			for a := range used {
				if p.contains(a) {
					free--
				}
			}
		}
	}
	return free
}

func be32(b [4]byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// growExternalLocked adds bulkExternalCIDR to the external network, as a
// provider adds a subnet to a floating IP network that runs full.
func (s *Room) growExternalLocked(ext *network) error {
	cidr := netip.MustParsePrefix(bulkExternalCIDR)
	for _, id := range ext.Subnets {
		if sn := s.subnets[id]; sn != nil && sn.CIDR.Overlaps(cidr) {
			return fmt.Errorf("external network %s already has %s", ext.Name, cidr)
		}
	}
	sn := &subnet{stdAttrs: newStdAttrs(s.adminProject, s.c.Now()), Name: ext.Name + "-bulk-subnet",
		NetworkID: ext.ID, CIDR: cidr, Gateway: cidr.Addr().Next(),
		Pools: []ipRange{{addrAdd(cidr.Addr(), 10), lastAddr(cidr).Prev()}}}
	s.subnets[sn.ID] = sn
	ext.Subnets = append(ext.Subnets, sn.ID)
	ext.touch(s.c.Now())
	return nil
}
