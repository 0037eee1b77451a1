package export

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
)

const notOnTarget = "not found in the inventory of the target"

func (w *writer) networks(cs []migrate.Created) {
	onTarget(w, cs, w.doc.Networks, func(n inventory.Network) string { return n.ID }, func(c migrate.Created, n inventory.Network) {
		b := w.resource(tNetwork, n.Name, n.ID, n.ID)
		setString(b, "name", n.Name)
		setString(b, "description", n.Description)
		b.SetAttributeValue("admin_state_up", cty.BoolVal(n.AdminStateUp))
		if n.MTU > 0 {
			b.SetAttributeValue("mtu", cty.NumberIntVal(int64(n.MTU)))
		}
		b.SetAttributeValue("port_security_enabled", cty.BoolVal(n.PortSecurityEnabled))
		ignoreChanges(b, setTags(b, n.Tags)...)
	})
}

func (w *writer) subnets(cs []migrate.Created) {
	onTarget(w, cs, w.doc.Subnets, func(s inventory.Subnet) string { return s.ID }, func(c migrate.Created, s inventory.Subnet) {
		b := w.resource(tSubnet, s.Name, s.ID, s.ID)
		setString(b, "name", s.Name)
		setString(b, "description", s.Description)
		w.ref(b, "network_id", s.NetworkID)
		b.SetAttributeValue("cidr", cty.StringVal(s.CIDR))
		b.SetAttributeValue("ip_version", cty.NumberIntVal(int64(s.IPVersion)))
		if s.GatewayIP == "" {
			b.SetAttributeValue("no_gateway", cty.True)
		} else {
			b.SetAttributeValue("gateway_ip", cty.StringVal(s.GatewayIP))
		}
		b.SetAttributeValue("enable_dhcp", cty.BoolVal(s.EnableDHCP))
		setStrings(b, "dns_nameservers", s.DNSNameservers)
		setString(b, "ipv6_address_mode", s.IPv6AddressMode)
		setString(b, "ipv6_ra_mode", s.IPv6RAMode)
		tagged := setTags(b, s.Tags)
		for _, p := range s.AllocationPools {
			pb := b.AppendNewBlock("allocation_pool", nil).Body()
			pb.SetAttributeValue("start", cty.StringVal(p.Start))
			pb.SetAttributeValue("end", cty.StringVal(p.End))
		}
		ignoreChanges(b, tagged...)
		// Host routes are a resource of their own in the v3 provider.
		label := w.lastLabel(tSubnet)
		for _, r := range s.HostRoutes {
			rb := w.resource(tSubnetRoute, label+"_"+r.Destination, "", s.ID+"-route-"+r.Destination+"-"+r.NextHop)
			w.ref(rb, "subnet_id", s.ID)
			rb.SetAttributeValue("destination_cidr", cty.StringVal(r.Destination))
			rb.SetAttributeValue("next_hop", cty.StringVal(r.NextHop))
		}
	})
}

func (w *writer) routers(cs []migrate.Created) {
	onTarget(w, cs, w.doc.Routers, func(r inventory.Router) string { return r.ID }, func(c migrate.Created, r inventory.Router) {
		b := w.resource(tRouter, r.Name, r.ID, r.ID)
		setString(b, "name", r.Name)
		setString(b, "description", r.Description)
		b.SetAttributeValue("admin_state_up", cty.BoolVal(r.AdminStateUp))
		if g := r.ExternalGateway; g != nil {
			// The provider's external network: a raw ID, not this code's.
			w.ref(b, "external_network_id", g.NetworkID)
			b.SetAttributeValue("enable_snat", cty.BoolVal(g.EnableSNAT))
		}
		ignoreChanges(b, setTags(b, r.Tags)...)
		w.routed = append(w.routed, routed{router: r, label: w.lastLabel(tRouter)})
	})
}

// routed is a router whose extra routes are written after its interfaces.
type routed struct {
	router inventory.Router
	label  string
}

// routerRoutes writes the routers' extra routes, a resource of their own
// in the v3 provider, depending on the router's interfaces: Neutron
// takes a route only to a next hop on a subnet the router is on.
func (w *writer) routerRoutes() {
	for _, rr := range w.routed {
		for _, rt := range rr.router.Routes {
			rb := w.resource(tRouterRoute, rr.label+"_"+rt.Destination, "", rr.router.ID+"-route-"+rt.Destination+"-"+rt.NextHop)
			w.ref(rb, "router_id", rr.router.ID)
			rb.SetAttributeValue("destination_cidr", cty.StringVal(rt.Destination))
			rb.SetAttributeValue("next_hop", cty.StringVal(rt.NextHop))
			var deps []hclwrite.Tokens
			for _, l := range w.ifaces[rr.router.ID] {
				deps = append(deps, hclwrite.TokensForTraversal(traversal(tRouterIf, l)))
			}
			if len(deps) > 0 {
				rb.SetAttributeRaw("depends_on", hclwrite.TokensForTuple(deps))
			}
		}
	}
}

