package network

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// sgRule is a security group rule. Empty strings and nil ports stand for
// null.
type sgRule struct {
	stdAttrs
	seq                           int
	GroupID, Direction, Ethertype string
	Protocol                      string
	PortMin, PortMax              *int
	RemoteIP, RemoteGroup         string
}

// ipProtocols are the protocol names Neutron accepts, with their numbers.
var ipProtocols = map[string]int{
	"hopopt": 0, "icmp": 1, "igmp": 2, "ipip": 4, "tcp": 6, "egp": 8, "udp": 17, "dccp": 33,
	"ipv6-encap": 41, "ipv6-route": 43, "ipv6-frag": 44, "rsvp": 46, "gre": 47, "esp": 50,
	"ah": 51, "icmpv6": 58, "ipv6-icmp": 58, "ipv6-nonxt": 59, "ipv6-opts": 60, "ospf": 89,
	"vrrp": 112, "pgm": 113, "sctp": 132, "udplite": 136,
}

// protoNumber is the number of a stored protocol, -1 for any.
func protoNumber(p string) int {
	if p == "" {
		return -1
	}
	if n, ok := ipProtocols[p]; ok {
		return n
	}
	n, _ := strconv.Atoi(p)
	return n
}

func (s *Room) ruleDoc(r *sgRule) map[string]any {
	d := r.fill(map[string]any{
		"security_group_id":       r.GroupID,
		"direction":               r.Direction,
		"ethertype":               r.Ethertype,
		"protocol":                core.StrOrNil(r.Protocol),
		"port_range_min":          intOrNil(r.PortMin),
		"port_range_max":          intOrNil(r.PortMax),
		"remote_ip_prefix":        core.StrOrNil(r.RemoteIP),
		"remote_group_id":         core.StrOrNil(r.RemoteGroup),
		"remote_address_group_id": nil,
		"normalized_cidr":         nil,
	}, false)
	if p, ok := parseIPOrCIDR(r.RemoteIP); ok {
		d["normalized_cidr"] = p.Masked().String()
	}
	return d
}

