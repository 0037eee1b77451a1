package scs

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Severity grades a Finding.
type Severity string

// Finding severities.
const (
	// SeverityError: the scs-0102 certification test fails on this.
	SeverityError Severity = "error"
	// SeverityWarning: the standard's text or the v2 draft is violated,
	// but the v1 test passes.
	SeverityWarning Severity = "warning"
	// SeverityInfo: a recommended property is missing.
	SeverityInfo Severity = "info"
)

// Finding is one problem with an image's metadata.
type Finding struct {
	Image    string // image name
	Key      string // property, e.g. "image_build_date"; "recency" for the age check
	Severity Severity
	Message  string
}

// String formats the finding as `image "NAME": SEVERITY: KEY: MESSAGE`.
func (f Finding) String() string {
	return fmt.Sprintf("image %q: %s: %s: %s", f.Image, f.Severity, f.Key, f.Message)
}

// Allowed values of the scs-0102 test. os_purpose is mandatory from v2.
var (
	architectures     = []string{"x86_64", "aarch64", "risc-v"}
	hwDiskBuses       = []string{"virtio", "scsi"}
	hypervisorTypes   = []string{"qemu", "kvm", "xen", "hyper-v", "esxi"}
	hwRNGModels       = []string{"virtio"}
	osPurposes        = []string{"generic", "oldgeneric", "minimal", "k8snode", "gpu", "network", "custom"}
	hashAlgos         = []string{"sha256", "sha512"}
	urlSchemes        = []string{"http", "https", "ftp", "ftps"}
	replaceFreqValues = []string{"yearly", "quarterly", "monthly", "weekly", "daily", "critical_bug", "never"}
	// recommendedImageKeys are checked for presence only.
	recommendedImageKeys = []string{"os_hash_value", "os_secure_boot", "hw_firmware_type", "hw_watchdog_action",
		"hw_mem_encryption", "hw_pmu", "hw_video_ram", "hw_vif_multiqueue_enabled"}
)

// gib is one GiB in bytes.
const gib = 1 << 30

// CheckImageMetadata applies the scs-0102 rules to one image: v1 mandatory
// properties and allowed values as the test checks them (errors), rules of
// the standard's text the test does not enforce and the v2 os_purpose
// (warnings), missing recommended properties (info), and the recency check.
//
// props are the image properties; the top-level Glance attributes come as
// arguments, and os_hash_algo, if known, should be put into props. The
// recency check assumes the image is not hidden (hidden images are not
// listed to the test); use ImageRecency when os_hidden is known.
func CheckImageMetadata(name string, props map[string]string, minDiskGB, minRAMMiB int,
	sizeBytes int64, createdAt, now time.Time) []Finding {
	c := &imageCheck{name: name, props: props}
	c.checkAllowed("architecture", architectures, SeverityError, SeverityError)
	c.checkMinDisk(minDiskGB, sizeBytes)
	c.checkMinRAM(minRAMMiB)
	c.checkSet("os_distro", SeverityError)
	c.checkSet("os_version", SeverityError)
	c.checkAllowed("os_purpose", osPurposes, SeverityWarning, SeverityWarning)
	c.checkDiskBus()
	c.checkAllowed("hypervisor_type", hypervisorTypes, SeverityInfo, SeverityError)
	c.checkAllowed("hw_rng_model", hwRNGModels, SeverityInfo, SeverityError)
	c.checkBuildDate(createdAt, now)
	c.checkSet("image_original_user", SeverityError)
	c.checkImageSource()
	c.checkSet("image_description", SeverityError)
	c.checkAllowed("replace_frequency", replaceFreqValues, SeverityError, SeverityError)
	c.checkProvidedUntil()
	c.checkUUIDValidity()
	c.checkHotfixHours()
	c.checkAllowed("os_hash_algo", hashAlgos, SeverityInfo, SeverityError)
	for _, key := range recommendedImageKeys {
		c.checkSet(key, SeverityInfo)
	}
	c.checkRecency(createdAt, now)
	return c.findings
}

// imageCheck collects the findings for one image.
type imageCheck struct {
	name     string
	props    map[string]string
	findings []Finding
}

func (c *imageCheck) add(key string, sev Severity, format string, args ...any) {
	c.findings = append(c.findings, Finding{Image: c.name, Key: key, Severity: sev, Message: fmt.Sprintf(format, args...)})
}

// checkSet reports an unset or empty property with severity ifMissing.
func (c *imageCheck) checkSet(key string, ifMissing Severity) {
	if c.props[key] == "" {
		c.add(key, ifMissing, "not set")
	}
}

