package plans

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// gib is one GiB in bytes.
const gib = int64(1) << 30

// addImages writes a copy step per image the mapping copies; mapped
// images need none, blocked ones are reported.
func (b *builder) addImages() {
	for _, m := range b.d.list.Images {
		img := b.ix.Images[m.SourceID]
		switch m.Action {
		case "blocked":
			b.block(Finding{Kind: "image", SourceID: m.SourceID, Name: m.SourceName, Reason: m.Reason})
		case "copy":
			id := stepID(StepCopyImage, m.SourceID)
			b.add(Step{ID: id, Kind: StepCopyImage, SourceID: m.SourceID, Name: m.SourceName, Bytes: img.SizeBytes,
				DataBytes: img.SizeBytes, DataBasis: DataImageSize})
			if !b.targetOffers("image") {
				b.block(Finding{Kind: "image", SourceID: m.SourceID, Name: m.SourceName, Reason: lacks("image")}, id)
			}
		}
	}
}

// copyableVolume are the volume states a copy can start from.
var copyableVolume = map[string]bool{"available": true, "in-use": true, "": true}

// addVolumes writes a copy step per volume, after the servers it is
// attached to are stopped (cold cutover).
func (b *builder) addVolumes() {
	for _, v := range b.inv.Volumes {
		id := stepID(StepCopyVolume, v.ID)
		st := Step{ID: id, Kind: StepCopyVolume, SourceID: v.ID, Name: b.volumeName(v.ID), Bytes: int64(v.SizeGB) * gib}
		st.DataBytes, st.DataBasis = dataEstimate(st.Bytes, b.volumeImageBytes(v))
		st.Target.VolumeType = b.d.volumeTypes[v.VolumeType].TargetName
		st.Target.AvailabilityZone = b.d.volumeAZs[v.AvailabilityZone].TargetName
		for _, a := range v.Attachments {
			st.DependsOn = append(st.DependsOn, stepID(StepStopServer, a.ServerID))
		}
		b.add(st)
		switch {
		case !copyableVolume[v.Status]:
			b.block(Finding{Kind: "volume", SourceID: v.ID, Name: b.volumeName(v.ID), Reason: fmt.Sprintf("volume in status %q cannot be copied", v.Status)}, id)
		case !b.targetOffers("volume", "volumev3", "block-storage"):
			b.block(Finding{Kind: "volume", SourceID: v.ID, Name: b.volumeName(v.ID), Reason: lacks("block-storage")}, id)
		}
	}
}

// addPorts writes a step per server port and unbound port, with the same
// fixed IPs and MAC, after its network, subnets and security groups.
func (b *builder) addPorts() {
	for _, p := range b.inv.Ports {
		if p.DeviceOwner != "" && !strings.HasPrefix(p.DeviceOwner, "compute:") {
			continue // router, DHCP, load-balancer and floating-IP ports are made by their owners
		}
		id := stepID(StepPort, p.ID)
		st := Step{ID: id, Kind: StepPort, SourceID: p.ID, Name: b.portName(p), DependsOn: []string{stepID(StepNetwork, p.NetworkID)}}
		st.Target.KeepMAC = true
		for _, ip := range p.FixedIPs {
			st.DependsOn = append(st.DependsOn, stepID(StepSubnet, ip.SubnetID))
		}
		for _, g := range p.SecurityGroups {
			st.DependsOn = append(st.DependsOn, stepID(StepSecurityGroup, g))
			if _, ok := b.ix.SecurityGroups[g]; !ok {
				b.warn("port", p.ID, p.Name, fmt.Sprintf("security group %s is not in the inventory; the port is created without it", g))
			}
		}
		b.add(st)
		if reason := b.portProblem(p); reason != "" {
			b.blockPortOwner(p, id, reason)
		}
	}
}

// portName is a port's name, else its server's name and address.
func (b *builder) portName(p inventory.Port) string {
	if p.Name != "" {
		return p.Name
	}
	name := p.ID
	if s, ok := b.ix.Servers[p.DeviceID]; ok {
		name = s.Name
	}
	if len(p.FixedIPs) > 0 {
		name += " " + p.FixedIPs[0].IPAddress
	}
	return name
}

// portProblem says why a port cannot be rebuilt, or "".
func (b *builder) portProblem(p inventory.Port) string {
	if !b.has(stepID(StepNetwork, p.NetworkID)) {
		return fmt.Sprintf("port %s is on network %s, which is not one of the tenant's networks (a provider or external network)", p.ID, p.NetworkID)
	}
	for _, ip := range p.FixedIPs {
		if !b.has(stepID(StepSubnet, ip.SubnetID)) {
			return fmt.Sprintf("port %s has address %s on subnet %s, which is not in the inventory", p.ID, ip.IPAddress, ip.SubnetID)
		}
	}
	return ""
}

