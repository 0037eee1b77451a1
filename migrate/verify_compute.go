package migrate

import (
	"maps"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/plans"
)

func (v *verifier) keypair(s plans.Step) {
	src, ok := v.src.Keypairs[s.SourceID]
	if !ok {
		return
	}
	dst, _ := target(v, v.dst.Keypairs, "keypair", src.Name, src.Name)
	if dst == nil {
		return
	}
	if src.Fingerprint != "" && dst.Fingerprint != "" {
		v.same("keypair", src.Name, src.Name, dst.Name, "fingerprint", src.Fingerprint, dst.Fingerprint)
	} else if !sameKey(src.PublicKey, dst.PublicKey) {
		v.diff("keypair", src.Name, src.Name, dst.Name, "public key", src.PublicKey, dst.PublicKey)
	}
}

func (v *verifier) serverGroup(s plans.Step) {
	src, ok := v.src.ServerGroups[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.ServerGroups, "server-group", src.Name, src.ID)
	if dst == nil {
		return
	}
	v.same("server-group", src.Name, src.ID, id, "policy", src.Policy, dst.Policy)
	var want []string
	for _, m := range src.Members {
		if t := v.mapped("server", m); t != "" {
			want = append(want, t)
		}
	}
	v.same("server-group", src.Name, src.ID, id, "members", sortedCopy(want), sortedCopy(dst.Members))
}

func (v *verifier) server(s plans.Step) {
	src, ok := v.src.Servers[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.Servers, "server", src.Name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("server", src.Name, src.ID, id, field, a, b) }
	if s.Target.FlavorID != "" && dst.FlavorID != "" {
		f("flavor", s.Target.FlavorID, dst.FlavorID)
	} else if s.Target.FlavorName != "" {
		f("flavor", s.Target.FlavorName, dst.FlavorName)
	}
	f("status", src.Status, dst.Status)
	f("boot from volume", src.BootFromVolume, dst.BootFromVolume)
	if !src.BootFromVolume {
		f("image", v.serverImage(s, src.ID, src.ImageID), dst.ImageID)
	}
	var ports []string
	for _, p := range src.Ports {
		ports = append(ports, v.mapped("port", p))
	}
	f("ports (interface order)", ports, dst.Ports)
	var devs, have []string
	for _, bd := range src.BlockDevices {
		devs = append(devs, v.mapped("volume", bd.VolumeID))
	}
	for _, bd := range dst.BlockDevices {
		have = append(have, bd.VolumeID)
	}
	f("volumes (device order)", devs, have)
	// Security groups live on the ports (Nova's list is derived from
	// them); port verification compares them through the ID map.
	f("keypair", src.KeyName, dst.KeyName)
	f("metadata", sortedMap(src.Metadata), sortedMap(dst.Metadata))
	f("tags", sortedCopy(withoutMarkers(src.Tags)), sortedCopy(withoutMarkers(dst.Tags)))
	if src.ServerGroupID != "" {
		f("server group", v.mapped("server-group", src.ServerGroupID), dst.ServerGroupID)
	}
	if s.Target.AvailabilityZone != "" {
		f("availability zone", s.Target.AvailabilityZone, dst.AvailabilityZone)
	}
}

// serverImage is the target image the server should boot from.
func (v *verifier) serverImage(s plans.Step, serverID, imageID string) string {
	if t := v.mapped("server-image", serverID); t != "" {
		return t
	}
	if s.Target.ImageID != "" {
		return s.Target.ImageID
	}
	for _, m := range v.plan.Mappings.Images {
		if m.SourceID == imageID && m.Action == "map" && m.TargetID != "" {
			return m.TargetID
		}
	}
	return v.mapped("image", imageID)
}

func sortedMap(m map[string]string) string {
	keys := slices.Sorted(maps.Keys(m))
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + m[k] + " ")
	}
	return strings.TrimSpace(b.String())
}

func (v *verifier) image(s plans.Step) {
	src, ok := v.src.Images[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.Images, "image", src.Name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("image", src.Name, src.ID, id, field, a, b) }
	f("status", "active", dst.Status)
	f("size", src.SizeBytes, dst.SizeBytes)
	f("checksum (md5)", src.Checksum, dst.Checksum)
	if src.HashAlgo == dst.HashAlgo {
		f("hash ("+src.HashAlgo+")", src.HashValue, dst.HashValue)
	}
	f("disk format", src.DiskFormat, dst.DiskFormat)
	f("min disk", src.MinDiskGB, dst.MinDiskGB)
	f("min ram", src.MinRAMMiB, dst.MinRAMMiB)
}

// snapshot checks a server's root disk copy against the digests the
// transfer measured (the source snapshot is gone by design).
func (v *verifier) snapshot(s plans.Step) {
	src, ok := v.src.Servers[s.SourceID]
	if !ok {
		return
	}
	name := src.Name + " (root disk)"
	dst, id := target(v, v.dst.Images, "server-image", name, src.ID)
	if dst == nil {
		return
	}
	vals := v.steps[s.ID].Values
	v.same("image", name, src.ID, id, "status", "active", dst.Status)
	if md5 := vals["md5"]; md5 != "" {
		v.same("image", name, src.ID, id, "checksum (md5)", md5, dst.Checksum)
	}
	if sha := vals["sha512"]; sha != "" && dst.HashAlgo == "sha512" {
		v.same("image", name, src.ID, id, "hash (sha512)", sha, dst.HashValue)
	}
}

func (v *verifier) volume(s plans.Step) {
	src, ok := v.src.Volumes[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.Volumes, "volume", src.Name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("volume", src.Name, src.ID, id, field, a, b) }
	f("size (GiB)", src.SizeGB, dst.SizeGB)
	f("bootable", src.Bootable, dst.Bootable)
	if want := s.Target.VolumeType; want != "" && !v.sameVolumeType(want, dst.VolumeType) {
		v.diff("volume", src.Name, src.ID, id, "volume type", want, dst.VolumeType)
	}
	if s.Target.AvailabilityZone != "" {
		f("availability zone", s.Target.AvailabilityZone, dst.AvailabilityZone)
	}
}

// sameVolumeType accepts a volume type given by name or by ID.
func (v *verifier) sameVolumeType(want, got string) bool {
	if want == got {
		return true
	}
	for _, m := range v.plan.Mappings.VolumeTypes {
		names := []string{m.TargetID, m.TargetName}
		if slices.Contains(names, want) && slices.Contains(names, got) {
			return true
		}
	}
	for _, t := range v.dst.VolumeTypes {
		if (t.ID == want && t.Name == got) || (t.Name == want && t.ID == got) {
			return true
		}
	}
	return false
}
