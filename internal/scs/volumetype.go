package scs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// The scs-0114 volume type aspects.
const (
	AspectEncrypted  = "encrypted"
	AspectReplicated = "replicated"
)

// knownAspects are the recognised aspects in their required order.
var knownAspects = []string{AspectEncrypted, AspectReplicated}

// aspectListPattern is the test's re.match(r"\[scs:([^\[\]]*)\]"): an
// aspect list must open the description.
var aspectListPattern = regexp.MustCompile(`^\[scs:([^\[\]]*)\]`)

// ParseVolumeTypeAspects extracts the scs-0114 aspect list that may open a
// volume type description, e.g. "[scs:encrypted, replicated] fast SSD".
// found is false when the description does not start with "[scs:…]".
// The aspects are split on commas and trimmed; err reports, naming the
// description, a list that is not sorted, repeats an aspect or holds an
// unknown one. The aspects are returned even then, as the test still
// counts them.
func ParseVolumeTypeAspects(description string) (aspects []string, found bool, err error) {
	m := aspectListPattern.FindStringSubmatch(description)
	if m == nil {
		return nil, false, nil
	}
	if m[1] == "" {
		return []string{}, true, nil
	}
	aspects = strings.Split(m[1], ",")
	for i, a := range aspects {
		aspects[i] = strings.TrimFunc(a, isPythonSpace)
	}
	if problems := aspectProblems(aspects); len(problems) > 0 {
		err = fmt.Errorf("volume type description %q: %s", description, strings.Join(problems, "; "))
	}
	return aspects, true, err
}

// FormatAspects renders aspects as a description prefix, sorted and
// without repeats, e.g. "[scs:encrypted, replicated]"; "" for none.
func FormatAspects(aspects []string) string {
	sorted := slices.Compact(slices.Sorted(slices.Values(aspects)))
	if len(sorted) == 0 {
		return ""
	}
	return "[scs:" + strings.Join(sorted, ", ") + "]"
}

// aspectProblems applies the three rules of the scs-0114 syntax check.
func aspectProblems(aspects []string) []string {
	var problems, dups, unknown []string
	if !slices.IsSorted(aspects) {
		problems = append(problems, "aspects not sorted")
	}
	for i, a := range aspects {
		first := slices.Index(aspects, a) == i
		if !first && !slices.Contains(dups, a) {
			dups = append(dups, a)
		}
		if first && !slices.Contains(knownAspects, a) {
			unknown = append(unknown, fmt.Sprintf("%q", a))
		}
	}
	if len(dups) > 0 {
		problems = append(problems, "duplicate aspects: "+strings.Join(dups, ", "))
	}
	if len(unknown) > 0 {
		problems = append(problems, fmt.Sprintf("unknown aspects: %s (want %s)",
			strings.Join(unknown, ", "), strings.Join(knownAspects, ", ")))
	}
	return problems
}

// isPythonSpace is the whitespace Python's str.strip removes: Unicode
// White_Space plus the separators U+001C to U+001F.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}
