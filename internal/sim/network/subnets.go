package network

import (
	"net/http"
	"net/netip"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// subnet is a Neutron subnet.
type subnet struct {
	stdAttrs
	Name, NetworkID string
	CIDR            netip.Prefix
	// Gateway is the gateway address; invalid means none (null).
	Gateway     netip.Addr
	Pools       []ipRange
	DNS         []string
	HostRoutes  []hostRoute
	EnableDHCP  bool
	AddressMode string // ipv6_address_mode, "" when unset
	RAMode      string // ipv6_ra_mode, "" when unset
}

// hostRoute is a route of a subnet's host_routes or of a router.
type hostRoute struct {
	Destination string `json:"destination"`
	NextHop     string `json:"nexthop"`
}

// autoAddress reports whether ports get SLAAC addresses on the subnet.
func (sn *subnet) autoAddress() bool {
	return sn.AddressMode == "slaac" || sn.AddressMode == "dhcpv6-stateless"
}

func (sn *subnet) version() int {
	if sn.CIDR.Addr().Is4() {
		return 4
	}
	return 6
}

const (
	maxDNSNameservers = 5
	maxHostRoutes     = 20
)

func (s *Room) subnetDoc(sn *subnet) map[string]any {
	pools := make([]map[string]any, len(sn.Pools))
	for i, p := range sn.Pools {
		pools[i] = p.doc()
	}
	Routes := make([]map[string]any, len(sn.HostRoutes))
	for i, r := range sn.HostRoutes {
		Routes[i] = map[string]any{"destination": r.Destination, "nexthop": r.NextHop}
	}
	return sn.fill(map[string]any{
		"name":              sn.Name,
		"network_id":        sn.NetworkID,
		"ip_version":        sn.version(),
		"cidr":              sn.CIDR.String(),
		"gateway_ip":        addrOrNil(sn.Gateway),
		"allocation_pools":  pools,
		"dns_nameservers":   append([]string{}, sn.DNS...),
		"host_routes":       Routes,
		"enable_dhcp":       sn.EnableDHCP,
		"ipv6_address_mode": core.StrOrNil(sn.AddressMode),
		"ipv6_ra_mode":      core.StrOrNil(sn.RAMode),
		"subnetpool_id":     nil,
		"service_types":     []string{},
		"segment_id":        nil,
	}, true)
}

func addrOrNil(a netip.Addr) any {
	if !a.IsValid() {
		return nil
	}
	return a.String()
}

func subnetNotFound(id string) error {
	return errorf(http.StatusNotFound, "SubnetNotFound", "Subnet %s could not be found.", id)
}

// findSubnet returns a subnet the project can see: its own, or one of a
// network it can see.
func (s *Room) findSubnet(projectID, id string) (*subnet, error) {
	sn := s.subnets[id]
	if sn == nil || (sn.ProjectID != projectID && !networkVisible(s.networks[sn.NetworkID], projectID)) {
		return nil, subnetNotFound(id)
	}
	return sn, nil
}

func (s *Room) listSubnets(q *request) (int, any, error) {
	var docs []map[string]any
	for _, sn := range s.subnets {
		if sn.ProjectID == q.Project() || networkVisible(s.networks[sn.NetworkID], q.Project()) {
			docs = append(docs, s.subnetDoc(sn))
		}
	}
	return q.list(s.c.URL(), "subnets", docs, subnetNotFound)
}

// listSubnetPools answers for a cloud without subnet pools.
func (s *Room) listSubnetPools(q *request) (int, any, error) {
	return q.list(s.c.URL(), "subnetpools", nil, func(id string) error {
		return errorf(http.StatusNotFound, "SubnetPoolNotFound", "Subnet pool %s could not be found.", id)
	})
}

func (s *Room) createSubnet(q *request) (int, any, error) {
	a, err := q.resource("subnet", "network_id", "name", "description", "cidr", "ip_version",
		"gateway_ip", "allocation_pools", "dns_nameservers", "host_routes", "enable_dhcp",
		"ipv6_address_mode", "ipv6_ra_mode", "subnetpool_id", "prefixlen", "use_default_subnetpool",
		"service_types", "segment_id")
	if err != nil {
		return 0, nil, err
	}
	if err := a.required("network_id", "ip_version"); err != nil {
		return 0, nil, err
	}
	sn, err := s.newSubnet(q, a)
	if err != nil {
		return 0, nil, err
	}
	if err := s.checkQuota(q.Project(), "subnet", 1); err != nil {
		return 0, nil, err
	}
	n := s.networks[sn.NetworkID]
	s.subnets[sn.ID] = sn
	n.Subnets = append(n.Subnets, sn.ID)
	n.touch(s.c.Now())
	if sn.autoAddress() {
		s.addAutoAddressesLocked(sn)
	}
	s.syncDHCPLocked(n)
	return http.StatusCreated, map[string]any{"subnet": s.subnetDoc(sn)}, nil
}

// newSubnet validates a create body into a subnet that is not stored yet.
func (s *Room) newSubnet(q *request, a attrs) (*subnet, error) {
	sn := &subnet{stdAttrs: newStdAttrs(q.Project(), s.c.Now()), EnableDHCP: true}
	var netID, cidr string
	var version int
	r := a.reader()
	r.str("network_id", 0, &netID)
	r.integer("ip_version", &version)
	r.str("name", 255, &sn.Name)
	r.str("description", 255, &sn.Description)
	r.boolean("enable_dhcp", &sn.EnableDHCP)
	r.optStr("ipv6_address_mode", &sn.AddressMode)
	r.optStr("ipv6_ra_mode", &sn.RAMode)
	r.optStr("cidr", &cidr)
	if r.err != nil {
		return nil, r.err
	}
	n, err := s.findNetwork(q.Project(), netID)
	if err != nil {
		return nil, err
	}
	if n.ProjectID != q.Project() {
		return nil, policyDenied("create_subnet", "network_id")
	}
	sn.NetworkID = n.ID
	if version != 4 && version != 6 {
		return nil, attrErr("ip_version", "'%d' is not in [4, 6]", version)
	}
	if err := s.subnetCIDR(a, sn, n, cidr, version); err != nil {
		return nil, err
	}
	if err := sn.readModes(); err != nil {
		return nil, err
	}
	gw := addrAdd(sn.CIDR.Addr(), 1)
	if a.has("gateway_ip") || !sn.CIDR.Contains(gw) {
		gw = netip.Addr{}
	}
	sn.Gateway = gw
	sn.Pools = defaultPools(sn.CIDR, gw)
	return sn, sn.readEditable(a, true)
}

// subnetCIDR reads and checks the CIDR of a new subnet on network n.
func (s *Room) subnetCIDR(a attrs, sn *subnet, n *network, cidr string, version int) error {
	var pool string
	a.optStr("subnetpool_id", &pool)
	if pool != "" {
		return errorf(http.StatusNotFound, "SubnetPoolNotFound", "Subnet pool %s could not be found.", pool)
	}
	var useDefault bool
	if a.boolean("use_default_subnetpool", &useDefault); useDefault {
		return badResource("subnets", "No default subnetpool found for IPv%d", version)
	}
	if cidr == "" {
		return badResource("subnets", "a subnetpool must be specified in the absence of a cidr")
	}
	p, err := parseCIDR("cidr", cidr)
	if err != nil {
		return err
	}
	if (version == 4) != p.Addr().Is4() {
		return invalidInput("Cidr %s does not match ip_version %d", cidr, version)
	}
	for _, id := range n.Subnets {
		if other := s.subnets[id]; other != nil && other.CIDR.Overlaps(p) {
			return invalidInput("Requested subnet with cidr: %s for network: %s overlaps with another subnet", cidr, n.ID)
		}
	}
	sn.CIDR = p
	return nil
}

// readModes checks the IPv6 address and RA modes.
func (sn *subnet) readModes() error {
	valid := []string{"", "slaac", "dhcpv6-stateful", "dhcpv6-stateless"}
	for key, v := range map[string]string{"ipv6_address_mode": sn.AddressMode, "ipv6_ra_mode": sn.RAMode} {
		if !slices.Contains(valid, v) {
			return attrErr(key, "'%s' is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac', None]", v)
		}
	}
	switch {
	case sn.AddressMode == "" && sn.RAMode == "":
		return nil
	case sn.version() == 4:
		return invalidInput("ipv6_ra_mode or ipv6_address_mode cannot be set when ip_version is 4")
	case !sn.EnableDHCP:
		return invalidInput("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False")
	case sn.AddressMode != "" && sn.RAMode != "" && sn.AddressMode != sn.RAMode:
		return invalidInput("ipv6_ra_mode set to '%s' with ipv6_address_mode set to '%s' is not valid. If both attributes are set, they must be the same value", sn.RAMode, sn.AddressMode)
	case sn.autoAddress() && sn.CIDR.Bits() != 64:
		return invalidInput("Invalid CIDR %s for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64", sn.CIDR)
	}
	return nil
}

// readEditable applies the attributes a subnet takes on create and
// update: gateway, pools, DNS servers, host routes.
func (sn *subnet) readEditable(a attrs, creating bool) error {
	if a.has("gateway_ip") {
		gw, err := sn.readGateway(a)
		if err != nil {
			return err
		}
		sn.Gateway = gw
		if creating {
			sn.Pools = defaultPools(sn.CIDR, gw)
		}
	}
	var rawPools []map[string]string
	if ok, err := a.into("allocation_pools", &rawPools); err != nil {
		return err
	} else if ok {
		pools, err := sn.readPools(rawPools)
		if err != nil {
			return err
		}
		sn.Pools = pools
	}
	if err := sn.readDNS(a); err != nil {
		return err
	}
	if err := sn.readHostRoutes(a); err != nil {
		return err
	}
	for _, p := range sn.Pools {
		if sn.Gateway.IsValid() && p.contains(sn.Gateway) {
			return errorf(http.StatusConflict, "GatewayConflictWithAllocationPools",
				"Gateway ip %s conflicts with allocation pool %s", sn.Gateway, p)
		}
	}
	return nil
}

func (sn *subnet) readGateway(a attrs) (netip.Addr, error) {
	var s string
	if _, err := a.optStr("gateway_ip", &s); err != nil || s == "" {
		return netip.Addr{}, err
	}
	gw, err := netip.ParseAddr(s)
	if err != nil {
		return gw, attrErr("gateway_ip", "'%s' is not a valid IP address", s)
	}
	if gw.Is4() != sn.CIDR.Addr().Is4() {
		return gw, invalidInput("Gateway IP version inconsistent with allocation pool version")
	}
	if sn.CIDR.Contains(gw) && gw.Is4() && sn.CIDR.Bits() < 31 && (gw == sn.CIDR.Addr() || gw == lastAddr(sn.CIDR)) {
		return gw, invalidInput("Gateway is not valid on subnet")
	}
	return gw, nil
}

func (sn *subnet) readPools(raw []map[string]string) ([]ipRange, error) {
	var pools []ipRange
	for _, rp := range raw {
		start, err1 := netip.ParseAddr(rp["start"])
		end, err2 := netip.ParseAddr(rp["end"])
		p := ipRange{start, end}
		if err1 != nil || err2 != nil || start.Is4() != end.Is4() || start.Compare(end) > 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidAllocationPool",
				"The allocation pool %s-%s is not valid.", rp["start"], rp["end"])
		}
		if !validIPForSubnet(sn.CIDR, start, false) || !validIPForSubnet(sn.CIDR, end, false) {
			return nil, errorf(http.StatusBadRequest, "OutOfBoundsAllocationPool",
				"The allocation pool %s spans beyond the subnet cidr %s.", p, sn.CIDR)
		}
		for _, o := range pools {
			if o.overlaps(p) {
				return nil, errorf(http.StatusBadRequest, "OverlappingAllocationPools",
					"Found overlapping allocation pools: %s and %s for subnet %s.", o, p, sn.CIDR)
			}
		}
		pools = append(pools, p)
	}
	slices.SortFunc(pools, func(a, b ipRange) int { return a.Start.Compare(b.Start) })
	return pools, nil
}

