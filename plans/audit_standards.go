package plans

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// standardsOf reads the tenant through the standards: scs-0103 flavors,
// scs-0104 images, scs-0102 metadata of its own images, scs-0123
// services.
func standardsOf(inv *inventory.Document, now time.Time) Standards {
	s := Standards{StandardFlavors: []string{}, SCSFlavors: []string{}, NonStandardFlavors: []FlavorStandard{},
		StandardImages: []string{}, CustomImages: []ImageStandard{}, OptionalServices: []string{}}
	if inv == nil {
		return s
	}
	for _, f := range inv.Flavors {
		ff := factsOf(f)
		switch _, std := scs.LookupStandardFlavor(ff.key); {
		case std:
			s.StandardFlavors = append(s.StandardFlavors, f.Name)
		case ff.spec != nil:
			s.SCSFlavors = append(s.SCSFlavors, f.Name)
		default:
			s.NonStandardFlavors = append(s.NonStandardFlavors, standardEquivalent(ff))
		}
	}
	for _, img := range inv.Images {
		switch {
		case img.OwnedByTenant:
			s.CustomImages = append(s.CustomImages, ImageStandard{Name: img.Name, Missing: metadataErrors(img, now)})
		case isStandardImage(img.Name):
			s.StandardImages = append(s.StandardImages, img.Name)
		}
	}
	for _, u := range usedServices(inv) {
		if !u.Mandatory {
			s.OptionalServices = append(s.OptionalServices, u.Name)
		}
	}
	return s
}

// standardEquivalent finds the scs-0103 flavor with the same vCPUs, RAM
// and disk, else the diskless one with the same vCPUs and RAM.
func standardEquivalent(ff flavorFacts) FlavorStandard {
	fs := FlavorStandard{Name: ff.f.Name, Spec: ff.describe(flavorUse{ephemeral: true})}
	var diskless string
	for _, std := range scs.StandardFlavors() {
		if std.VCPUs != ff.f.VCPUs || std.RAMMiB != ff.f.RAMMiB || factsOf(inventory.Flavor{Name: std.Name, ExtraSpecs: std.ExtraSpecs}).cpu != ff.cpu {
			continue
		}
		if std.DiskGB == ff.f.DiskGB {
			fs.Equivalent = std.Name
			return fs
		}
		if std.DiskGB == 0 {
			diskless = std.Name
		}
	}
	if diskless != "" {
		fs.Equivalent, fs.Note = diskless, fmt.Sprintf("without the %d GB root disk: boot from a volume", ff.f.DiskGB)
	}
	return fs
}

// metadataErrors are the scs-0102 properties a tenant image fails on
// (the provider-side recency rule aside).
func metadataErrors(img inventory.Image, now time.Time) []string {
	created, _ := time.Parse(time.RFC3339, img.CreatedAt)
	props := img.Properties
	if img.HashAlgo != "" && props["os_hash_algo"] == "" {
		props = clonePlus(props, "os_hash_algo", img.HashAlgo)
	}
	var keys []string
	for _, f := range scs.CheckImageMetadata(img.Name, props, img.MinDiskGB, img.MinRAMMiB, img.SizeBytes, created, now) {
		if f.Severity == scs.SeverityError && f.Key != "recency" && !slices.Contains(keys, f.Key) {
			keys = append(keys, f.Key)
		}
	}
	return nonNil(keys)
}