func (w *writer) routerInterfaces(cs []migrate.Created) {
	type iface struct {
		router       inventory.Router
		port, subnet string
		name         string
	}
	var ifaces []iface
	for _, c := range cs {
		found := false
		for _, r := range w.doc.Routers {
			if c.Parent != "" && r.ID != c.Parent {
				continue
			}
			if i, ok := find(r.Interfaces, func(i inventory.RouterInterface) string { return i.PortID }, c.ID); ok {
				name := r.Name
				if s, ok := find(w.doc.Subnets, func(s inventory.Subnet) string { return s.ID }, i.SubnetID); ok {
					name += "_" + s.Name
				}
				ifaces = append(ifaces, iface{router: r, port: i.PortID, subnet: i.SubnetID, name: name})
				found = true
				break
			}
		}
		if !found {
			w.skip(c, notOnTarget)
		}
	}
	slices.SortStableFunc(ifaces, func(a, b iface) int { return strings.Compare(a.name, b.name) })
	for _, i := range ifaces {
		// The provider imports an interface by the ID of its port.
		b := w.resource(tRouterIf, i.name, "", i.port)
		w.ifaces[i.router.ID] = append(w.ifaces[i.router.ID], w.lastLabel(tRouterIf))
		w.ref(b, "router_id", i.router.ID)
		w.ref(b, "subnet_id", i.subnet)
	}
}

func (w *writer) securityGroups(cs []migrate.Created) {
	var groups []inventory.SecurityGroup
	onTarget(w, cs, w.doc.SecurityGroups, func(g inventory.SecurityGroup) string { return g.ID }, func(c migrate.Created, g inventory.SecurityGroup) {
		groups = append(groups, g)
		b := w.resource(tSecGroup, g.Name, g.ID, g.ID)
		b.SetAttributeValue("name", cty.StringVal(g.Name))
		setString(b, "description", g.Description)
		b.SetAttributeValue("stateful", cty.BoolVal(g.Stateful))
		ignoreChanges(b, setTags(b, g.Tags)...)
	})
	// The rules after all groups, as they refer to each other. Rules the
	// target made itself with a group (its default egress rules) are its
	// rules all the same and are written too.
	for _, g := range groups {
		rules := slices.Clone(g.Rules)
		slices.SortStableFunc(rules, func(a, b inventory.SecurityGroupRule) int {
			return strings.Compare(w.ruleLabel(g.Name, a), w.ruleLabel(g.Name, b))
		})
		for _, r := range rules {
			b := w.resource(tSecRule, w.ruleLabel(g.Name, r), "", r.ID)
			w.ref(b, "security_group_id", g.ID)
			b.SetAttributeValue("direction", cty.StringVal(r.Direction))
			b.SetAttributeValue("ethertype", cty.StringVal(r.EtherType))
			setString(b, "protocol", r.Protocol)
			if r.PortRangeMin != nil {
				b.SetAttributeValue("port_range_min", cty.NumberIntVal(int64(*r.PortRangeMin)))
			}
			if r.PortRangeMax != nil {
				b.SetAttributeValue("port_range_max", cty.NumberIntVal(int64(*r.PortRangeMax)))
			}
			setString(b, "remote_ip_prefix", r.RemoteIPPrefix)
			if r.RemoteGroupID != "" {
				w.ref(b, "remote_group_id", r.RemoteGroupID)
			}
			setString(b, "description", r.Description)
		}
	}
}

// ruleLabel names a rule after its group and what it allows.
func (w *writer) ruleLabel(group string, r inventory.SecurityGroupRule) string {
	parts := []string{group, r.Direction, strings.ToLower(r.EtherType)}
	if r.Protocol != "" {
		parts = append(parts, r.Protocol)
	}
	if r.PortRangeMin != nil {
		parts = append(parts, strconv.Itoa(*r.PortRangeMin))
	}
	if r.RemoteGroupID != "" {
		parts = append(parts, "from")
		if g, ok := find(w.doc.SecurityGroups, func(g inventory.SecurityGroup) string { return g.ID }, r.RemoteGroupID); ok {
			parts = append(parts, g.Name)
		}
	}
	if r.Protocol == "" && r.PortRangeMin == nil && r.RemoteIPPrefix == "" && r.RemoteGroupID == "" {
		parts = append(parts, "any")
	}
	return strings.Join(parts, "_")
}

