package inventory

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
)

// powerStates are Nova's OS-EXT-STS:power_state codes.
var powerStates = map[int]string{0: "nostate", 1: "running", 3: "paused", 4: "shutdown", 6: "crashed", 7: "suspended"}

// serverJoin holds what a server is joined with: its ports (from the
// port list), its server group (from the groups' members), its volumes
// (from the volume list) and the flavors.
type serverJoin struct {
	portsOf  map[string][]neutronPort // device ID → ports
	nicOrder map[string][]string      // server ID → port IDs as Nova orders them
	groupOf  map[string]string        // server ID → group ID
	volumes  map[string]Volume
	flavors  *flavorResolver
}

func newServerJoin(r *raw, vols []Volume, fl *flavorResolver) *serverJoin {
	j := &serverJoin{portsOf: map[string][]neutronPort{}, nicOrder: r.nicOrder, groupOf: map[string]string{},
		volumes: map[string]Volume{}, flavors: fl}
	for _, p := range r.ports {
		if strings.HasPrefix(p.DeviceOwner, "compute:") {
			j.portsOf[p.DeviceID] = append(j.portsOf[p.DeviceID], p)
		}
	}
	for _, g := range r.serverGroups {
		for _, m := range g.Members {
			j.groupOf[m] = g.ID
		}
	}
	for _, v := range vols {
		j.volumes[v.ID] = v
	}
	return j
}

func (j *serverJoin) server(s novaServer) Server {
	fl := j.flavors.resolve(s)
	out := Server{
		ID: s.ID, Name: s.Name, Status: s.Status, PowerState: powerStates[s.PowerState],
		FlavorID: fl.ID, FlavorName: fl.Name, ImageID: s.imageID(),
		KeyName: s.KeyName, ServerGroupID: j.groupOf[s.ID], AvailabilityZone: s.AZ,
		Metadata: s.Metadata, Tags: s.Tags, ConfigDrive: bool(s.ConfigDrive), Description: deref(s.Description),
	}
	out.BootFromVolume = out.ImageID == ""
	out.BlockDevices = j.blockDevices(s, out.BootFromVolume)
	out.Ports = j.ports(s.ID)
	for _, sg := range s.SecGroups {
		if !slices.Contains(out.SecurityGroups, sg.Name) {
			out.SecurityGroups = append(out.SecurityGroups, sg.Name)
		}
	}
	return out
}

// ports are the server's port IDs in interface order: Nova's order
// where it was read (servers with several ports), else by creation time
// (Nova creates the ports of a boot request in NIC order), then address.
func (j *serverJoin) ports(serverID string) []string {
	ps := slices.Clone(j.portsOf[serverID])
	rank := map[string]int{}
	for i, id := range j.nicOrder[serverID] {
		rank[id] = i + 1
	}
	slices.SortFunc(ps, func(a, b neutronPort) int {
		return cmp.Or(cmp.Compare(rankOr(rank, a.ID), rankOr(rank, b.ID)), cmp.Compare(a.CreatedAt, b.CreatedAt),
			compareIP(firstIP(a), firstIP(b)), cmp.Compare(a.ID, b.ID))
	})
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// rankOr is the port's place in Nova's order; unknown ports go last.
func rankOr(rank map[string]int, id string) int {
	if r, ok := rank[id]; ok {
		return r
	}
	return len(rank) + 1
}

func firstIP(p neutronPort) string {
	if len(p.RawFixedIPs) == 0 {
		return ""
	}
	return p.RawFixedIPs[0].IPAddress
}

// blockDevices joins Nova's volumes_attached (delete_on_termination) with
// Cinder's attachments (device). The root volume of a boot-from-volume
// server is the one at the lowest device name (/dev/vda): the root
// device name itself is admin-only.
func (j *serverJoin) blockDevices(s novaServer, bfv bool) []BlockDevice {
	var out []BlockDevice
	for _, av := range s.Volumes {
		bd := BlockDevice{VolumeID: av.ID, BootIndex: -1, DeleteOnTermination: av.DeleteOnTermination}
		for _, a := range j.volumes[av.ID].Attachments {
			if a.ServerID == s.ID {
				bd.Device = a.Device
			}
		}
		out = append(out, bd)
	}
	slices.SortFunc(out, func(a, b BlockDevice) int {
		return cmp.Or(compareDevice(a.Device, b.Device), cmp.Compare(a.VolumeID, b.VolumeID))
	})
	if bfv && len(out) > 0 {
		out[0].BootIndex = 0
	}
	return out
}

// compareDevice orders device names as the kernel hands them out:
// /dev/vdz before /dev/vdaa; an unknown device last.
func compareDevice(a, b string) int {
	if (a == "") != (b == "") {
		if a == "" {
			return 1
		}
		return -1
	}
	return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b))
}

// compareIP orders addresses numerically; what does not parse sorts
// after, as text.
func compareIP(a, b string) int {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	switch {
	case errA == nil && errB == nil:
		return x.Compare(y)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return cmp.Compare(a, b)
}