func clonePlus(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

func isStandardImage(name string) bool {
	_, ok := scs.MatchStandardImage(name)
	return ok
}

// standardItems rates every resource by the standards alone.
func standardItems(inv *inventory.Document, std Standards) []Item {
	var items []Item
	add := func(kind, id, name string, st Status, reason string) {
		items = append(items, Item{Kind: kind, SourceID: id, Name: name, Status: st, Reason: reason})
	}
	for _, u := range usedServices(inv) {
		if u.Mandatory {
			add("service", "", u.Name, StatusPortable, "scs-0123 mandatory: every SCS cloud offers it")
		} else {
			add("service", "", u.Name, StatusChange, "optional in scs-0123: a target may lack it ("+u.Why+")")
		}
	}
	flavorStatus := map[string]Status{}
	for _, f := range inv.Flavors {
		st, reason := flavorByStandard(f, std)
		flavorStatus[f.ID], flavorStatus["name:"+f.Name] = st, st
		add("flavor", f.ID, f.Name, st, reason)
	}
	for _, img := range inv.Images {
		st, reason := imageByStandard(img, std)
		add("image", img.ID, img.Name, st, reason)
	}
	for _, vt := range sourceVolumeTypes(inv) {
		st, reason := volumeTypeByStandard(vt)
		add("volume-type", vt.ID, vt.Name, st, reason)
	}
	items = append(items, serversByStandard(inv, flavorStatus)...)
	ix := inventory.NewIndex(inv)
	for _, v := range inv.Volumes {
		add("volume", v.ID, volumeDisplayName(ix, v.ID), StatusCopy, fmt.Sprintf("%d GB copied", v.SizeGB))
	}
	items = append(items, rebuiltItems(inv)...)
	for _, f := range inv.FloatingIPs {
		add("floating-ip", f.ID, f.FloatingIPAddress, StatusChange, "a floating IP gets a new address on any other cloud")
	}
	return items
}

// serversByStandard rates servers by their flavor's standing; an
// ephemeral root disk is copied.
func serversByStandard(inv *inventory.Document, flavorStatus map[string]Status) []Item {
	var items []Item
	for _, s := range inv.Servers {
		st := flavorStatus[s.FlavorID]
		if st == "" {
			st = cmpStatus(flavorStatus["name:"+s.FlavorName], StatusChange)
		}
		reason := "flavor " + s.FlavorName + " is standard"
		if st != StatusPortable {
			reason = "flavor " + s.FlavorName + " is not standard: a target maps it by its spec"
		}
		if !s.BootFromVolume {
			st, reason = worse(st, StatusCopy), reason+"; its root disk is copied as a snapshot"
		}
		items = append(items, Item{Kind: "server", SourceID: s.ID, Name: s.Name, Status: st, Reason: reason})
	}
	return items
}

// rebuiltItems are the resources any SCS cloud rebuilds identically.
func rebuiltItems(inv *inventory.Document) []Item {
	var items []Item
	add := func(kind, id, name string) {
		items = append(items, Item{Kind: kind, SourceID: id, Name: name, Status: StatusPortable, Reason: "rebuilt as it is"})
	}
	for _, n := range inv.Networks {
		if !n.External {
			add("network", n.ID, n.Name)
		}
	}
	for _, s := range inv.Subnets {
		add("subnet", s.ID, s.Name)
	}
	for _, r := range inv.Routers {
		add("router", r.ID, r.Name)
	}
	for _, g := range inv.SecurityGroups {
		add("security-group", g.ID, g.Name)
	}
	for _, k := range inv.Keypairs {
		add("keypair", k.Name, k.Name)
	}
	for _, g := range inv.ServerGroups {
		add("server-group", g.ID, g.Name)
	}
	for _, lb := range inv.LoadBalancers {
		add("load-balancer", lb.ID, lb.Name)
	}
	return items
}

func flavorByStandard(f inventory.Flavor, std Standards) (Status, string) {
	ff := factsOf(f)
	if slices.Contains(std.StandardFlavors, f.Name) {
		s, _ := scs.LookupStandardFlavor(ff.key)
		if s.Mandatory {
			return StatusPortable, "scs-0103 mandatory flavor: every SCS cloud offers it"
		}
		return StatusPortable, "scs-0103 recommended flavor"
	}
	if ff.spec != nil {
		return StatusChange, "SCS name, not a standard flavor: a target maps it by its spec " + ff.spec.String()
	}
	for _, n := range std.NonStandardFlavors {
		if n.Name == f.Name && n.Equivalent != "" {
			reason := "not an SCS flavor; standard equivalent " + n.Equivalent
			if n.Note != "" {
				reason += " (" + n.Note + ")"
			}
			return StatusChange, reason
		}
	}
	return StatusChange, "not an SCS flavor, no standard equivalent: a target maps it to the smallest flavor covering " + ff.describe(flavorUse{ephemeral: true})
}

func imageByStandard(img inventory.Image, std Standards) (Status, string) {
	if img.OwnedByTenant {
		for _, c := range std.CustomImages {
			if c.Name == img.Name && len(c.Missing) > 0 {
				return StatusCopy, "tenant image, copied; scs-0102 metadata missing or invalid: " + strings.Join(c.Missing, ", ")
			}
		}
		return StatusCopy, "tenant image, copied; scs-0102 metadata complete"
	}
	s, ok := scs.MatchStandardImage(img.Name)
	switch {
	case !ok:
		return StatusChange, "public image outside scs-0104: copied unless a target has one with the same os_distro and os_version"
	case s.Status == scs.Optional:
		return StatusChange, "scs-0104 optional image: a target may lack it (then it is copied)"
	}
	return StatusPortable, fmt.Sprintf("scs-0104 %s image: SCS clouds offer it, no copy", s.Status)
}

func volumeTypeByStandard(vt inventory.VolumeType) (Status, string) {
	tf := typeFactsOf(vt)
	switch {
	case tf.declared:
		return StatusPortable, "scs-0114 aspects " + formatAspects(tf.aspects) + ": mapped to a target type with the same aspects"
	case strings.EqualFold(vt.Name, inventory.CinderDefaultType):
		return StatusPortable, "Cinder's default type: mapped to the target's default"
	}
	return StatusChange, "no scs-0114 aspects in its description: mapped by name or to the target's default type"
}

func cmpStatus(a, b Status) Status {
	if a == "" {
		return b
	}
	return a
}