func intOrNil(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func ruleNotFound(id string) error {
	return errorf(http.StatusNotFound, "SecurityGroupRuleNotFound", "Security group rule %s does not exist", id)
}

// addRuleLocked stores a rule of a group, owned by the group's project.
func (s *Room) addRuleLocked(r *sgRule) {
	g := s.groups[r.GroupID]
	r.stdAttrs = newStdAttrs(g.ProjectID, s.c.Now())
	s.ruleSeq++
	r.seq = s.ruleSeq
	s.rules[r.ID] = r
}

func (s *Room) findRule(projectID, id string) (*sgRule, error) {
	r := s.rules[id]
	if r == nil || r.ProjectID != projectID {
		return nil, ruleNotFound(id)
	}
	return r, nil
}

func (s *Room) listRules(q *request) (int, any, error) {
	var docs []map[string]any
	for _, r := range s.rules {
		if r.ProjectID == q.Project() {
			docs = append(docs, s.ruleDoc(r))
		}
	}
	return q.list(s.c.URL(), "security_group_rules", docs, ruleNotFound)
}

func (s *Room) deleteRule(q *request) (int, any, error) {
	r, err := s.findRule(q.Project(), q.id())
	if err != nil {
		return 0, nil, err
	}
	delete(s.rules, r.ID)
	if g := s.groups[r.GroupID]; g != nil {
		g.touch(s.c.Now())
	}
	return http.StatusNoContent, nil, nil
}

func (s *Room) createRule(q *request) (int, any, error) {
	a, err := q.resource("security_group_rule", "security_group_id", "direction", "ethertype",
		"protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id",
		"remote_address_group_id", "description")
	if err != nil {
		return 0, nil, err
	}
	if err := a.required("security_group_id", "direction"); err != nil {
		return 0, nil, err
	}
	r, err := s.readRule(q, a)
	if err != nil {
		return 0, nil, err
	}
	if err := s.checkRule(q.Project(), r); err != nil {
		return 0, nil, err
	}
	if err := s.checkQuota(q.Project(), "security_group_rule", 1); err != nil {
		return 0, nil, err
	}
	desc := r.Description
	s.addRuleLocked(r)
	r.Description = desc
	s.groups[r.GroupID].touch(s.c.Now())
	return http.StatusCreated, map[string]any{"security_group_rule": s.ruleDoc(r)}, nil
}

// readRule reads a rule body; the group must be the caller's.
func (s *Room) readRule(q *request, a attrs) (*sgRule, error) {
	r := &sgRule{Ethertype: "IPv4"}
	rd := a.reader()
	rd.str("security_group_id", 0, &r.GroupID)
	rd.str("direction", 0, &r.Direction)
	rd.str("ethertype", 0, &r.Ethertype)
	rd.optStr("remote_ip_prefix", &r.RemoteIP)
	rd.optStr("remote_group_id", &r.RemoteGroup)
	rd.str("description", 255, &r.Description)
	var addrGroup string
	rd.optStr("remote_address_group_id", &addrGroup)
	r.PortMin, r.PortMax = optPort(rd, "port_range_min"), optPort(rd, "port_range_max")
	if rd.err != nil {
		return nil, rd.err
	}
	if addrGroup != "" {
		return nil, errorf(http.StatusNotFound, "AddressGroupNotFound", "Address group %s could not be found.", addrGroup)
	}
	if _, err := s.findGroup(q.Project(), r.GroupID); err != nil {
		return nil, err
	}
	proto, err := ruleProtocol(a["protocol"])
	if err != nil {
		return nil, err
	}
	r.Protocol = proto
	return r, nil
}

// optPort reads a port range bound that may be null.
func optPort(rd *attrReader, key string) *int {
	if rd.a.isNull(key) {
		return nil
	}
	var n int
	if rd.integer(key, &n) {
		return &n
	}
	return nil
}

// ruleProtocol reads protocol: a name, a number 0-255, "any" or null.
func ruleProtocol(raw json.RawMessage) (string, error) {
	if raw == nil || string(raw) == "null" {
		return "", nil
	}
	var v any
	json.Unmarshal(raw, &v)
	var p string
	switch x := v.(type) {
	case float64:
		p = strconv.Itoa(int(x))
	case string:
		p = strings.ToLower(x)
	}
	if p == "any" || p == "" {
		return "", nil
	}
	if _, ok := ipProtocols[p]; ok {
		return p, nil
	}
	if n, err := strconv.Atoi(p); err == nil && n >= 0 && n <= 255 {
		return strconv.Itoa(n), nil
	}
	return "", errorf(http.StatusBadRequest, "SecurityGroupRuleInvalidProtocol",
		"Security group rule protocol %s not supported. Only protocol values [None, 'ah', 'dccp', 'egp', 'esp', 'gre', 'hopopt', 'icmp', 'igmp', 'ipip', 'ipv6-encap', 'ipv6-frag', 'ipv6-icmp', 'icmpv6', 'ipv6-nonxt', 'ipv6-opts', 'ipv6-route', 'ospf', 'pgm', 'rsvp', 'sctp', 'tcp', 'udp', 'udplite', 'vrrp'] and integer representations [0 to 255] are supported.", rawText(raw))
}

// checkRule validates a rule and refuses duplicates, as Neutron does.
func (s *Room) checkRule(projectID string, r *sgRule) error {
	if r.Direction != "ingress" && r.Direction != "egress" {
		return attrErr("direction", "'%s' is not in ['ingress', 'egress']", r.Direction)
	}
	if r.Ethertype != "IPv4" && r.Ethertype != "IPv6" {
		return attrErr("ethertype", "'%s' is not in ['IPv4', 'IPv6']", r.Ethertype)
	}
	if err := s.checkRemote(projectID, r); err != nil {
		return err
	}
	if n := protoNumber(r.Protocol); r.Ethertype == "IPv4" && n == 58 {
		return errorf(http.StatusBadRequest, "SecurityGroupEthertypeConflictWithProtocol",
			"Invalid ethertype %s for protocol %s.", r.Ethertype, r.Protocol)
	}
	if err := checkPortRange(r); err != nil {
		return err
	}
	for _, o := range s.groupRules(r.GroupID) {
		if sameRule(o, r) {
			return errorf(http.StatusConflict, "SecurityGroupRuleExists", "Security group rule already exists. Rule id is %s.", o.ID)
		}
	}
	return nil
}

func (s *Room) checkRemote(projectID string, r *sgRule) error {
	if r.RemoteIP != "" && r.RemoteGroup != "" {
		return errorf(http.StatusBadRequest, "SecurityGroupMultipleRemoteEntites",
			"Only one of remote_address_group_id, remote_group_id and remote_ip_prefix can be provided.")
	}
	if r.RemoteGroup != "" {
		if _, err := s.findGroup(projectID, r.RemoteGroup); err != nil {
			return err
		}
	}
	if r.RemoteIP == "" {
		return nil
	}
	p, ok := parseIPOrCIDR(r.RemoteIP)
	if !ok {
		return attrErr("remote_ip_prefix", "'%s' is not a valid IP subnet", r.RemoteIP)
	}
	if p.Addr().Is4() != (r.Ethertype == "IPv4") {
		return errorf(http.StatusBadRequest, "SecurityGroupRuleParameterConflict",
			"Conflicting value ethertype %s for CIDR %s", r.Ethertype, r.RemoteIP)
	}
	r.RemoteIP = p.String()
	return nil
}

// checkPortRange applies Neutron's port range rules: ports need a
// protocol; TCP-like protocols need min <= max within 1-65535; ICMP takes
// type and code 0-255.
func checkPortRange(r *sgRule) error {
	if r.PortMin == nil && r.PortMax == nil {
		return nil
	}
	n := protoNumber(r.Protocol)
	switch n {
	case -1:
		return errorf(http.StatusBadRequest, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol if port range is given.")
	case 6, 17, 33, 132, 136:
		for _, p := range []*int{r.PortMin, r.PortMax} {
			if p != nil && (*p < 1 || *p > 65535) {
				return errorf(http.StatusBadRequest, "SecurityGroupInvalidPortValue", "Invalid value for port %d", *p)
			}
		}
		if r.PortMin == nil || r.PortMax == nil || *r.PortMin > *r.PortMax {
			return errorf(http.StatusBadRequest, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols, port_range_min must be <= port_range_max")
		}
	case 1, 58:
		return checkICMP(r)
	default:
		return errorf(http.StatusBadRequest, "SecurityGroupInvalidProtocolForPort",
			"Invalid protocol %s for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.", r.Protocol)
	}
	return nil
}

func checkICMP(r *sgRule) error {
	for _, f := range []struct {
		p           *int
		field, attr string
	}{{r.PortMin, "type", "port_range_min"}, {r.PortMax, "code", "port_range_max"}} {
		if f.p != nil && (*f.p < 0 || *f.p > 255) {
			return errorf(http.StatusBadRequest, "SecurityGroupInvalidIcmpValue",
				"Invalid value for ICMP %s (%s) %d. It must be 0 to 255.", f.field, f.attr, *f.p)
		}
	}
	if r.PortMin == nil && r.PortMax != nil {
		return errorf(http.StatusBadRequest, "SecurityGroupMissingIcmpType",
			"ICMP code (port-range-max) %d is provided but ICMP type (port-range-min) is missing.", *r.PortMax)
	}
	return nil
}

// sameRule compares what a rule matches: protocols by number, the
// any-address prefixes as no prefix.
func sameRule(a, b *sgRule) bool {
	return a.Direction == b.Direction && a.Ethertype == b.Ethertype &&
		protoNumber(a.Protocol) == protoNumber(b.Protocol) &&
		intOrNil(a.PortMin) == intOrNil(b.PortMin) && intOrNil(a.PortMax) == intOrNil(b.PortMax) &&
		anyPrefix(a.RemoteIP) == anyPrefix(b.RemoteIP) && a.RemoteGroup == b.RemoteGroup
}

func anyPrefix(p string) string {
	pr, ok := parseIPOrCIDR(p)
	if !ok {
		return ""
	}
	pr = pr.Masked()
	if pr.Bits() == 0 {
		return ""
	}
	return pr.String()
}
