package sim

import (
	"errors"
	"fmt"
	"net/netip"
)

// bulkSubnetCIDR is the CIDR of the i-th bulk subnet: /24s counted up
// from 10.128.0.0, clear of the 10.x ranges fixtures use.
func bulkSubnetCIDR(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(128 + i>>8), byte(i), 0}), 24)
}

// seedNetworks creates the networks, each with one subnet and the DHCP
// port the DHCP agent would add.
func (b *bulkSeeder) seedNetworks() error {
	ns := b.c.network
	ns.ensureDefaultSGLocked(b.project)
	for i := range b.spec.Networks {
		n := &network{nStdAttrs: newNStdAttrs(b.project, b.c.Now()), Name: b.name("net", i, b.spec.Networks),
			AdminStateUp: true, MTU: nTenantMTU, PortSecurity: true}
		cidr := bulkSubnetCIDR(i)
		gw := cidr.Addr().Next()
		sn := &subnet{nStdAttrs: newNStdAttrs(b.project, b.c.Now()), Name: b.name("subnet", i, b.spec.Networks),
			NetworkID: n.ID, CIDR: cidr, Gateway: gw, Pools: nDefaultPools(cidr, gw), EnableDHCP: true}
		ns.networks[n.ID] = n
		ns.subnets[sn.ID] = sn
		n.Subnets = append(n.Subnets, sn.ID)
		n.touch(b.c.Now())
		ns.syncDHCPLocked(n)
		b.networks = append(b.networks, n)
		b.subnets = append(b.subnets, sn)
	}
	b.res.Networks, b.res.Subnets = len(b.networks), len(b.subnets)
	b.res.Ports += len(b.networks) // the DHCP ports
	return nil
}