func (sn *subnet) readDNS(a attrs) error {
	var dns []string
	if ok, err := a.strings("dns_nameservers", &dns); !ok || err != nil {
		return err
	}
	if len(dns) > maxDNSNameservers {
		return errorf(http.StatusBadRequest, "DNSNameServersExhausted",
			"Unable to complete operation for %s. The number of DNS nameservers exceeds the limit %d.", sn.ID, maxDNSNameservers)
	}
	for i, d := range dns {
		if _, err := netip.ParseAddr(d); err != nil {
			return attrErr("dns_nameservers", "'%s' is not a valid nameserver. '%s' is not a valid IP address", d, d)
		}
		if slices.Contains(dns[:i], d) {
			return attrErr("dns_nameservers", "Duplicate nameserver '%s'", d)
		}
	}
	sn.DNS = dns
	return nil
}

func (sn *subnet) readHostRoutes(a attrs) error {
	var Routes []hostRoute
	if ok, err := a.into("host_routes", &Routes); !ok || err != nil {
		return err
	}
	if len(Routes) > maxHostRoutes {
		return errorf(http.StatusBadRequest, "HostRoutesExhausted",
			"Unable to complete operation for %s. The number of host routes exceeds the limit %d.", sn.ID, maxHostRoutes)
	}
	if err := validateRoutes("host_routes", Routes); err != nil {
		return err
	}
	sn.HostRoutes = append([]hostRoute{}, Routes...)
	return nil
}

