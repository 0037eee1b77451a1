package network

import (
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// port is a Neutron port.
type port struct {
	stdAttrs
	Name, NetworkID, MAC       string
	DeviceID, DeviceOwner      string
	Status                     string
	AdminStateUp, PortSecurity bool
	FixedIPs                   []core.FixedIP
	SecurityGroups             []string
	AddressPairs               []addressPair
	HostID, VNICType           string
}

type addressPair struct {
	IPAddress string `json:"ip_address"`
	MAC       string `json:"mac_address,omitempty"`
}

// Device owners Neutron itself gives ports.
const (
	ownerDHCP            = "network:dhcp"
	ownerRouterInterface = "network:router_interface"
	ownerRouterGateway   = "network:router_gateway"
	ownerFloatingIP      = "network:floatingip"
)

// isRouterPort reports whether a device owner is one of a router's.
func isRouterPort(owner string) bool {
	return owner == ownerRouterInterface || owner == ownerRouterGateway ||
		owner == "network:router_interface_distributed" || owner == "network:ha_router_replicated_interface"
}

func (p *port) hasSubnet(id string) bool {
	return slices.ContainsFunc(p.FixedIPs, func(f core.FixedIP) bool { return f.SubnetID == id })
}

func (s *Room) portDoc(p *port) map[string]any {
	ips := make([]map[string]any, len(p.FixedIPs))
	for i, f := range p.FixedIPs {
		ips[i] = map[string]any{"subnet_id": f.SubnetID, "ip_address": f.IPAddress}
	}
	pairs := make([]map[string]any, len(p.AddressPairs))
	for i, ap := range p.AddressPairs {
		pairs[i] = map[string]any{"ip_address": ap.IPAddress, "mac_address": ap.MAC}
	}
	return p.fill(map[string]any{
		"name":                  p.Name,
		"network_id":            p.NetworkID,
		"mac_address":           p.MAC,
		"admin_state_up":        p.AdminStateUp,
		"status":                p.Status,
		"device_id":             p.DeviceID,
		"device_owner":          p.DeviceOwner,
		"fixed_ips":             ips,
		"allowed_address_pairs": pairs,
		"extra_dhcp_opts":       []any{},
		"security_groups":       append([]string{}, p.SecurityGroups...),
		"port_security_enabled": p.PortSecurity,
		"binding:vnic_type":     p.VNICType,
		"ip_allocation":         "immediate",
	}, true)
}

func portNotFound(id string) error {
	return errorf(http.StatusNotFound, "PortNotFound", "Port %s could not be found.", id)
}

// portVisible: a project sees its ports and the ports on its networks.
func (s *Room) portVisible(p *port, projectID string) bool {
	if p.ProjectID == projectID && projectID != "" {
		return true
	}
	n := s.networks[p.NetworkID]
	return n != nil && n.ProjectID == projectID
}

func (s *Room) findPort(projectID, id string) (*port, error) {
	p := s.ports[id]
	if p == nil || !s.portVisible(p, projectID) {
		return nil, portNotFound(id)
	}
	return p, nil
}

func (s *Room) listPorts(q *request) (int, any, error) {
	var docs []map[string]any
	for _, p := range s.ports {
		if s.portVisible(p, q.Project()) {
			docs = append(docs, s.portDoc(p))
		}
	}
	return q.list(s.c.URL(), "ports", docs, portNotFound)
}

// portSpec describes a port to create.
type portSpec struct {
	ProjectID                       string
	Network                         *network
	Name, Description, MAC          string
	DeviceID, DeviceOwner, VNICType string
	Status                          string // "" means DOWN
	AdminStateUp                    bool
	FixedIPs                        []fixedIPReq // nil: automatic
	SecurityGroups                  *[]string    // nil: the project's default group
	NoSecurityGroups                bool
	PortSecurity                    *bool // nil: the network's setting
	AddressPairs                    []addressPair
	quota                           bool
}

type fixedIPReq struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// newPortLocked creates a port: MAC, fixed IPs, security groups and
// address pairs validated as Neutron does.
func (s *Room) newPortLocked(spec portSpec) (*port, error) {
	n := spec.Network
	if spec.quota {
		if err := s.checkQuota(spec.ProjectID, "port", 1); err != nil {
			return nil, err
		}
	}
	p := &port{stdAttrs: newStdAttrs(spec.ProjectID, s.c.Now()), Name: spec.Name, NetworkID: n.ID,
		DeviceID: spec.DeviceID, DeviceOwner: spec.DeviceOwner, AdminStateUp: spec.AdminStateUp,
		Status: cmpOr(spec.Status, "DOWN"), PortSecurity: n.PortSecurity, VNICType: cmpOr(spec.VNICType, "normal")}
	p.Description = spec.Description
	if spec.PortSecurity != nil {
		p.PortSecurity = *spec.PortSecurity
	}
	mac, err := s.portMAC(n, spec.MAC)
	if err != nil {
		return nil, err
	}
	p.MAC = mac
	if p.FixedIPs, err = s.allocateIPsLocked(n, spec.FixedIPs, p); err != nil {
		return nil, err
	}
	if err := s.portGroups(p, spec); err != nil {
		return nil, err
	}
	if err := s.setAddressPairs(p, spec.AddressPairs); err != nil {
		return nil, err
	}
	s.ports[p.ID] = p
	return p, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// portMAC checks a requested MAC address or makes one, unique on the
// network.
func (s *Room) portMAC(n *network, mac string) (string, error) {
	if mac == "" {
		for {
			mac = core.NewMAC()
			if !s.macInUse(n.ID, mac, "") {
				return mac, nil
			}
		}
	}
	if !validMAC(mac) {
		return "", attrErr("mac_address", "'%s' is not a valid MAC address", mac)
	}
	mac = strings.ToLower(mac)
	if s.macInUse(n.ID, mac, "") {
		return "", errorf(http.StatusConflict, "MacAddressInUse",
			"Unable to complete operation for network %s. The mac address %s is in use.", n.ID, mac)
	}
	return mac, nil
}

func (s *Room) macInUse(networkID, mac, except string) bool {
	for _, p := range s.ports {
		if p.NetworkID == networkID && p.MAC == mac && p.ID != except {
			return true
		}
	}
	return false
}

// portGroups sets the security groups of a new port.
func (s *Room) portGroups(p *port, spec portSpec) error {
	switch {
	case spec.SecurityGroups != nil:
		ids, err := s.resolveGroups(spec.ProjectID, *spec.SecurityGroups)
		if err != nil {
			return err
		}
		if len(ids) > 0 && !p.PortSecurity {
			return portSecurityRequired()
		}
		p.SecurityGroups = ids
	case p.PortSecurity && !spec.NoSecurityGroups && !strings.HasPrefix(p.DeviceOwner, "network:"):
		s.ensureDefaultSGLocked(spec.ProjectID)
		p.SecurityGroups = []string{s.defaultSG[spec.ProjectID]}
	}
	return nil
}

func portSecurityRequired() error {
	return errorf(http.StatusBadRequest, "PortSecurityAndIPRequiredForSecurityGroups",
		"Port security must be enabled and port must have an IP address in order to use security groups.")
}

// resolveGroups checks that the groups exist in the project.
func (s *Room) resolveGroups(projectID string, ids []string) ([]string, error) {
	out := []string{}
	for _, id := range ids {
		g := s.groups[id]
		if g == nil || g.ProjectID != projectID {
			return nil, sgNotFound(id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

// setAddressPairs validates and sets allowed address pairs.
func (s *Room) setAddressPairs(p *port, pairs []addressPair) error {
	if len(pairs) == 0 {
		p.AddressPairs = nil
		return nil
	}
	if !p.PortSecurity {
		return errorf(http.StatusConflict, "AddressPairAndPortSecurityRequired",
			"Port Security must be enabled in order to have allowed address pairs on a port.")
	}
	var out []addressPair
	for _, ap := range pairs {
		if _, ok := parseIPOrCIDR(ap.IPAddress); !ok {
			return attrErr("allowed_address_pairs", "'%s' is not a valid IP address", ap.IPAddress)
		}
		if ap.MAC == "" {
			ap.MAC = p.MAC
		} else if !validMAC(ap.MAC) {
			return attrErr("allowed_address_pairs", "'%s' is not a valid MAC address", ap.MAC)
		}
		if slices.Contains(out, ap) {
			return errorf(http.StatusBadRequest, "DuplicateAddressPairInRequest",
				"Request contains duplicate address pair: mac_address %s ip_address %s.", ap.MAC, ap.IPAddress)
		}
		out = append(out, ap)
	}
	p.AddressPairs = out
	return nil
}

var portPostAttrs = []string{"network_id", "name", "description", "admin_state_up", "mac_address",
	"fixed_ips", "device_id", "device_owner", "security_groups", "allowed_address_pairs",
	"port_security_enabled", "binding:vnic_type", "binding:host_id", "binding:profile"}

func (s *Room) createPort(q *request) (int, any, error) {
	a, err := q.resource("port", portPostAttrs...)
	if err != nil {
		return 0, nil, err
	}
	if err := a.required("network_id"); err != nil {
		return 0, nil, err
	}
	if a.has("binding:host_id") || a.has("binding:profile") {
		return 0, nil, policyDenied("create_port", "binding:host_id")
	}
	spec := portSpec{ProjectID: q.Project(), AdminStateUp: true, quota: true}
	var netID string
	var portSec bool
	var groups []string
	r := a.reader()
	r.str("network_id", 0, &netID)
	r.str("name", 255, &spec.Name)
	r.str("description", 255, &spec.Description)
	r.boolean("admin_state_up", &spec.AdminStateUp)
	r.str("mac_address", 0, &spec.MAC)
	r.str("device_id", 255, &spec.DeviceID)
	r.str("device_owner", 255, &spec.DeviceOwner)
	r.str("binding:vnic_type", 0, &spec.VNICType)
	r.into("fixed_ips", &spec.FixedIPs)
	r.into("allowed_address_pairs", &spec.AddressPairs)
	if r.boolean("port_security_enabled", &portSec) {
		spec.PortSecurity = &portSec
	}
	if r.strings("security_groups", &groups) {
		spec.SecurityGroups = &groups
	}
	if r.err != nil {
		return 0, nil, r.err
	}
	if spec.Network, err = s.findNetwork(q.Project(), netID); err != nil {
		return 0, nil, err
	}
	if err := checkVNICType(spec.VNICType); err != nil {
		return 0, nil, err
	}
	p, err := s.newPortLocked(spec)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, map[string]any{"port": s.portDoc(p)}, nil
}

func checkVNICType(t string) error {
	valid := []string{"", "normal", "direct", "macvtap", "baremetal", "direct-physical", "virtio-forwarder", "smart-nic", "vdpa", "remote-managed"}
	if !slices.Contains(valid, t) {
		return attrErr("binding:vnic_type", "'%s' is not in %s", t, "['normal', 'direct', 'macvtap', 'baremetal', 'direct-physical', 'virtio-forwarder', 'smart-nic', 'vdpa', 'remote-managed']")
	}
	return nil
}

func (s *Room) ownPort(q *request) (*port, error) {
	return s.findPort(q.Project(), q.id())
}

func (s *Room) updatePort(q *request) (int, any, error) {
	p, err := s.ownPort(q)
	if err != nil {
		return 0, nil, err
	}
	a, err := q.resource("port", slices.DeleteFunc(slices.Clone(portPostAttrs), func(k string) bool { return k == "network_id" })...)
	if err != nil {
		return 0, nil, err
	}
	if a.has("binding:host_id") || a.has("binding:profile") {
		return 0, nil, policyDenied("update_port", "binding:host_id")
	}
	if err := q.checkRevision(&p.stdAttrs); err != nil {
		return 0, nil, err
	}
	upd := *p
	if err := s.applyPortUpdate(a, &upd); err != nil {
		return 0, nil, err
	}
	*p = upd
	p.touch(s.c.Now())
	return http.StatusOK, map[string]any{"port": s.portDoc(p)}, nil
}

// applyPortUpdate applies an update body to a copy of a port.
func (s *Room) applyPortUpdate(a attrs, p *port) error {
	r := a.reader()
	r.str("name", 255, &p.Name)
	r.str("description", 255, &p.Description)
	r.boolean("admin_state_up", &p.AdminStateUp)
	r.str("device_id", 255, &p.DeviceID)
	r.str("device_owner", 255, &p.DeviceOwner)
	r.boolean("port_security_enabled", &p.PortSecurity)
	vnic := p.VNICType
	r.str("binding:vnic_type", 0, &p.VNICType)
	var mac string
	r.str("mac_address", 0, &mac)
	var reqs []fixedIPReq
	hasIPs := r.into("fixed_ips", &reqs)
	var groups []string
	hasGroups := r.strings("security_groups", &groups)
	var pairs []addressPair
	hasPairs := r.into("allowed_address_pairs", &pairs)
	if r.err != nil {
		return r.err
	}
	if err := checkVNICType(p.VNICType); err != nil {
		return err
	}
	if p.VNICType != vnic && p.HostID != "" {
		return errorf(http.StatusConflict, "PortBound", "Unable to complete operation on port %s, port is already bound, port type: ovs, old_vnic_type %s, new_vnic_type %s.", p.ID, vnic, p.VNICType)
	}
	if err := s.updatePortMAC(p, mac); err != nil {
		return err
	}
	if hasIPs {
		ips, err := s.allocateIPsLocked(s.networks[p.NetworkID], core.OrEmpty(reqs), p)
		if err != nil {
			return err
		}
		p.FixedIPs = ips
	}
	if hasGroups {
		ids, err := s.resolveGroups(p.ProjectID, groups)
		if err != nil {
			return err
		}
		p.SecurityGroups = ids
	}
	return s.updatePortSecurity(p, hasPairs, pairs)
}

func (s *Room) updatePortMAC(p *port, mac string) error {
	if mac == "" || strings.EqualFold(mac, p.MAC) {
		return nil
	}
	if p.HostID != "" {
		return errorf(http.StatusConflict, "PortBound",
			"Unable to complete operation on port %s, port is already bound, port type: ovs, old_mac %s, new_mac %s.", p.ID, p.MAC, mac)
	}
	m, err := s.portMAC(s.networks[p.NetworkID], mac)
	if err != nil {
		return err
	}
	p.MAC = m
	return nil
}

// updatePortSecurity checks port security against the groups and address
// pairs the port ends up with.
func (s *Room) updatePortSecurity(p *port, hasPairs bool, pairs []addressPair) error {
	if !p.PortSecurity && len(p.SecurityGroups) > 0 {
		return errorf(http.StatusConflict, "PortSecurityPortHasSecurityGroup",
			"Port has security group associated. Cannot disable port security or ip address until security group is removed")
	}
	if hasPairs {
		return s.setAddressPairs(p, pairs)
	}
	if !p.PortSecurity && len(p.AddressPairs) > 0 {
		return errorf(http.StatusConflict, "AddressPairAndPortSecurityRequired",
			"Port Security must be enabled in order to have allowed address pairs on a port.")
	}
	return nil
}

func (s *Room) deletePort(q *request) (int, any, error) {
	p, err := s.ownPort(q)
	if err != nil {
		return 0, nil, err
	}
	if p.DeviceOwner == ownerRouterInterface || p.DeviceOwner == ownerRouterGateway || p.DeviceOwner == ownerFloatingIP {
		return 0, nil, errorf(http.StatusConflict, "ServicePortInUse",
			"Port %s cannot be deleted directly via the port API: has device owner %s.", p.ID, p.DeviceOwner)
	}
	s.removePortLocked(p)
	return http.StatusNoContent, nil, nil
}

// removePortLocked deletes a port; floating IPs on it are disassociated.
func (s *Room) removePortLocked(p *port) {
	for _, f := range s.fips {
		if f.PortID == p.ID {
			s.disassociateLocked(f)
		}
	}
	delete(s.ports, p.ID)
}
