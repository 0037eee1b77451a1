package scs

import (
	"strings"
	"time"
)

// Recency classifies an image against its replace_frequency, following
// is_outdated in the scs-0102 test.
type Recency int

const (
	// RecencyCurrent: fresh enough, or no freshness guarantee applies
	// (replace_frequency never/critical_bug, provided_until none/notice or
	// in the past, unknown frequency).
	RecencyCurrent Recency = iota
	// RecencyOutdatedMarked: outdated but hidden or renamed with a suffix
	// " old", " prev" or " YYYYMMDD"/" YYYY-MM-DD". It passes only while a
	// current image named ReplacementImageName(name) exists.
	RecencyOutdatedMarked
	// RecencyOutdatedUnmarked: outdated and still presented as current.
	// The test also demands a current replacement named
	// ReplacementImageName(name), which rarely exists.
	RecencyOutdatedUnmarked
	// RecencyInvalidProvidedUntil: outdated and provided_until is neither
	// a date nor none/notice, so the test fails.
	RecencyInvalidProvidedUntil
)

// replaceFrequencies maps each replace_frequency value to the seconds the
// test allows (rounded up on purpose; weekly really is 7 × 25 h); 0 means
// no recency guarantee.
var replaceFrequencies = map[string]time.Duration{
	"never":        0,
	"critical_bug": 0,
	"yearly":       365 * 24 * time.Hour,
	"quarterly":    92 * 24 * time.Hour,
	"monthly":      31 * 24 * time.Hour,
	"weekly":       7 * 25 * time.Hour,
	"daily":        25 * time.Hour,
}

// Date layouts of the test: strict created_at, the image_build_date forms,
// and the suffix of a renamed image. Non-padded Go fields accept the one-
// or two-digit values that Python's strptime accepts.
var (
	imageDateLayouts   = []string{"2006-1-2T15:4:5Z", "2006-1-2 15:4:5", "2006-1-2 15:4", "2006-1-2"}
	markerDateLayouts  = []string{"2006-1-2", "20060102"}
	outdatedNameMarker = []string{"old", "prev"}
)

// ImageRecency classifies an image at time now. The build time is
// image_build_date, or createdAt if that is not a valid date; an image is
// outdated once now > build + 1.1 × replace_frequency. hidden is the
// image's os_hidden attribute.
func ImageRecency(name string, props map[string]string, hidden bool, createdAt, now time.Time) Recency {
	built, ok := parseImageDate(props["image_build_date"], imageDateLayouts)
	if !ok {
		built = createdAt
	}
	freq := props["replace_frequency"]
	if freq == "" {
		freq = "never"
	}
	period := replaceFrequencies[freq]
	if period == 0 || !now.After(built.Add(period*11/10)) {
		return RecencyCurrent
	}
	return outdatedRecency(name, props["provided_until"], hidden, now)
}

// outdatedRecency grades an outdated image.
func outdatedRecency(name, providedUntil string, hidden bool, now time.Time) Recency {
	if providedUntil == "none" || providedUntil == "notice" {
		return RecencyCurrent
	}
	until, ok := parseImageDate(providedUntil, imageDateLayouts)
	switch {
	case !ok:
		return RecencyInvalidProvidedUntil
	case now.After(until):
		return RecencyCurrent
	case hidden || hasOutdatedMarker(name):
		return RecencyOutdatedMarked
	}
	return RecencyOutdatedUnmarked
}

// ReplacementImageName returns the name a current replacement of an
// outdated image must have: the name without its last space-separated
// word, e.g. "Ubuntu 24.04" for "Ubuntu 24.04 20240601". It reports false
// for a name without a space.
func ReplacementImageName(name string) (string, bool) {
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return "", false
	}
	short := strings.TrimRight(name[:i], " \t\n\r\v\f")
	return short, short != name
}

// hasOutdatedMarker reports whether the last word of name is old, prev or
// a date.
func hasOutdatedMarker(name string) bool {
	i := strings.LastIndexByte(name, ' ')
	if i < 0 {
		return false
	}
	marker := name[i+1:]
	for _, m := range outdatedNameMarker {
		if marker == m {
			return true
		}
	}
	_, ok := parseImageDate(marker, markerDateLayouts)
	return ok
}

// parseImageDate parses s (UTC) with the first matching layout. Like the
// test, which uses Unix time 0 as "invalid", it rejects the epoch itself.
func parseImageDate(s string, layouts []string) (time.Time, bool) {
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, t.Unix() != 0
		}
	}
	return time.Time{}, false
}
