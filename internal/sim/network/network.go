// Package network is the simulator's Neutron v2.0 room: networks,
// subnets, ports, routers, security groups, floating IPs, tags and
// quotas, with the ports Nova binds and the VIPs Octavia takes.
package network

import (
	"net/http"
	"net/netip"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Room is Neutron v2.0 as an ML2/OVS cloud with L3 and DHCP
// agents offers it to a project member: networks, subnets, ports,
// routers, security groups, floating IPs, tags and quotas.
type Room struct {
	c *core.Cloud
	// adminProject owns the provider's resources (the external network).
	adminProject string
	azs          []string

	networks  map[string]*network
	subnets   map[string]*subnet
	ports     map[string]*port
	routers   map[string]*router
	groups    map[string]*secGroup
	rules     map[string]*sgRule
	fips      map[string]*floatingIP
	defaultSG map[string]string // project ID → its default group
	ruleSeq   int               // orders rules by creation
}

// New makes the Neutron room of a cloud.
func New(c *core.Cloud) *Room {
	return &Room{
		c:         c,
		networks:  map[string]*network{},
		subnets:   map[string]*subnet{},
		ports:     map[string]*port{},
		routers:   map[string]*router{},
		groups:    map[string]*secGroup{},
		rules:     map[string]*sgRule{},
		fips:      map[string]*floatingIP{},
		defaultSG: map[string]string{},
	}
}

// Routes registers Neutron's handlers.
func (s *Room) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /network/{$}", s.versions)
	mux.HandleFunc("GET /network", s.versions)
	mux.HandleFunc("/network/", s.unknownPath(mux))
	s.routeCore(mux)
	s.routeL3(mux)
	s.routeSecurity(mux)
	s.routeMeta(mux)
}

func (s *Room) routeCore(mux *http.ServeMux) {
	s.handle(mux, "GET", "/networks", s.listNetworks)
	s.handle(mux, "POST", "/networks", s.createNetwork)
	s.handle(mux, "GET", "/networks/{id}", getter("network", s.findNetwork, s.networkDoc))
	s.handle(mux, "PUT", "/networks/{id}", s.updateNetwork)
	s.handle(mux, "DELETE", "/networks/{id}", s.deleteNetwork)
	s.handle(mux, "GET", "/subnets", s.listSubnets)
	s.handle(mux, "POST", "/subnets", s.createSubnet)
	s.handle(mux, "GET", "/subnets/{id}", getter("subnet", s.findSubnet, s.subnetDoc))
	s.handle(mux, "PUT", "/subnets/{id}", s.updateSubnet)
	s.handle(mux, "DELETE", "/subnets/{id}", s.deleteSubnet)
	s.handle(mux, "GET", "/subnetpools", s.listSubnetPools)
	s.handle(mux, "GET", "/ports", s.listPorts)
	s.handle(mux, "POST", "/ports", s.createPort)
	s.handle(mux, "GET", "/ports/{id}", getter("port", s.findPort, s.portDoc))
	s.handle(mux, "PUT", "/ports/{id}", s.updatePort)
	s.handle(mux, "DELETE", "/ports/{id}", s.deletePort)
}

func (s *Room) routeL3(mux *http.ServeMux) {
	s.handle(mux, "GET", "/routers", s.listRouters)
	s.handle(mux, "POST", "/routers", s.createRouter)
	s.handle(mux, "GET", "/routers/{id}", getter("router", s.findRouter, s.routerDoc))
	s.handle(mux, "PUT", "/routers/{id}", s.updateRouter)
	s.handle(mux, "DELETE", "/routers/{id}", s.deleteRouter)
	s.handle(mux, "PUT", "/routers/{id}/add_router_interface", s.addRouterInterface)
	s.handle(mux, "PUT", "/routers/{id}/remove_router_interface", s.removeRouterInterface)
	s.handle(mux, "PUT", "/routers/{id}/add_extraroutes", s.addExtraRoutes)
	s.handle(mux, "PUT", "/routers/{id}/remove_extraroutes", s.removeExtraRoutes)
	s.handle(mux, "GET", "/floatingips", s.listFloatingIPs)
	s.handle(mux, "POST", "/floatingips", s.createFloatingIP)
	s.handle(mux, "GET", "/floatingips/{id}", getter("floatingip", s.findFIP, s.fipDoc))
	s.handle(mux, "PUT", "/floatingips/{id}", s.updateFloatingIP)
	s.handle(mux, "DELETE", "/floatingips/{id}", s.deleteFloatingIP)
}