func (w *writer) keypairs(cs []migrate.Created) {
	onTarget(w, cs, w.doc.Keypairs, func(k inventory.Keypair) string { return k.Name }, func(c migrate.Created, k inventory.Keypair) {
		b := w.resource(tKeypair, k.Name, k.Name, k.Name)
		b.SetAttributeValue("name", cty.StringVal(k.Name))
		setString(b, "public_key", k.PublicKey)
		// Servers refer to a keypair by name.
		w.refs["keypair:"+k.Name] = traversal(tKeypair, w.lastLabel(tKeypair), "name")
	})
}

// lastLabel is the label given last to a resource of the type.
func (w *writer) lastLabel(typ string) string {
	blocks := w.main.Blocks()
	for i := len(blocks) - 1; i >= 0; i-- {
		if l := blocks[i].Labels(); len(l) == 2 && l[0] == typ {
			return l[1]
		}
	}
	return ""
}

func (w *writer) serverGroups(cs []migrate.Created) {
	onTarget(w, cs, w.doc.ServerGroups, func(g inventory.ServerGroup) string { return g.ID }, func(c migrate.Created, g inventory.ServerGroup) {
		b := w.resource(tServerGrp, g.Name, g.ID, g.ID)
		b.SetAttributeValue("name", cty.StringVal(g.Name))
		b.SetAttributeValue("policies", cty.ListVal([]cty.Value{cty.StringVal(g.Policy)}))
	})
}

// portName names a port: its own name, else its server's and network's.
func (w *writer) portName(p inventory.Port) string {
	if p.Name != "" {
		return p.Name
	}
	name := w.serverOfPort(p.ID)
	if n, ok := find(w.doc.Networks, func(n inventory.Network) string { return n.ID }, p.NetworkID); ok {
		name += "_" + n.Name
	}
	return name
}

// byName orders what was created by the names given to it (resources
// without a name of their own are named after what uses them).
func byName[T any](w *writer, cs []migrate.Created, items []T, id func(T) string, name func(T) string) []T {
	var out []T
	for _, c := range cs {
		it, ok := find(items, id, c.ID)
		if !ok {
			w.skip(c, notOnTarget)
			continue
		}
		out = append(out, it)
	}
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	return out
}

func (w *writer) ports(cs []migrate.Created) {
	for _, p := range byName(w, cs, w.doc.Ports, func(p inventory.Port) string { return p.ID }, w.portName) {
		b := w.resource(tPort, w.portName(p), p.ID, p.ID)
		setString(b, "name", p.Name)
		setString(b, "description", p.Description)
		w.ref(b, "network_id", p.NetworkID)
		b.SetAttributeValue("admin_state_up", cty.BoolVal(p.AdminStateUp))
		setString(b, "mac_address", p.MACAddress)
		b.SetAttributeValue("port_security_enabled", cty.BoolVal(p.PortSecurityEnabled))
		if len(p.SecurityGroups) > 0 {
			w.refList(b, "security_group_ids", p.SecurityGroups)
		}
		tagged := setTags(b, p.Tags)
		for _, ip := range p.FixedIPs {
			fb := b.AppendNewBlock("fixed_ip", nil).Body()
			w.ref(fb, "subnet_id", ip.SubnetID)
			fb.SetAttributeValue("ip_address", cty.StringVal(ip.IPAddress))
		}
		for _, pair := range p.AllowedAddressPairs {
			ab := b.AppendNewBlock("allowed_address_pairs", nil).Body()
			ab.SetAttributeValue("ip_address", cty.StringVal(pair.IPAddress))
			setString(ab, "mac_address", pair.MACAddress)
		}
		ignoreChanges(b, append(tagged, "fixed_ip", "security_group_ids")...)
	}
}

// volumeName names a volume: its own name, else its server's.
func (w *writer) volumeName(v inventory.Volume) string {
	if v.Name != "" {
		return v.Name
	}
	for _, s := range w.doc.Servers {
		for _, bd := range s.BlockDevices {
			if bd.VolumeID == v.ID {
				if bd.BootIndex == 0 {
					return s.Name + "_boot"
				}
				return s.Name + "_volume"
			}
		}
	}
	return ""
}

