package plans

import (
	"slices"
)

// novaDefaultAZ is the zone Nova and Cinder use when none is configured.
const novaDefaultAZ = "nova"

// mapAZ decides the target availability zone (kind "compute-az" or
// "volume-az"), trying in order: the user's override, the zone of the
// same name, the target's default zone ("nova" if it has one, else its
// first by name). An unknown zone list leaves the choice to the cloud.
func mapAZ(kind, src string, targets []string, ov *Override, where string) Mapping {
	m := Mapping{Kind: kind, SourceName: src}
	if ov != nil {
		return m.decide("", ov.Target, "map", "override", "set in "+where)
	}
	if slices.Contains(targets, src) {
		return m.decide("", src, "map", "same-name", "same zone name on the target")
	}
	if len(targets) == 0 {
		return m.decide("", "", "map", "default", "the target lists no zones: the cloud picks one")
	}
	def := targets[0]
	if slices.Contains(targets, novaDefaultAZ) {
		def = novaDefaultAZ
	}
	m.Changes = []string{"zone " + src + " → " + def}
	return m.decide("", def, "map", "default", "no zone of that name: the target's default zone")
}