// validateRoutes checks destinations (normalized CIDRs), next hops and
// duplicates of host routes or router routes.
func validateRoutes(key string, Routes []hostRoute) error {
	for i, r := range Routes {
		if _, err := parseCIDR(key, r.Destination); err != nil {
			return err
		}
		if _, err := netip.ParseAddr(r.NextHop); err != nil {
			return attrErr(key, "'%s' is not a valid IP address", r.NextHop)
		}
		if slices.Contains(Routes[:i], r) {
			return attrErr(key, "Duplicate hostroute '%s'", r.Destination+","+r.NextHop)
		}
	}
	return nil
}

func (s *Room) ownSubnet(q *request, action string) (*subnet, error) {
	sn, err := s.findSubnet(q.Project(), q.id())
	if err == nil && sn.ProjectID != q.Project() {
		err = policyDenied(action, "")
	}
	return sn, err
}

func (s *Room) updateSubnet(q *request) (int, any, error) {
	sn, err := s.ownSubnet(q, "update_subnet")
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("subnet", "name", "description", "gateway_ip", "allocation_pools",
		"dns_nameservers", "host_routes", "enable_dhcp")
	if err != nil {
		return 0, nil, err
	}
	if err := q.checkRevision(&sn.stdAttrs); err != nil {
		return 0, nil, err
	}
	upd := *sn
	r := a.reader()
	r.str("name", 255, &upd.Name)
	r.str("description", 255, &upd.Description)
	r.boolean("enable_dhcp", &upd.EnableDHCP)
	if r.err != nil {
		return 0, nil, r.err
	}
	if err := upd.readEditable(a, false); err != nil {
		return 0, nil, err
	}
	if upd.AddressMode != "" && !upd.EnableDHCP {
		return 0, nil, invalidInput("ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False")
	}
	*sn = upd
	sn.touch(s.c.Now())
	s.syncDHCPLocked(s.networks[sn.NetworkID])
	return http.StatusOK, map[string]any{"subnet": s.subnetDoc(sn)}, nil
}