// blockPortOwner blocks the server a port belongs to, or the port alone.
func (b *builder) blockPortOwner(p inventory.Port, id, reason string) {
	if s, ok := b.ix.Servers[p.DeviceID]; ok {
		b.block(Finding{Kind: "server", SourceID: s.ID, Name: s.Name, Reason: reason}, b.serverParts(s)...)
		return
	}
	b.block(Finding{Kind: "port", SourceID: p.ID, Name: p.Name, Reason: reason}, id)
}

// stoppable are the server states a cold cutover stops first; a
// SHUTOFF server needs no stop; anything else is blocked.
var stoppable = map[string]bool{"ACTIVE": true, "PAUSED": true, "SUSPENDED": true}

// addServers writes, per server: the stop on the source (cold cutover),
// the snapshot of an ephemeral root disk, the server itself after its
// disk, ports, keypair and group, and its data volumes attached one
// after the other in the original device order.
func (b *builder) addServers() {
	for i := range b.inv.Servers {
		s := &b.inv.Servers[i]
		if stoppable[s.Status] && b.opts.Cutover == CutoverCold {
			b.add(Step{ID: stepID(StepStopServer, s.ID), Kind: StepStopServer, SourceID: s.ID, Name: s.Name})
		}
		b.addServer(s)
		b.addAttachments(s)
		if reason := b.serverProblem(s); reason != "" {
			b.block(Finding{Kind: "server", SourceID: s.ID, Name: s.Name, Reason: reason}, b.serverParts(s)...)
		}
	}
}

// addServer writes the server step and the snapshot it boots from.
func (b *builder) addServer(s *inventory.Server) {
	id := stepID(StepServer, s.ID)
	st := Step{ID: id, Kind: StepServer, SourceID: s.ID, Name: s.Name}
	if m, ok := b.d.flavorOf(*s); ok {
		st.Target.FlavorID, st.Target.FlavorName = m.TargetID, m.TargetName
	}
	st.Target.AvailabilityZone = b.d.computeAZs[s.AvailabilityZone].TargetName
	if root := rootVolume(s); root != "" {
		st.DependsOn = append(st.DependsOn, stepID(StepCopyVolume, root))
	} else {
		snap := stepID(StepSnapshotServer, s.ID)
		sn := Step{ID: snap, Kind: StepSnapshotServer, SourceID: s.ID, Name: s.Name,
			DependsOn: []string{stepID(StepStopServer, s.ID)}, Bytes: b.rootDiskBytes(s)}
		var imageBytes int64
		if img, ok := b.ix.Images[s.ImageID]; ok {
			imageBytes = img.SizeBytes
		}
		sn.DataBytes, sn.DataBasis = dataEstimate(sn.Bytes, imageBytes)
		b.add(sn)
		st.DependsOn = append(st.DependsOn, snap)
	}
	for _, p := range s.Ports {
		st.DependsOn = append(st.DependsOn, stepID(StepPort, p))
	}
	if s.KeyName != "" {
		st.DependsOn = append(st.DependsOn, stepID(StepKeypair, s.KeyName))
		if b.ix.Keypairs[s.KeyName] == nil {
			b.warn("server", s.ID, s.Name, fmt.Sprintf("keypair %q is not in the inventory (keypairs belong to users): the server is created without it; its disk keeps the authorized keys", s.KeyName))
		}
	}
	if s.ServerGroupID != "" {
		st.DependsOn = append(st.DependsOn, stepID(StepServerGroup, s.ServerGroupID))
	}
	b.add(st)
}

// addAttachments chains the data-volume attachments in device order.
func (b *builder) addAttachments(s *inventory.Server) {
	prev := stepID(StepServer, s.ID)
	root := rootVolume(s)
	for _, bd := range s.BlockDevices {
		if bd.VolumeID == root {
			continue
		}
		id := stepID(StepAttachVolume, s.ID, bd.VolumeID)
		b.add(Step{ID: id, Kind: StepAttachVolume, SourceID: bd.VolumeID, ParentID: s.ID,
			Name: s.Name + ": " + b.volumeName(bd.VolumeID), DependsOn: []string{prev, stepID(StepCopyVolume, bd.VolumeID)}})
		prev = id
	}
}

