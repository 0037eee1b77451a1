package plans

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// mapImage decides whether an image is used from the target's own images
// or copied, trying in order:
//
//  1. the user's override (use that target image);
//  2. tenant-owned images are copied (blocked if they hold no data);
//  3. an scs-0104 standard image goes to the target's image of the same
//     standard name, newest first;
//  4. another public image goes to the target's image with the same
//     os_distro, os_version and os_purpose (generic when unset), sorted
//     by name descending, then newest, as the SCS find-image guide does;
//  5. otherwise it is copied, with a warning: the target lacks it.
func mapImage(src inventory.Image, targets []inventory.Image, ov *Override, where string) Mapping {
	m := Mapping{Kind: "image", SourceID: src.ID, SourceName: src.Name}
	if ov != nil {
		t, _ := findImage(targets, ov.Target)
		return m.decide(t.ID, t.Name, "map", "override", "set in "+where)
	}
	if src.OwnedByTenant {
		if src.Status != "" && src.Status != "active" {
			return m.decide("", "", "blocked", "blocked", fmt.Sprintf("tenant image in status %q has no data to copy", src.Status))
		}
		return m.decide("", "", "copy", "custom-image", "owned by the tenant: copied")
	}
	if std, ok := scs.MatchStandardImage(src.Name); ok {
		if t, ok := newestNamed(targets, src.Name); ok {
			return m.decide(t.ID, t.Name, "map", "standard-image", fmt.Sprintf("scs-0104 standard image (%s): the target offers it, no copy", std.Status))
		}
	}
	if t, ok := byOSMetadata(src, targets); ok {
		return m.decide(t.ID, t.Name, "map", "os-metadata", fmt.Sprintf("same os_distro=%s os_version=%s os_purpose=%s",
			src.Properties["os_distro"], src.Properties["os_version"], purposeOf(src)))
	}
	why := "public image the target does not offer"
	if std, ok := scs.MatchStandardImage(src.Name); ok {
		why = fmt.Sprintf("scs-0104 %s standard image the target does not offer", std.Status)
	}
	m.Changes = []string{"visibility " + cmp.Or(src.Visibility, "public") + " → private copy"}
	return m.decide("", "", "copy", "public-copy", why+": copied into the project")
}

// newestNamed returns the newest target image called name.
func newestNamed(targets []inventory.Image, name string) (inventory.Image, bool) {
	var best inventory.Image
	found := false
	for _, t := range targets {
		if t.Name == name && usable(t) && (!found || t.CreatedAt > best.CreatedAt) {
			best, found = t, true
		}
	}
	return best, found
}

// byOSMetadata finds the target image a find-image query for the
// source's os_distro/os_version/os_purpose returns first.
func byOSMetadata(src inventory.Image, targets []inventory.Image) (inventory.Image, bool) {
	distro, version := src.Properties["os_distro"], src.Properties["os_version"]
	if distro == "" || version == "" {
		return inventory.Image{}, false
	}
	arch := src.Properties["architecture"]
	var best inventory.Image
	found := false
	for _, t := range targets {
		if !usable(t) || !strings.EqualFold(t.Properties["os_distro"], distro) || t.Properties["os_version"] != version ||
			purposeOf(t) != purposeOf(src) || arch != "" && t.Properties["architecture"] != "" && t.Properties["architecture"] != arch {
			continue
		}
		if !found || t.Name > best.Name || t.Name == best.Name && t.CreatedAt > best.CreatedAt {
			best, found = t, true
		}
	}
	return best, found
}

// purposeOf is os_purpose, "generic" when unset (scs-0102 v2).
func purposeOf(img inventory.Image) string {
	return cmp.Or(img.Properties["os_purpose"], "generic")
}

// usable reports whether a target image can be booted from.
func usable(img inventory.Image) bool {
	return img.Status == "" || img.Status == "active"
}

// findImage finds a target image by name (newest) or ID.
func findImage(targets []inventory.Image, nameOrID string) (inventory.Image, bool) {
	for _, t := range targets {
		if t.ID == nameOrID {
			return t, true
		}
	}
	return newestNamed(targets, nameOrID)
}