func (s *Room) routeSecurity(mux *http.ServeMux) {
	s.handle(mux, "GET", "/security-groups", s.listSecurityGroups)
	s.handle(mux, "POST", "/security-groups", s.createSecurityGroup)
	s.handle(mux, "GET", "/security-groups/{id}", getter("security_group", s.findGroup, s.groupDoc))
	s.handle(mux, "PUT", "/security-groups/{id}", s.updateSecurityGroup)
	s.handle(mux, "DELETE", "/security-groups/{id}", s.deleteSecurityGroup)
	s.handle(mux, "GET", "/security-group-rules", s.listRules)
	s.handle(mux, "POST", "/security-group-rules", s.createRule)
	s.handle(mux, "GET", "/security-group-rules/{id}", getter("security_group_rule", s.findRule, s.ruleDoc))
	s.handle(mux, "DELETE", "/security-group-rules/{id}", s.deleteRule)
}

func (s *Room) routeMeta(mux *http.ServeMux) {
	for _, kind := range taggableKinds {
		base := "/" + kind
		s.handle(mux, "GET", base+"/{id}/tags", s.listTags(kind))
		s.handle(mux, "PUT", base+"/{id}/tags", s.replaceTags(kind))
		s.handle(mux, "DELETE", base+"/{id}/tags", s.deleteAllTags(kind))
		s.handle(mux, "GET", base+"/{id}/tags/{tag}", s.checkTagExists(kind))
		s.handle(mux, "PUT", base+"/{id}/tags/{tag}", s.addTag(kind))
		s.handle(mux, "DELETE", base+"/{id}/tags/{tag}", s.deleteTag(kind))
	}
	s.handle(mux, "GET", "/extensions", s.listExtensions)
	s.handle(mux, "GET", "/extensions/{alias}", s.getExtension)
	s.handle(mux, "GET", "/quotas", s.listQuotas)
	s.handle(mux, "GET", "/quotas/{project}", s.getQuota)
	s.handle(mux, "GET", "/quotas/{project}/default", s.getQuotaDefault)
	s.handle(mux, "GET", "/quotas/{project}/details", s.getQuotaDetails)
	s.handle(mux, "PUT", "/quotas/{project}", s.updateQuota)
	s.handle(mux, "DELETE", "/quotas/{project}", s.updateQuota)
	s.handle(mux, "GET", "/availability_zones", s.listAvailabilityZones)
	s.handle(mux, "GET", "/{$}", s.listResources)
	s.handle(mux, "GET", "", s.listResources)
}

// Prefix is the room's path prefix.
func (s *Room) Prefix() string { return "network" }

// Style is Neutron's error style.
func (s *Room) Style() core.ErrorStyle { return core.NeutronErrors }

// SeedLocked creates the shared external network and its subnet.
func (s *Room) SeedLocked() error {
	p := s.c.Profile()
	s.adminProject = core.NewHexID()
	s.azs = slices.Clone(p.ComputeAZs)
	if len(s.azs) == 0 {
		s.azs = []string{"nova"}
	}
	if p.ExternalNetwork == "" || p.FloatingCIDR == "" {
		return nil
	}
	n := &network{stdAttrs: newStdAttrs(s.adminProject, s.c.Now()), Name: p.ExternalNetwork,
		AdminStateUp: true, External: true, MTU: 1500, PortSecurity: true}
	s.networks[n.ID] = n
	cidr := netip.MustParsePrefix(p.FloatingCIDR).Masked()
	sub := &subnet{stdAttrs: newStdAttrs(s.adminProject, s.c.Now()), Name: p.ExternalNetwork + "-subnet",
		NetworkID: n.ID, CIDR: cidr, Gateway: cidr.Addr().Next()}
	last := lastAddr(cidr).Prev()
	end := addrAdd(cidr.Addr(), 250)
	if !cidr.Contains(end) || end.Compare(last) > 0 {
		end = last
	}
	sub.Pools = []ipRange{{addrAdd(cidr.Addr(), 10), end}}
	s.subnets[sub.ID] = sub
	n.Subnets = append(n.Subnets, sub.ID)
	return nil
}

// PortInfoLocked returns the port if it belongs to the project.
func (s *Room) PortInfoLocked(projectID, id string) (core.PortInfo, bool) {
	p := s.ports[id]
	if p == nil || p.ProjectID != projectID {
		return core.PortInfo{}, false
	}
	info := core.PortInfo{ID: p.ID, NetworkID: p.NetworkID, NetworkName: s.NetworkNameLocked(p.NetworkID),
		MAC: p.MAC, DeviceID: p.DeviceID, FixedIPs: slices.Clone(p.FixedIPs),
		SecurityGroups: slices.Clone(p.SecurityGroups)}
	for _, f := range s.portFIPs(p.ID) {
		info.FloatingIPs = append(info.FloatingIPs, f.Address)
	}
	return info, true
}