// serverProblem says why a server cannot be rebuilt, or "".
func (b *builder) serverProblem(s *inventory.Server) string {
	if _, ok := b.ix.FlavorOf(s.FlavorID, s.FlavorName); !ok {
		return fmt.Sprintf("flavor %q is not in the inventory", s.FlavorName)
	}
	if m, _ := b.d.flavorOf(*s); m.Action == "blocked" {
		return fmt.Sprintf("flavor %s: %s", s.FlavorName, m.Reason)
	}
	if !stoppable[s.Status] && s.Status != "SHUTOFF" {
		return fmt.Sprintf("server in status %s: only ACTIVE, PAUSED, SUSPENDED and SHUTOFF servers can be moved", s.Status)
	}
	if !b.targetOffers("compute") {
		return lacks("compute")
	}
	if rootVolume(s) == "" && !b.targetOffers("image") {
		return lacks("image") + " (the root disk travels as an image)"
	}
	return ""
}

// serverParts are the steps of a server that go when it is blocked: its
// stop, snapshot, ports, server step and its volumes (a shared
// multi-attach volume stays).
func (b *builder) serverParts(s *inventory.Server) []string {
	ids := []string{stepID(StepServer, s.ID), stepID(StepStopServer, s.ID), stepID(StepSnapshotServer, s.ID)}
	for _, p := range s.Ports {
		ids = append(ids, stepID(StepPort, p))
	}
	for _, bd := range s.BlockDevices {
		if v, ok := b.ix.Volumes[bd.VolumeID]; !ok || !v.Multiattach {
			ids = append(ids, stepID(StepCopyVolume, bd.VolumeID))
		}
	}
	return ids
}

// rootVolume is the boot volume of a boot-from-volume server, or "".
func rootVolume(s *inventory.Server) string {
	if !s.BootFromVolume {
		return ""
	}
	for _, bd := range s.BlockDevices {
		if bd.BootIndex == 0 {
			return bd.VolumeID
		}
	}
	if len(s.BlockDevices) > 0 {
		return s.BlockDevices[0].VolumeID
	}
	return ""
}

// rootDiskBytes estimates the data of an ephemeral root disk: the
// flavor's root disk (an upper bound), else the image's virtual size.
func (b *builder) rootDiskBytes(s *inventory.Server) int64 {
	if f, ok := b.ix.FlavorOf(s.FlavorID, s.FlavorName); ok && f.DiskGB > 0 {
		return int64(f.DiskGB) * gib
	}
	if img, ok := b.ix.Images[s.ImageID]; ok {
		return max(img.VirtualSize, img.SizeBytes, int64(img.MinDiskGB)*gib)
	}
	return 0
}

// dataEstimate is the data a disk copy moves: the size of the image it
// was made from when known (at most the provisioned size), else the
// provisioned size, an upper bound.
func dataEstimate(provisioned, imageBytes int64) (int64, string) {
	if imageBytes > 0 && (provisioned == 0 || imageBytes <= provisioned) {
		return imageBytes, DataImageSize
	}
	return provisioned, DataProvisioned
}

// volumeImageBytes is the size of the image a volume was made from:
// its sourceImageID or the image_id of its image metadata in the
// inventory, else the metadata's own size; 0 if unknown.
func (b *builder) volumeImageBytes(v inventory.Volume) int64 {
	for _, id := range []string{v.SourceImageID, v.ImageMetadata["image_id"]} {
		if img, ok := b.ix.Images[id]; ok && id != "" && img.SizeBytes > 0 {
			return img.SizeBytes
		}
	}
	if n, err := strconv.ParseInt(v.ImageMetadata["size"], 10, 64); err == nil && n > 0 {
		return n
	}
	return 0
}

// volumeName is a volume's name; an unnamed volume (Nova names none of
// the root volumes it creates) is called after its server.
func (b *builder) volumeName(id string) string { return volumeDisplayName(b.ix, id) }

// volumeDisplayName names a volume as plans and reports show it: its
// name, else "<server> root disk" or "<server> disk <device>" after the
// server it is attached to, else its ID.
func volumeDisplayName(ix *inventory.Index, id string) string {
	v, ok := ix.Volumes[id]
	switch {
	case !ok:
		return id
	case v.Name != "":
		return v.Name
	case len(v.Attachments) > 0 && ix.Servers[v.Attachments[0].ServerID] != nil:
		what := " disk " + v.Attachments[0].Device
		if v.Bootable {
			what = " root disk"
		}
		return ix.Servers[v.Attachments[0].ServerID].Name + what
	}
	return id
}

// targetOffers reports whether the target's catalog has any of the
// service types; an unread catalog is given the benefit of the doubt.
func (b *builder) targetOffers(types ...string) bool {
	return len(b.tgt.Services) == 0 || b.tgt.HasService(types...)
}

// lacks is the reason for a service the target does not offer.
func lacks(service string) string {
	return fmt.Sprintf("the target's catalog has no %s service (scs-0123 mandatory)", service)
}
