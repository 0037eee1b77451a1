package scs

import (
	"regexp"
	"slices"
	"strings"
)

// Status is how strongly a standard requires an item.
type Status string

// The scs-0104 image statuses.
const (
	Mandatory   Status = "mandatory"
	Recommended Status = "recommended"
	Optional    Status = "optional"
)

// CertVersion is a version of the SCS-compatible IaaS certification scope.
type CertVersion string

// The certification versions with an scs-0104 image spec.
const (
	IaaSv4   CertVersion = "v4"   // scs-0104-v1-images.yaml; deprecated since 2025-07-01
	IaaSv5_1 CertVersion = "v5.1" // scs-0104-v1-images-v5.yaml; effective
)

// StandardImage is one entry of an scs-0104 image spec.
type StandardImage struct {
	// Name is the image name, matched exactly unless NameScheme is set.
	Name string
	// NameScheme, if set, is a regular expression matched as a prefix of
	// the image name (Python re.match), e.g. for ubuntu-capi-image-v1.33.4.
	NameScheme string
	// Sources are the allowed prefixes of the image_source property.
	Sources []string
	Status  Status
	scheme  *regexp.Regexp
}

// Matches reports whether an image called name is an instance of s.
func (s StandardImage) Matches(name string) bool {
	if s.scheme != nil {
		return s.scheme.MatchString(name)
	}
	return name == s.Name
}

// SourceAllowed reports whether an image_source value starts with one of
// the allowed prefixes.
func (s StandardImage) SourceAllowed(imageSource string) bool {
	return slices.ContainsFunc(s.Sources, func(p string) bool {
		return strings.HasPrefix(imageSource, p)
	})
}

// Image sources shared by both specs.
var (
	srcUbuntuNoble = []string{"https://cloud-images.ubuntu.com/releases/noble/", "https://cloud-images.ubuntu.com/noble/"}
	srcUbuntuJammy = []string{"https://cloud-images.ubuntu.com/releases/jammy/", "https://cloud-images.ubuntu.com/jammy/"}
	srcUbuntuFocal = []string{"https://cloud-images.ubuntu.com/releases/focal/", "https://cloud-images.ubuntu.com/focal/"}
	srcDebian13    = debianSources("trixie")
	srcDebian12    = debianSources("bookworm")
	srcDebian11    = debianSources("bullseye")
	srcDebian10    = debianSources("buster")
	srcCAPIRegio   = "https://swift.services.a.regiocloud.tech/swift/v1/AUTH_b182637428444b9aa302bb8d5a5a418c/openstack-k8s-capi-images/"
	srcCAPIv5      = []string{
		"https://nbg1.your-objectstorage.com/osism/openstack-k8s-capi-images/",
		srcCAPIRegio + "ubuntu-2404-kube",
		srcCAPIRegio + "ubuntu-2204-kube",
	}
)

// standardImages holds the spec of each certification version. v5.1 also
// carries Debian 13, which the test code knows for source checks although
// the YAML spec does not list it yet.
var standardImages = map[CertVersion][]StandardImage{
	IaaSv5_1: {
		{Name: "Ubuntu 24.04", Sources: srcUbuntuNoble, Status: Mandatory},
		{Name: "Debian 12", Sources: srcDebian12, Status: Recommended},
		capiImage(`ubuntu-capi-image-v[0-9]\.[0-9]+(\.[0-9]+)?`, srcCAPIv5),
		{Name: "Ubuntu 22.04", Sources: srcUbuntuJammy, Status: Optional},
		{Name: "Ubuntu 20.04", Sources: srcUbuntuFocal, Status: Optional},
		{Name: "Debian 13", Sources: srcDebian13, Status: Optional},
		{Name: "Debian 11", Sources: srcDebian11, Status: Optional},
		{Name: "Debian 10", Sources: srcDebian10, Status: Optional},
	},
	IaaSv4: {
		{Name: "Ubuntu 22.04", Sources: srcUbuntuJammy, Status: Mandatory},
		// The v4 spec leaves the dots unescaped, so they match any character.
		capiImage(`ubuntu-capi-image v[0-9].[0-9]+(.[0-9]+)?`, []string{srcCAPIRegio + "ubuntu-2204-kube"}),
		{Name: "Ubuntu 20.04", Sources: srcUbuntuFocal, Status: Optional},
		{Name: "Debian 12", Sources: srcDebian12, Status: Optional},
		{Name: "Debian 11", Sources: srcDebian11, Status: Optional},
		{Name: "Debian 10", Sources: srcDebian10, Status: Optional},
	},
}

// StandardImages returns the scs-0104 spec of a certification version, or
// nil for an unknown version. The result is a copy.
func StandardImages(v CertVersion) []StandardImage {
	images := slices.Clone(standardImages[v])
	for i := range images {
		images[i].Sources = slices.Clone(images[i].Sources)
	}
	return images
}

// MatchStandardImage finds the entry of the current (v5.1) spec that an
// image called name belongs to.
func MatchStandardImage(name string) (StandardImage, bool) {
	return MatchStandardImageIn(IaaSv5_1, name)
}

// MatchStandardImageIn is MatchStandardImage for a given version's spec.
func MatchStandardImageIn(v CertVersion, name string) (StandardImage, bool) {
	for _, img := range StandardImages(v) {
		if img.Matches(name) {
			return img, true
		}
	}
	return StandardImage{}, false
}

// capiImage builds the recommended Cluster API node image entry.
func capiImage(scheme string, sources []string) StandardImage {
	return StandardImage{
		Name:       "ubuntu-capi-image",
		NameScheme: scheme,
		Sources:    sources,
		Status:     Recommended,
		scheme:     regexp.MustCompile(`^(?:` + scheme + `)`),
	}
}

// debianSources returns the two official prefixes of a Debian release.
func debianSources(codename string) []string {
	return []string{
		"https://cloud.debian.org/images/cloud/" + codename + "/",
		"https://cdimage.debian.org/cdimage/cloud/" + codename + "/",
	}
}