// seedRouters creates the routers with their gateways and plugs every
// subnet into one of them at its gateway address.
func (b *bulkSeeder) seedRouters() error {
	if b.spec.Routers == 0 {
		return nil
	}
	ns, ext := b.c.network, b.ext
	for i := range b.spec.Routers {
		rt := &router{nStdAttrs: newNStdAttrs(b.project, b.c.Now()), Name: b.name("router", i, b.spec.Routers), AdminStateUp: true}
		gw, err := ns.newPortLocked(nPortSpec{Network: ext, AdminStateUp: true, DeviceID: rt.ID,
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
		if _, err := ns.newPortLocked(nPortSpec{ProjectID: b.project, Network: b.networks[i], AdminStateUp: true,
			DeviceID: rt.ID, DeviceOwner: ownerRouterInterface, Status: "ACTIVE", NoSecurityGroups: true,
			FixedIPs: []nFixedIPReq{{SubnetID: sn.ID, IPAddress: sn.Gateway.String()}}}); err != nil {
			return err
		}
		rt.touch(b.c.Now())
		b.res.Ports++
	}
	b.res.Routers = len(b.routers)
	return nil
}

// seedGroups creates the security groups: Neutron's two egress rules,
// then TCP ingress rules on ports 1000, 1001, …, the first from the
// previous group (the first group: from itself), the others from
// 10.0.0.0/8.
func (b *bulkSeeder) seedGroups() error {
	ns := b.c.network
	for i := range b.spec.SecurityGroups {
		g := &secGroup{nStdAttrs: newNStdAttrs(b.project, b.c.Now()), Name: b.name("sg", i, b.spec.SecurityGroups), Stateful: true}
		g.Description = "bulk security group"
		ns.groups[g.ID] = g
		b.groups = append(b.groups, g)
		for _, eth := range []string{"IPv4", "IPv6"} {
			ns.addRuleLocked(&sgRule{GroupID: g.ID, Direction: "egress", Ethertype: eth})
		}
		remote := b.groups[max(i-1, 0)].ID
		for r := range b.spec.RulesPerGroup {
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
	b.res.SecurityGroups = len(b.groups)
	b.res.SecurityGroupRules = len(b.groups) * (2 + b.spec.RulesPerGroup)
	return nil
}

// seedPorts creates the ports Nova would have made for the servers and
// binds them; without servers the ports are the user's, unbound.
func (b *bulkSeeder) seedPorts() error {
	ns := b.c.network
	b.firstPort = make([]*port, len(b.servers))
	for k := range b.spec.Ports {
		n := b.networks[k%len(b.networks)]
		spec := nPortSpec{ProjectID: b.project, Network: n, AdminStateUp: true}
		var srv *novaServer
		if len(b.servers) > 0 {
			srv = b.servers[k%len(b.servers)]
			if len(b.groups) > 0 {
				spec.SecurityGroups = &[]string{b.groupOf(k % len(b.servers)).ID}
			}
		} else {
			spec.Name = b.name("port", k, b.spec.Ports)
		}
		p, err := ns.newPortLocked(spec)
		if err != nil {
			return err
		}
		b.res.Ports++
		if srv == nil {
			continue
		}
		if err := ns.bindPortLocked(p.ID, srv.ID, srv.AZ); err != nil {
			return err
		}
		srv.Ports = append(srv.Ports, &serverPort{PortID: p.ID, NetworkID: n.ID, Created: true})
		if j := k % len(b.servers); b.firstPort[j] == nil {
			b.firstPort[j] = p
		}
	}
	return nil
}

// groupOf is the security group of server j.
func (b *bulkSeeder) groupOf(j int) *secGroup { return b.groups[j%len(b.groups)] }

// seedFloatingIPs allocates the floating IPs and associates each with the
// first port of the server of its number, through that port's router.
func (b *bulkSeeder) seedFloatingIPs() error {
	if b.spec.FloatingIPs == 0 {
		return nil
	}
	ns, ext := b.c.network, b.ext
	for k := range b.spec.FloatingIPs {
		f := &floatingIP{nStdAttrs: newNStdAttrs(b.project, b.c.Now()), NetworkID: ext.ID, Status: "DOWN"}
		if err := ns.takeFIPAddressLocked(ext, f, ""); err != nil {
			return err
		}
		if k < len(b.firstPort) && b.firstPort[k] != nil && len(b.routers) > 0 {
			b.associate(f, b.firstPort[k])
		}
		ns.fips[f.ID] = f
	}
	b.res.FloatingIPs = b.spec.FloatingIPs
	return nil
}

// associate points f at the port's fixed IPv4 address, through the
// router its subnet is plugged into, as the L3 agent leaves it: ACTIVE.
func (b *bulkSeeder) associate(f *floatingIP, p *port) {
	ip := p.FixedIPs[0]
	for i, sn := range b.subnets {
		if sn.ID == ip.SubnetID {
			f.PortID, f.FixedIP, f.RouterID = p.ID, ip.IPAddress, b.routers[i%len(b.routers)].ID
			f.Status = "ACTIVE"
			f.touch(b.c.Now())
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
func (b *bulkSeeder) externalNetwork() (*network, error) {
	ns := b.c.network
	var ext *network
	for _, n := range ns.networks {
		if n.External && n.ProjectID == ns.adminProject && (ext == nil || n.Name == b.c.Profile().ExternalNetwork) {
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
func (s *networkService) freeAddressesLocked(n *network) int {
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
func (s *networkService) growExternalLocked(ext *network) error {
	cidr := netip.MustParsePrefix(bulkExternalCIDR)
	for _, id := range ext.Subnets {
		if sn := s.subnets[id]; sn != nil && sn.CIDR.Overlaps(cidr) {
			return fmt.Errorf("external network %s already has %s", ext.Name, cidr)
		}
	}
	sn := &subnet{nStdAttrs: newNStdAttrs(s.adminProject, s.c.Now()), Name: ext.Name + "-bulk-subnet",
		NetworkID: ext.ID, CIDR: cidr, Gateway: cidr.Addr().Next(),
		Pools: []nIPRange{{nAddrAdd(cidr.Addr(), 10), nLastAddr(cidr).Prev()}}}
	s.subnets[sn.ID] = sn
	ext.Subnets = append(ext.Subnets, sn.ID)
	ext.touch(s.c.Now())
	return nil
}
