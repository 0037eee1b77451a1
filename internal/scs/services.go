package scs

import "slices"

// ServiceRequirement is one scs-0123-v1 mandatory service: it is present
// when the Keystone catalog lists any of its CatalogTypes.
type ServiceRequirement struct {
	Name         string   // e.g. "block-storage"
	CatalogTypes []string // any of these satisfies the requirement
	Note         string   // why the entry deviates from the obvious, if it does
}

// mandatoryServices are the presence checks of the scs-0123-v1 test.
// The S3 requirement is not a catalog entry in v1: if Swift's object-store
// exists, its host must also answer S3 (v2, a draft, requires the catalog
// type object-store-s3 instead).
var mandatoryServices = []ServiceRequirement{
	{Name: "compute", CatalogTypes: []string{"compute"}},
	{Name: "identity", CatalogTypes: []string{"identity"}},
	{Name: "image", CatalogTypes: []string{"image"}},
	{Name: "network", CatalogTypes: []string{"network"}},
	{Name: "load-balancer", CatalogTypes: []string{"load-balancer"}},
	{Name: "block-storage", CatalogTypes: []string{"volume", "volumev3", "block-storage"}},
	{Name: "placement", CatalogTypes: []string{"placement"},
		Note: "checked by the test, though the v1 document does not list it"},
}

// supportedServices are the optional catalog types scs-0123-v1 supports.
var supportedServices = []string{
	"baremetal", "rating", "dns", "instance-ha", "key-manager", "object-store",
	"orchestration", "shared-file-system", "time-series-database",
}

// MandatoryServices returns the scs-0123-v1 mandatory services. The result
// is a copy.
func MandatoryServices() []ServiceRequirement {
	out := slices.Clone(mandatoryServices)
	for i := range out {
		out[i].CatalogTypes = slices.Clone(out[i].CatalogTypes)
	}
	return out
}

// SupportedServices returns the catalog types scs-0123-v1 lists as
// supported but optional.
func SupportedServices() []string {
	return slices.Clone(supportedServices)
}

// MissingMandatoryServices returns the names of the mandatory services
// that none of the given Keystone catalog types satisfies, in the order of
// MandatoryServices; nil if all are present.
func MissingMandatoryServices(catalogTypes []string) []string {
	var missing []string
	for _, req := range mandatoryServices {
		if !slices.ContainsFunc(req.CatalogTypes, func(t string) bool { return slices.Contains(catalogTypes, t) }) {
			missing = append(missing, req.Name)
		}
	}
	return missing
}