func (w *writer) volumes(cs []migrate.Created) {
	for _, v := range byName(w, cs, w.doc.Volumes, func(v inventory.Volume) string { return v.ID }, w.volumeName) {
		b := w.resource(tVolume, w.volumeName(v), v.ID, v.ID)
		setString(b, "name", v.Name)
		setString(b, "description", v.Description)
		b.SetAttributeValue("size", cty.NumberIntVal(int64(v.SizeGB)))
		setString(b, "volume_type", v.VolumeType)
		setMap(b, "metadata", v.Metadata)
		if v.SnapshotID == "" {
			// The provider imports the image a volume was made from.
			if id := v.ImageMetadata["image_id"]; id != "" {
				w.ref(b, "image_id", id)
			} else {
				setString(b, "image_id", v.SourceImageID)
			}
		}
	}
}

func (w *writer) servers(cs []migrate.Created) {
	onTarget(w, cs, w.doc.Servers, func(s inventory.Server) string { return s.ID }, func(c migrate.Created, s inventory.Server) {
		b := w.resource(tServer, s.Name, s.ID, s.ID)
		label := w.lastLabel(tServer)
		b.SetAttributeValue("name", cty.StringVal(s.Name))
		setString(b, "flavor_name", s.FlavorName)
		if !s.BootFromVolume {
			w.ref(b, "image_id", s.ImageID)
		}
		if t, ok := w.refs["keypair:"+s.KeyName]; ok {
			b.SetAttributeTraversal("key_pair", t)
		} else {
			setString(b, "key_pair", s.KeyName)
		}
		if len(s.SecurityGroups) > 0 {
			names := slices.Clone(s.SecurityGroups)
			slices.Sort(names)
			setStrings(b, "security_groups", names)
		}
		setMap(b, "metadata", s.Metadata)
		tagged := setTags(b, s.Tags)
		if strings.EqualFold(s.Status, "SHUTOFF") {
			b.SetAttributeValue("power_state", cty.StringVal("shutoff"))
		}
		for _, port := range s.Ports {
			nb := b.AppendNewBlock("network", nil).Body()
			w.ref(nb, "port", port)
		}
		var attach []inventory.BlockDevice
		for _, bd := range s.BlockDevices {
			if bd.BootIndex < 0 {
				attach = append(attach, bd)
				continue
			}
			bb := b.AppendNewBlock("block_device", nil).Body()
			w.ref(bb, "uuid", bd.VolumeID)
			bb.SetAttributeValue("source_type", cty.StringVal("volume"))
			bb.SetAttributeValue("destination_type", cty.StringVal("volume"))
			bb.SetAttributeValue("boot_index", cty.NumberIntVal(int64(bd.BootIndex)))
			bb.SetAttributeValue("delete_on_termination", cty.BoolVal(bd.DeleteOnTermination))
		}
		if s.ServerGroupID != "" {
			sh := b.AppendNewBlock("scheduler_hints", nil).Body()
			w.ref(sh, "group", s.ServerGroupID)
		}
		ignoreChanges(b, append(tagged, "network", "block_device", "scheduler_hints", "force_delete", "stop_before_destroy")...)
		for _, bd := range attach {
			if _, ok := w.refs[bd.VolumeID]; !ok {
				continue
			}
			vol := bd.VolumeID
			if v, ok := find(w.doc.Volumes, func(v inventory.Volume) string { return v.ID }, vol); ok {
				vol = v.Name
			}
			ab := w.resource(tAttach, label+"_"+vol, "", s.ID+"/"+bd.VolumeID)
			w.ref(ab, "instance_id", s.ID)
			w.ref(ab, "volume_id", bd.VolumeID)
		}
	})
}

func (w *writer) floatingIPs(cs []migrate.Created) {
	onTarget(w, cs, w.doc.FloatingIPs, func(f inventory.FloatingIP) string { return f.ID }, func(c migrate.Created, f inventory.FloatingIP) {
		name := f.FloatingIPAddress
		if f.PortID != "" {
			if p, ok := find(w.doc.Ports, func(p inventory.Port) string { return p.ID }, f.PortID); ok && p.Name != "" {
				name = p.Name
			} else if srv := w.serverOfPort(f.PortID); srv != "" {
				name = srv
			}
		}
		b := w.resource(tFloatingIP, name, f.ID, f.ID)
		label := w.lastLabel(tFloatingIP)
		b.SetAttributeValue("pool", cty.StringVal(f.FloatingNetworkName))
		b.SetAttributeValue("address", cty.StringVal(f.FloatingIPAddress))
		setString(b, "description", f.Description)
		if f.PortID == "" {
			return
		}
		ab := w.resource(tFIPAssoc, label, "", f.ID)
		ab.SetAttributeTraversal("floating_ip", traversal(tFloatingIP, label, "address"))
		w.ref(ab, "port_id", f.PortID)
	})
}

