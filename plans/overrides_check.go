package plans

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// Accessors that tolerate a nil *Overrides (no mapping file).
func (ov *Overrides) flavors() []Override {
	if ov == nil {
		return nil
	}
	return ov.Flavors
}

func (ov *Overrides) images() []Override {
	if ov == nil {
		return nil
	}
	return ov.Images
}

func (ov *Overrides) volumeTypes() []Override {
	if ov == nil {
		return nil
	}
	return ov.VolumeTypes
}

func (ov *Overrides) externalNetworks() []Override {
	if ov == nil {
		return nil
	}
	return ov.ExternalNetworks
}

func (ov *Overrides) computeAZs() []Override {
	if ov == nil {
		return nil
	}
	return ov.ComputeAZs
}

func (ov *Overrides) volumeAZs() []Override {
	if ov == nil {
		return nil
	}
	return ov.VolumeAZs
}

func (ov *Overrides) buckets() []Override {
	if ov == nil {
		return nil
	}
	return ov.Buckets
}

// clusters are the cluster sections, for addClusters.
func (ov *Overrides) clusters() ClusterOverrides {
	if ov == nil {
		return ClusterOverrides{}
	}
	return ClusterOverrides{File: ov.File, ClusterClasses: ov.ClusterClasses, StorageClasses: ov.StorageClasses, Namespaces: ov.Namespaces}
}

// lookup returns the override of a source resource and where it was
// set, or nil.
func (ov *Overrides) lookup(list []Override, name, id string) (*Override, string) {
	o, ok := find(list, name, id)
	if !ok {
		return nil, ""
	}
	return &o, fmt.Sprintf("%s:%d", ov.File, o.Line)
}

// Check verifies that every override names a source resource of the
// inventory and a target resource the target offers. Errors name the
// file, line, field and value, and list the valid names.
func (ov *Overrides) Check(inv *inventory.Document, tgt *Target) error {
	if ov == nil {
		return nil
	}
	var errs []error
	check := func(list []Override, what string, sources, targets *nameSet) {
		for _, o := range list {
			if !sources.has(o.Source) {
				errs = append(errs, fmt.Errorf("%s: source %s %q is not in the inventory (%s)", ov.where(o), what, o.Source, sources.choices()))
			}
			if targets != nil && !targets.has(o.Target) {
				errs = append(errs, fmt.Errorf("%s: %q: target %s %q does not exist on the target (%s)", ov.where(o), o.Source, what, o.Target, targets.choices()))
			}
		}
	}
	flavor := func(f inventory.Flavor) (string, string) { return f.Name, f.ID }
	image := func(i inventory.Image) (string, string) { return i.Name, i.ID }
	vtype := func(v inventory.VolumeType) (string, string) { return v.Name, v.ID }
	net := func(n inventory.ExternalNetwork) (string, string) { return n.Name, n.ID }
	zone := func(z string) (string, string) { return z, "" }
	check(ov.Flavors, "flavor", newNameSet(inv.Flavors, flavor), newNameSet(tgt.Flavors, flavor))
	check(ov.Images, "image", newNameSet(inv.Images, image), newNameSet(tgt.Images, image))
	check(ov.VolumeTypes, "volume type", newNameSet(sourceVolumeTypes(inv), vtype), newNameSet(tgt.VolumeTypes, vtype))
	check(ov.ExternalNetworks, "external network", newNameSet(usedExternalNetworks(inv), net), newNameSet(tgt.ExternalNetworks, net))
	check(ov.ComputeAZs, "compute zone", newNameSet(sortedSet(inv.Servers, func(s inventory.Server) string { return s.AvailabilityZone }), zone),
		knownOnly(newNameSet(tgt.ComputeAZs, zone)))
	check(ov.VolumeAZs, "volume zone", newNameSet(sortedSet(inv.Volumes, func(v inventory.Volume) string { return v.AvailabilityZone }), zone),
		knownOnly(newNameSet(tgt.VolumeAZs, zone)))
	check(ov.Buckets, "bucket", newNameSet(inv.Containers, func(c inventory.Container) (string, string) { return c.Name, "" }), nil)
	for _, o := range ov.Buckets {
		if !inventory.BucketName.MatchString(o.Target) {
			errs = append(errs, fmt.Errorf("%s: %q: target bucket name %q is not a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-', starting and ending with a letter or digit)", ov.where(o), o.Source, o.Target))
		}
	}
	errs = append(errs, ov.clusters().Check(inv, tgt), ov.checkWaves(inv))
	return errors.Join(errs...)
}

// nameSet is what an override may name: names and IDs.
type nameSet struct {
	valid map[string]bool
	names []string // sorted, for messages
}

func newNameSet[T any](items []T, key func(T) (string, string)) *nameSet {
	s := &nameSet{valid: map[string]bool{}}
	for _, it := range items {
		name, id := key(it)
		if name != "" && !s.valid[name] {
			s.names = append(s.names, name)
		}
		s.valid[name], s.valid[id] = true, true
	}
	delete(s.valid, "")
	slices.Sort(s.names)
	return s
}

func (s *nameSet) has(v string) bool { return s.valid[v] }

// choices describes the valid names for an error message, at most ten.
func (s *nameSet) choices() string {
	switch n := len(s.names); {
	case n == 0:
		return "there are none"
	case n > 10:
		return "valid: " + strings.Join(s.names[:10], ", ") + fmt.Sprintf(", … %d more", n-10)
	}
	return "valid: " + strings.Join(s.names, ", ")
}

// knownOnly skips the target check when the target listed nothing (its
// zones could not be read).
func knownOnly(s *nameSet) *nameSet {
	if len(s.names) == 0 {
		return nil
	}
	return s
}