func (s *Room) deleteSubnet(q *request) (int, any, error) {
	sn, err := s.ownSubnet(q, "delete_subnet")
	if err != nil {
		return 0, nil, err
	}
	for _, p := range s.ports {
		if p.DeviceOwner == ownerDHCP || (sn.autoAddress() && !isRouterPort(p.DeviceOwner)) {
			continue
		}
		if p.hasSubnet(sn.ID) {
			return 0, nil, errorf(http.StatusConflict, "SubnetInUse",
				"Unable to complete operation on subnet %s: One or more ports have an IP allocation from this subnet.", sn.ID)
		}
	}
	for _, p := range s.ports {
		if p.hasSubnet(sn.ID) {
			p.FixedIPs = slices.DeleteFunc(p.FixedIPs, func(f core.FixedIP) bool { return f.SubnetID == sn.ID })
			p.touch(s.c.Now())
		}
	}
	n := s.networks[sn.NetworkID]
	n.Subnets = slices.DeleteFunc(n.Subnets, func(id string) bool { return id == sn.ID })
	n.touch(s.c.Now())
	delete(s.subnets, sn.ID)
	s.syncDHCPLocked(n)
	return http.StatusNoContent, nil, nil
}

// addAutoAddressesLocked gives every port of the subnet's network its
// SLAAC address on a new auto-address subnet, as Neutron does.
func (s *Room) addAutoAddressesLocked(sn *subnet) {
	for _, p := range s.ports {
		if p.NetworkID != sn.NetworkID || isRouterPort(p.DeviceOwner) || p.hasSubnet(sn.ID) {
			continue
		}
		if a, ok := eui64(sn.CIDR, p.MAC); ok {
			p.FixedIPs = append(p.FixedIPs, core.FixedIP{SubnetID: sn.ID, IPAddress: a.String()})
			p.touch(s.c.Now())
		}
	}
}