func (w *writer) serverOfPort(portID string) string {
	for _, s := range w.doc.Servers {
		if slices.Contains(s.Ports, portID) {
			return s.Name
		}
	}
	return ""
}

func (w *writer) loadBalancers(cs []migrate.Created) {
	onTarget(w, cs, w.doc.LoadBalancers, func(l inventory.LoadBalancer) string { return l.ID }, func(c migrate.Created, lb inventory.LoadBalancer) {
		b := w.resource(tLB, lb.Name, lb.ID, lb.ID)
		setString(b, "name", lb.Name)
		setString(b, "description", lb.Description)
		w.ref(b, "vip_subnet_id", lb.VIPSubnetID)
		setString(b, "vip_address", lb.VIPAddress)
		ignoreChanges(b, setTags(b, lb.Tags)...)
		w.lbChildren(lb, w.lastLabel(tLB))
	})
}

// lbChildren writes a load balancer's listeners, pools, members and
// health monitors: the plan made them with it.
func (w *writer) lbChildren(lb inventory.LoadBalancer, lbLabel string) {
	for _, l := range lb.Listeners {
		b := w.resource(tListener, lbLabel+"_"+cmpOr(l.Name, l.Protocol+"_"+strconv.Itoa(l.ProtocolPort)), l.ID, l.ID)
		setString(b, "name", l.Name)
		w.ref(b, "loadbalancer_id", lb.ID)
		b.SetAttributeValue("protocol", cty.StringVal(l.Protocol))
		b.SetAttributeValue("protocol_port", cty.NumberIntVal(int64(l.ProtocolPort)))
		if l.ConnectionLimit != 0 {
			b.SetAttributeValue("connection_limit", cty.NumberIntVal(int64(l.ConnectionLimit)))
		}
		ignoreTags(b)
	}
	for _, p := range lb.Pools {
		b := w.resource(tPool, lbLabel+"_"+cmpOr(p.Name, p.Protocol), p.ID, p.ID)
		label := w.lastLabel(tPool)
		setString(b, "name", p.Name)
		b.SetAttributeValue("protocol", cty.StringVal(p.Protocol))
		b.SetAttributeValue("lb_method", cty.StringVal(p.LBAlgorithm))
		if p.ListenerID != "" {
			w.ref(b, "listener_id", p.ListenerID)
		} else {
			w.ref(b, "loadbalancer_id", lb.ID)
		}
		ignoreTags(b)
		for _, m := range p.Members {
			name := m.Name
			if name == "" {
				name = m.Address
				for _, port := range w.doc.Ports {
					for _, ip := range port.FixedIPs {
						if ip.IPAddress == m.Address && (m.SubnetID == "" || ip.SubnetID == m.SubnetID) {
							if srv := w.serverOfPort(port.ID); srv != "" {
								name = srv
							}
						}
					}
				}
			}
			mb := w.resource(tMember, label+"_"+name, "", p.ID+"/"+m.ID)
			setString(mb, "name", m.Name)
			w.ref(mb, "pool_id", p.ID)
			mb.SetAttributeValue("address", cty.StringVal(m.Address))
			mb.SetAttributeValue("protocol_port", cty.NumberIntVal(int64(m.ProtocolPort)))
			if m.SubnetID != "" {
				w.ref(mb, "subnet_id", m.SubnetID)
			}
			mb.SetAttributeValue("weight", cty.NumberIntVal(int64(m.Weight)))
			ignoreTags(mb)
		}
		if hm := p.HealthMonitor; hm != nil {
			hb := w.resource(tMonitor, label, "", hm.ID+"/"+p.ID)
			setString(hb, "name", hm.Name)
			w.ref(hb, "pool_id", p.ID)
			hb.SetAttributeValue("type", cty.StringVal(hm.Type))
			hb.SetAttributeValue("delay", cty.NumberIntVal(int64(hm.Delay)))
			hb.SetAttributeValue("timeout", cty.NumberIntVal(int64(hm.Timeout)))
			hb.SetAttributeValue("max_retries", cty.NumberIntVal(int64(hm.MaxRetries)))
			setString(hb, "http_method", hm.HTTPMethod)
			setString(hb, "url_path", hm.URLPath)
			setString(hb, "expected_codes", hm.ExpectedCodes)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