// CreatePortLocked creates a port on the network for a server, with a
// fixed IP (the requested one when fixedIP is not "") and the security
// groups (IDs; nil means the project's default group). Errors are
// *core.APIError with Neutron's status, type and message (404
// NetworkNotFound, 409 IpAddressAlreadyAllocated, 400 InvalidIpFor…,
// 409 OverQuota, …); an external network the project does not own is
// refused with Nova's 403 ExternalNetworkAttachForbidden.
func (s *Room) CreatePortLocked(projectID, networkID, fixedIP string, securityGroups []string) (string, error) {
	n, err := s.findNetwork(projectID, networkID)
	if err != nil {
		return "", err
	}
	if n.External && !n.Shared && n.ProjectID != projectID {
		return "", errorf(http.StatusForbidden, "ExternalNetworkAttachForbidden",
			"It is not allowed to create an interface on external network %s", n.ID)
	}
	s.ensureDefaultSGLocked(projectID)
	spec := portSpec{ProjectID: projectID, Network: n, AdminStateUp: true, quota: true}
	if fixedIP != "" {
		spec.FixedIPs = []fixedIPReq{{IPAddress: fixedIP}}
	}
	if securityGroups != nil {
		spec.SecurityGroups = &securityGroups
	}
	p, err := s.newPortLocked(spec)
	if err != nil {
		return "", err
	}
	return p.ID, nil
}

// ProjectNetworksLocked lists, by ID, the networks Nova may put a server
// on when it picks one itself ("networks": "auto"), as its
// _get_available_networks finds them: the project's own networks that are
// not shared and administratively up, and the shared networks. The
// provider's external network is neither.
func (s *Room) ProjectNetworksLocked(projectID string) []string {
	var ids []string
	for _, n := range s.networks {
		if n.Shared || n.ProjectID == projectID && n.AdminStateUp {
			ids = append(ids, n.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// BindPortLocked binds the port to the server: device_owner
// "compute:<az>", device_id, binding:host_id, status ACTIVE.
func (s *Room) BindPortLocked(portID, serverID, az string) error {
	p := s.ports[portID]
	if p == nil {
		return errorf(http.StatusNotFound, "PortNotFound", "Port %s could not be found.", portID)
	}
	if p.DeviceID != "" && p.DeviceID != serverID {
		return errorf(http.StatusConflict, "PortInUse",
			"Unable to complete operation on port %s for network %s. Port already has an attached device %s.",
			p.ID, p.NetworkID, p.DeviceID)
	}
	p.DeviceID, p.DeviceOwner = serverID, "compute:"+az
	p.HostID, p.Status = "compute-"+az, "ACTIVE"
	p.touch(s.c.Now())
	return nil
}

// UnbindPortLocked releases the port when its server is deleted or the
// interface detached; ports Nova created itself are deleted.
func (s *Room) UnbindPortLocked(portID string, deletePort bool) {
	p := s.ports[portID]
	if p == nil {
		return
	}
	if deletePort {
		s.removePortLocked(p)
		return
	}
	p.DeviceID, p.DeviceOwner, p.HostID, p.Status = "", "", "", "DOWN"
	p.touch(s.c.Now())
}

// SecurityGroupIDLocked resolves a security group name or ID within the
// project. A name that several groups share resolves to none.
func (s *Room) SecurityGroupIDLocked(projectID, nameOrID string) (string, bool) {
	s.ensureDefaultSGLocked(projectID)
	if g := s.groups[nameOrID]; g != nil && g.ProjectID == projectID {
		return g.ID, true
	}
	var found []string
	for _, g := range s.groups {
		if g.ProjectID == projectID && g.Name == nameOrID {
			found = append(found, g.ID)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// NetworkNameLocked is the name of a network ("" if unknown).
func (s *Room) NetworkNameLocked(id string) string {
	if n := s.networks[id]; n != nil {
		return n.Name
	}
	return ""
}

// SecurityGroupNameLocked is the name of a security group ("" if unknown).
func (s *Room) SecurityGroupNameLocked(id string) string {
	if g := s.groups[id]; g != nil {
		return g.Name
	}
	return ""
}

// ExternalNetworkIDLocked is the ID of the provider's external network,
// or "".
func (s *Room) ExternalNetworkIDLocked() string {
	for _, n := range s.networks {
		if n.External && n.ProjectID == s.adminProject {
			return n.ID
		}
	}
	return ""
}