// syncDHCPLocked plays the DHCP agent: the network has one network:dhcp
// port with an address on every DHCP-enabled subnet, and none when no
// subnet has DHCP.
func (s *Room) syncDHCPLocked(n *network) {
	var want []string
	for _, id := range n.Subnets {
		if sn := s.subnets[id]; sn != nil && sn.EnableDHCP {
			want = append(want, id)
		}
	}
	var dhcp *port
	for _, p := range s.ports {
		if p.NetworkID == n.ID && p.DeviceOwner == ownerDHCP {
			dhcp = p
		}
	}
	if len(want) == 0 {
		if dhcp != nil {
			s.removePortLocked(dhcp)
		}
		return
	}
	if dhcp == nil {
		var reqs []fixedIPReq
		for _, id := range want {
			reqs = append(reqs, fixedIPReq{SubnetID: id})
		}
		s.newPortLocked(portSpec{ProjectID: n.ProjectID, Network: n, AdminStateUp: true,
			DeviceOwner: ownerDHCP, DeviceID: "dhcp" + core.NewHexID()[:24] + "-" + n.ID,
			FixedIPs: reqs, Status: "ACTIVE", NoSecurityGroups: true})
		return
	}
	s.syncDHCPPortLocked(dhcp, n, want)
}

func (s *Room) syncDHCPPortLocked(dhcp *port, n *network, want []string) {
	ips := slices.DeleteFunc(slices.Clone(dhcp.FixedIPs), func(f core.FixedIP) bool { return !slices.Contains(want, f.SubnetID) })
	var reqs []fixedIPReq
	for _, id := range want {
		if !dhcp.hasSubnet(id) {
			reqs = append(reqs, fixedIPReq{SubnetID: id})
		}
	}
	if len(reqs) == 0 && len(ips) == len(dhcp.FixedIPs) {
		return
	}
	if len(reqs) > 0 {
		added, err := s.allocateIPsLocked(n, reqs, dhcp)
		if err == nil {
			ips = append(ips, added...)
		}
	}
	dhcp.FixedIPs = ips
	dhcp.touch(s.c.Now())
}
