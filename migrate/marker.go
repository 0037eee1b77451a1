package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Markers tie a target resource to the plan and step that made it. They
// go where each service keeps free-form labels: Neutron, Nova and Octavia
// tags ("scs-migrate.plan=<plan>", "scs-migrate.step=<step>"), Glance
// properties and Cinder metadata (keys "scs-migrate.plan" and
// "scs-migrate.step"). Nova limits a tag to 60 characters and forbids
// "/" and ","; a plan ID that does not fit is replaced by a hash, and
// the step is always a hash of its ID.
const (
	MarkerPlanKey = "scs-migrate.plan"
	MarkerStepKey = "scs-migrate.step"
	// maxTagLen is Nova's limit on a server tag.
	maxTagLen = 60
)

// marker is the pair of labels of one step of one plan.
type marker struct{ plan, step string }

func newMarker(planID, stepID string) marker {
	return marker{plan: planKey(planID), step: shortHash(stepID, 16)}
}

// planKey is the plan ID as it appears in markers.
func planKey(planID string) string {
	if len(MarkerPlanKey)+1+len(planID) <= maxTagLen && !strings.ContainsAny(planID, "/,") {
		return planID
	}
	return "h-" + shortHash(planID, 32)
}

func shortHash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// PlanTag is the tag every target resource of the plan carries.
func PlanTag(planID string) string { return MarkerPlanKey + "=" + planKey(planID) }

func (m marker) planTag() string { return MarkerPlanKey + "=" + m.plan }
func (m marker) stepTag() string { return MarkerStepKey + "=" + m.step }

// tags are the marker tags, after the resource's own tags.
func (m marker) tags(own []string) []string {
	out := make([]string, 0, len(own)+2)
	for _, t := range own {
		if !IsMarkerTag(t) {
			out = append(out, t)
		}
	}
	return append(out, m.planTag(), m.stepTag())
}

// properties are the marker key/value pairs, for Glance and Cinder.
func (m marker) properties() map[string]string {
	return map[string]string{MarkerPlanKey: m.plan, MarkerStepKey: m.step}
}

// hasStepTag reports whether tags carry this step's marker.
func (m marker) hasStepTag(tags []string) bool {
	return hasTag(tags, m.planTag()) && hasTag(tags, m.stepTag())
}

func hasTag(tags []string, t string) bool { return slices.Contains(tags, t) }

// IsMarkerTag reports whether a tag is one of scs-migrate's markers.
func IsMarkerTag(t string) bool {
	return strings.HasPrefix(t, MarkerPlanKey+"=") || strings.HasPrefix(t, MarkerStepKey+"=")
}

// IsMarkerKey reports whether a property or metadata key is a marker.
func IsMarkerKey(k string) bool { return k == MarkerPlanKey || k == MarkerStepKey }

// hasAnyMarker reports whether tags carry a marker of any plan.
func hasAnyMarker(tags []string) bool {
	for _, t := range tags {
		if IsMarkerTag(t) {
			return true
		}
	}
	return false
}

// withoutMarkers returns the tags that are not markers.
func withoutMarkers(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !IsMarkerTag(t) {
			out = append(out, t)
		}
	}
	return out
}
