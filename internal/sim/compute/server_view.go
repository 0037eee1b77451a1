package compute

import (
	"maps"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// progressStatuses are the statuses for which Nova shows "progress".
var progressStatuses = []string{"ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"}

// serverBodyLocked is a server as GET /servers/{id} shows it to its
// project (no admin-only attributes) at microversion v.
func (s *Room) serverBodyLocked(srv *server, v microversion) map[string]any {
	b := map[string]any{
		"id": srv.ID, "name": srv.Name, "status": srv.status(),
		"tenant_id": srv.ProjectID, "user_id": srv.UserID,
		"metadata": maps.Clone(srv.Metadata), "hostId": srv.hostID(),
		"image": s.serverImage(srv), "flavor": s.serverFlavor(srv, v),
		"created": core.ISOTime(srv.Created), "updated": core.ISOTime(srv.Updated),
		"addresses": s.addressesLocked(srv), "accessIPv4": srv.AccessIPv4, "accessIPv6": srv.AccessIPv6,
		"links": s.links("servers", srv.ID), "OS-DCF:diskConfig": srv.DiskConfig,
		"OS-EXT-AZ:availability_zone": srv.AZ, "config_drive": "", "key_name": null(srv.KeyName),
		"OS-SRV-USG:launched_at": usageTime(srv.Launched), "OS-SRV-USG:terminated_at": nil,
		"OS-EXT-STS:task_state": null(srv.TaskState), "OS-EXT-STS:vm_state": srv.VMState,
		"OS-EXT-STS:power_state":               srv.PowerState,
		"os-extended-volumes:volumes_attached": s.attachedVolumes(srv, v),
	}
	if srv.ConfigDrive {
		b["config_drive"] = "True"
	}
	if slices.Contains(progressStatuses, srv.status()) {
		b["progress"] = 0
	}
	if len(srv.Ports) > 0 {
		b["security_groups"] = s.serverSecurityGroupsLocked(srv)
	}
	if srv.Fault != nil {
		b["fault"] = map[string]any{"code": srv.Fault.Code, "created": core.ISOTime(srv.Fault.Created), "message": srv.Fault.Message}
	}
	s.addVersionedFields(b, srv, v)
	return b
}

// addVersionedFields adds what later microversions show.
func (s *Room) addVersionedFields(b map[string]any, srv *server, v microversion) {
	if v >= 9 {
		b["locked"] = srv.Locked
	}
	if v >= 19 {
		b["description"] = srv.Description
	}
	if v >= 26 {
		b["tags"] = append([]string{}, srv.Tags...)
	}
	if v >= 63 {
		b["trusted_image_certificates"] = nil
	}
	if v >= 71 {
		groups := []string{}
		if _, ok := s.groups[srv.Group]; ok {
			groups = append(groups, srv.Group)
		}
		b["server_groups"] = groups
	}
	if v >= 73 {
		b["locked_reason"] = nil
	}
	if v >= 90 {
		b["OS-EXT-SRV-ATTR:hostname"] = hostnameOf(srv.Name)
	}
	if v >= 96 {
		b["pinned_availability_zone"] = nil
	}
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// usageTime is how Nova prints launched_at: no zone, microseconds.
func usageTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

func (s *Room) serverImage(srv *server) any {
	if srv.ImageID == "" {
		return ""
	}
	return map[string]any{"id": srv.ImageID, "links": s.bookmark("images", srv.ImageID)}
}

// serverFlavor is the embedded flavor: a reference before 2.47, the
// flavor's values as they were at boot from 2.47 on.
func (s *Room) serverFlavor(srv *server, v microversion) map[string]any {
	f := srv.Flavor
	if v < 47 {
		return map[string]any{"id": f.ID, "links": s.bookmark("flavors", f.ID)}
	}
	return map[string]any{"vcpus": f.VCPUs, "ram": f.RAMMiB, "disk": f.DiskGB, "ephemeral": 0, "swap": 0,
		"original_name": f.Name, "extra_specs": maps.Clone(f.ExtraSpecs)}
}

func (s *Room) attachedVolumes(srv *server, v microversion) []map[string]any {
	out := []map[string]any{}
	for _, bv := range srv.Volumes {
		if bv.VolumeID == "" {
			continue
		}
		a := map[string]any{"id": bv.VolumeID}
		if v >= 3 {
			a["delete_on_termination"] = bv.DeleteOnTermination
		}
		out = append(out, a)
	}
	return out
}

// serverSecurityGroupsLocked are the groups of the server's ports as
// Neutron has them now, by name, each once: Nova answers with its ports'
// groups (nova.network.security_group_api.get_instances_security_groups_bindings),
// not with the groups the create request named, which Nova ignores for a
// port the request brought.
func (s *Room) serverSecurityGroupsLocked(srv *server) []map[string]string {
	out := []map[string]string{}
	var seen []string
	for _, sp := range srv.Ports {
		pi, ok := s.network.PortInfoLocked(srv.ProjectID, sp.PortID)
		if !ok {
			continue
		}
		for _, id := range pi.SecurityGroups {
			name := s.network.SecurityGroupNameLocked(id)
			if name == "" || slices.Contains(seen, name) {
				continue
			}
			seen = append(seen, name)
			out = append(out, map[string]string{"name": name})
		}
	}
	return out
}

// addressesLocked are the server's addresses keyed by network name, from
// its ports as Neutron has them now.
func (s *Room) addressesLocked(srv *server) map[string][]map[string]any {
	out := map[string][]map[string]any{}
	for _, sp := range srv.Ports {
		pi, ok := s.network.PortInfoLocked(srv.ProjectID, sp.PortID)
		if !ok {
			continue
		}
		name := pi.NetworkName
		if name == "" {
			name = s.network.NetworkNameLocked(pi.NetworkID)
		}
		for _, ip := range pi.FixedIPs {
			out[name] = append(out[name], addressOf(ip.IPAddress, "fixed", pi.MAC))
		}
		for _, ip := range pi.FloatingIPs {
			out[name] = append(out[name], addressOf(ip, "floating", pi.MAC))
		}
	}
	return out
}

func addressOf(ip, typ, mac string) map[string]any {
	version := 6
	if parsed := net.ParseIP(ip); parsed != nil && parsed.To4() != nil {
		version = 4
	}
	return map[string]any{"version": version, "addr": ip, "OS-EXT-IPS:type": typ, "OS-EXT-IPS-MAC:mac_addr": mac}
}

// hostnameOf is the guest hostname Nova derives from a server name.
func hostnameOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '.':
			b.WriteRune(r)
		case r == ' ' || r == '_':
			b.WriteRune('-')
		}
	}
	h := strings.Trim(b.String(), "-.")
	if len(h) > 63 {
		h = h[:63]
	}
	if h == "" {
		return "server"
	}
	return h
}
