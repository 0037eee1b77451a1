package plans

import (
	"cmp"
	"slices"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// decisions are the resolved mappings, indexed for the step builders.
type decisions struct {
	list        Mappings
	flavors     map[string]Mapping // by source flavor ID and by name
	images      map[string]Mapping // by source image ID
	volumeTypes map[string]Mapping // by source type name
	extNets     map[string]Mapping // by source network ID and by name
	computeAZs  map[string]Mapping // by source zone
	volumeAZs   map[string]Mapping
	targetFlav  map[string]flavorFacts // target flavors by ID
}

// decide runs every mapper over the resources the tenant uses.
func decide(inv *inventory.Document, tgt *Target, ov *Overrides) *decisions {
	d := &decisions{flavors: map[string]Mapping{}, images: map[string]Mapping{}, volumeTypes: map[string]Mapping{},
		extNets: map[string]Mapping{}, computeAZs: map[string]Mapping{}, volumeAZs: map[string]Mapping{},
		targetFlav: map[string]flavorFacts{}}
	d.flavorsOf(inv, tgt, ov)
	d.imagesOf(inv, tgt, ov)
	d.volumeTypesOf(inv, tgt, ov)
	d.extNetsOf(inv, tgt, ov)
	d.zonesOf(inv, tgt, ov)
	return d
}

func (d *decisions) flavorsOf(inv *inventory.Document, tgt *Target, ov *Overrides) {
	targets := make([]flavorFacts, len(tgt.Flavors))
	for i, f := range tgt.Flavors {
		targets[i] = factsOf(f)
		d.targetFlav[f.ID] = targets[i]
	}
	uses := map[string]flavorUse{}
	for _, s := range inv.Servers {
		if !s.BootFromVolume {
			if s.FlavorID != "" {
				uses[s.FlavorID] = flavorUse{ephemeral: true}
			}
			uses["name:"+s.FlavorName] = flavorUse{ephemeral: true}
		}
	}
	for _, f := range inv.Flavors {
		use := uses[f.ID]
		use.ephemeral = use.ephemeral || uses["name:"+f.Name].ephemeral
		o, where := ov.lookup(ov.flavors(), f.Name, f.ID)
		m := mapFlavor(factsOf(f), use, targets, o, where)
		d.list.Flavors = append(d.list.Flavors, m)
		d.flavors[f.ID], d.flavors["name:"+f.Name] = m, m
	}
}

func (d *decisions) imagesOf(inv *inventory.Document, tgt *Target, ov *Overrides) {
	for _, img := range inv.Images {
		o, where := ov.lookup(ov.images(), img.Name, img.ID)
		m := mapImage(img, tgt.Images, o, where)
		d.list.Images = append(d.list.Images, m)
		d.images[img.ID] = m
	}
}

func (d *decisions) volumeTypesOf(inv *inventory.Document, tgt *Target, ov *Overrides) {
	targets := make([]typeFacts, len(tgt.VolumeTypes))
	for i, t := range tgt.VolumeTypes {
		targets[i] = typeFactsOf(t)
	}
	for _, vt := range sourceVolumeTypes(inv) {
		o, where := ov.lookup(ov.volumeTypes(), vt.Name, vt.ID)
		m := mapVolumeType(typeFactsOf(vt), targets, tgt.DefaultVolumeType, o, where)
		d.list.VolumeTypes = append(d.list.VolumeTypes, m)
		d.volumeTypes[vt.Name] = m
	}
}

// sourceVolumeTypes are the inventory's volume types plus any type a
// volume names that the inventory did not describe.
func sourceVolumeTypes(inv *inventory.Document) []inventory.VolumeType {
	out := slices.Clone(inv.VolumeTypes)
	known := map[string]bool{}
	for _, vt := range out {
		known[vt.Name] = true
	}
	for _, v := range inv.Volumes {
		if !known[v.VolumeType] {
			known[v.VolumeType] = true
			out = append(out, inventory.VolumeType{Name: v.VolumeType})
		}
	}
	return out
}

func (d *decisions) extNetsOf(inv *inventory.Document, tgt *Target, ov *Overrides) {
	for _, n := range usedExternalNetworks(inv) {
		o, where := ov.lookup(ov.externalNetworks(), n.Name, n.ID)
		m := mapExternalNetwork(n, tgt.ExternalNetworks, o, where)
		d.list.ExternalNetworks = append(d.list.ExternalNetworks, m)
		d.extNets[n.ID], d.extNets["name:"+n.Name] = m, m
	}
}

// usedExternalNetworks are the external networks that routers and
// floating IPs use, sorted by name.
func usedExternalNetworks(inv *inventory.Document) []inventory.ExternalNetwork {
	byID := map[string]inventory.ExternalNetwork{}
	add := func(id, name string) {
		if id == "" && name == "" {
			return
		}
		n := byID[id]
		n.ID, n.Name = id, cmp.Or(n.Name, name)
		byID[id] = n
	}
	for _, r := range inv.Routers {
		if g := r.ExternalGateway; g != nil {
			add(g.NetworkID, g.NetworkName)
		}
	}
	for _, f := range inv.FloatingIPs {
		add(f.FloatingNetworkID, f.FloatingNetworkName)
	}
	out := make([]inventory.ExternalNetwork, 0, len(byID))
	for _, n := range byID {
		if n.Name == "" {
			n.Name = externalNetworkName(inv, n.ID)
		}
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b inventory.ExternalNetwork) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// externalNetworkName looks a network's name up in the cloud info.
func externalNetworkName(inv *inventory.Document, id string) string {
	for _, n := range inv.Cloud.ExternalNetworks {
		if n.ID == id {
			return n.Name
		}
	}
	return ""
}

func (d *decisions) zonesOf(inv *inventory.Document, tgt *Target, ov *Overrides) {
	for _, z := range sortedSet(inv.Servers, func(s inventory.Server) string { return s.AvailabilityZone }) {
		o, where := ov.lookup(ov.computeAZs(), z, "")
		m := mapAZ("compute-az", z, tgt.ComputeAZs, o, where)
		d.list.AvailabilityZones = append(d.list.AvailabilityZones, m)
		d.computeAZs[z] = m
	}
	for _, z := range sortedSet(inv.Volumes, func(v inventory.Volume) string { return v.AvailabilityZone }) {
		o, where := ov.lookup(ov.volumeAZs(), z, "")
		m := mapAZ("volume-az", z, tgt.VolumeAZs, o, where)
		d.list.AvailabilityZones = append(d.list.AvailabilityZones, m)
		d.volumeAZs[z] = m
	}
}

// sortedSet returns the distinct non-empty values of key, sorted.
func sortedSet[T any](items []T, key func(T) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if k := key(it); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// flavorOf is the mapping of a server's flavor.
func (d *decisions) flavorOf(s inventory.Server) (Mapping, bool) {
	if m, ok := d.flavors[s.FlavorID]; ok && s.FlavorID != "" {
		return m, true
	}
	m, ok := d.flavors["name:"+s.FlavorName]
	return m, ok
}

// extNetOf is the mapping of an external network by ID or name.
func (d *decisions) extNetOf(id, name string) (Mapping, bool) {
	if m, ok := d.extNets[id]; ok && id != "" {
		return m, true
	}
	m, ok := d.extNets["name:"+name]
	return m, ok
}