// checkAllowed reports a missing property with severity ifMissing and a
// value outside allowed with severity ifInvalid.
func (c *imageCheck) checkAllowed(key string, allowed []string, ifMissing, ifInvalid Severity) {
	v, ok := c.props[key]
	switch {
	case !ok:
		c.add(key, ifMissing, "not set; want one of %s", strings.Join(allowed, ", "))
	case !slices.Contains(allowed, v):
		c.add(key, ifInvalid, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

func (c *imageCheck) checkMinDisk(minDiskGB int, sizeBytes int64) {
	switch {
	case minDiskGB <= 0:
		c.add("min_disk", SeverityError, "not set")
	case int64(minDiskGB)*gib < sizeBytes:
		c.add("min_disk", SeverityError, "%d GiB is smaller than the image size of %d bytes", minDiskGB, sizeBytes)
	}
}

func (c *imageCheck) checkMinRAM(minRAMMiB int) {
	switch {
	case minRAMMiB <= 0:
		c.add("min_ram", SeverityError, "not set")
	case minRAMMiB < 64:
		c.add("min_ram", SeverityWarning, "%d MiB is below 64 MiB", minRAMMiB)
	}
}

// checkDiskBus: the standard makes hw_disk_bus mandatory and recommends
// hw_scsi_model with scsi; the test accepts an unset bus.
func (c *imageCheck) checkDiskBus() {
	c.checkAllowed("hw_disk_bus", hwDiskBuses, SeverityWarning, SeverityError)
	if c.props["hw_disk_bus"] == "scsi" {
		c.checkSet("hw_scsi_model", SeverityInfo)
	}
}

// checkBuildDate: a valid date, not after created_at, not in the future.
func (c *imageCheck) checkBuildDate(createdAt, now time.Time) {
	raw := c.props["image_build_date"]
	built, ok := parseImageDate(raw, imageDateLayouts)
	switch {
	case !ok:
		c.add("image_build_date", SeverityError, "%q is not YYYY-MM-DD[ hh:mm[:ss]]", raw)
	case built.After(createdAt):
		c.add("image_build_date", SeverityError, "%s is after created_at %s", raw, createdAt.UTC().Format(time.RFC3339))
	}
	if !ok {
		built = createdAt
	}
	if built.After(now) {
		c.add("image_build_date", SeverityError, "build time %s is in the future", built.UTC().Format(time.RFC3339))
	}
}

// checkImageSource: a URL or "private".
func (c *imageCheck) checkImageSource() {
	src := c.props["image_source"]
	if src == "private" || isURL(src) {
		return
	}
	c.add("image_source", SeverityError, "%q is neither a URL nor \"private\"", src)
}

// checkProvidedUntil: mandatory; the test only uses it for recency, where
// anything but a date, none or notice fails.
func (c *imageCheck) checkProvidedUntil() {
	v := c.props["provided_until"]
	if v == "" {
		c.add("provided_until", SeverityError, "not set")
		return
	}
	if _, ok := parseImageDate(v, imageDateLayouts); !ok && v != "none" && v != "notice" {
		c.add("provided_until", SeverityWarning, "%q is neither a date nor none or notice", v)
	}
}

// checkUUIDValidity: none, notice, forever, last-N or a date. The standard
// requires the property; the test accepts it unset.
func (c *imageCheck) checkUUIDValidity() {
	v, ok := c.props["uuid_validity"]
	switch {
	case !ok:
		c.add("uuid_validity", SeverityWarning, "not set")
	case v == "none" || v == "notice" || v == "forever":
	case strings.HasPrefix(v, "last-") && isDecimal(v[len("last-"):]):
	default:
		if _, ok := parseImageDate(v, imageDateLayouts); !ok {
			c.add("uuid_validity", SeverityError, "%q is not none, notice, forever, last-N or a date", v)
		}
	}
}

// checkHotfixHours: recommended; a decimal number of hours.
func (c *imageCheck) checkHotfixHours() {
	v := c.props["hotfix_hours"]
	switch {
	case v == "":
		c.add("hotfix_hours", SeverityInfo, "not set")
	case !isDecimal(v):
		c.add("hotfix_hours", SeverityError, "%q is not a decimal number of hours", v)
	}
}

// checkRecency reports outdated images (see ImageRecency).
func (c *imageCheck) checkRecency(createdAt, now time.Time) {
	freq := c.props["replace_frequency"]
	switch ImageRecency(c.name, c.props, false, createdAt, now) {
	case RecencyOutdatedMarked:
		repl, _ := ReplacementImageName(c.name)
		c.add("recency", SeverityWarning, "outdated for replace_frequency %s; passes only while a current image %q exists", freq, repl)
	case RecencyOutdatedUnmarked:
		c.add("recency", SeverityError, "outdated for replace_frequency %s and not hidden or renamed with a suffix old, prev or a date", freq)
	case RecencyInvalidProvidedUntil:
		c.add("recency", SeverityError, "outdated for replace_frequency %s and provided_until %q is not a date", freq, c.props["provided_until"])
	}
}

// isURL reports whether s starts with http://, https://, ftp:// or ftps://.
func isURL(s string) bool {
	scheme, _, ok := strings.Cut(s, "://")
	return ok && slices.Contains(urlSchemes, scheme)
}

// isDecimal reports whether s is a non-empty run of ASCII digits.
func isDecimal(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
