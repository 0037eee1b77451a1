package plans

import (
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// serviceUse is a service the tenant relies on, read from what it has.
type serviceUse struct {
	Name string // e.g. "block-storage"
	// CatalogTypes are the catalog types that provide it.
	CatalogTypes []string
	// Why says what in the tenant needs it, e.g. "5 volumes".
	Why string
	// Mandatory is true for the scs-0123 mandatory services.
	Mandatory bool
}

// usedServices lists the services the tenant's resources need, in a
// fixed order: the scs-0123 mandatory ones first.
func usedServices(inv *inventory.Document) []serviceUse {
	var out []serviceUse
	add := func(name string, types []string, n int, what string, mandatory bool) {
		if n > 0 {
			out = append(out, serviceUse{Name: name, CatalogTypes: types, Why: plural(n, what), Mandatory: mandatory})
		}
	}
	mandatory := map[string][]string{}
	for _, r := range scs.MandatoryServices() {
		mandatory[r.Name] = r.CatalogTypes
	}
	add("compute", mandatory["compute"], len(inv.Servers), "server", true)
	add("image", mandatory["image"], len(inv.Images), "image", true)
	add("block-storage", mandatory["block-storage"], len(inv.Volumes), "volume", true)
	add("network", mandatory["network"], len(inv.Networks), "network", true)
	add("load-balancer", mandatory["load-balancer"], len(inv.LoadBalancers), "load balancer", true)
	add("object-store", []string{"object-store"}, len(inv.Containers), "object container", false)
	add("key-manager", []string{"key-manager"}, countFunc(inv.Volumes, func(v inventory.Volume) bool { return v.Encrypted }), "encrypted volume", false)
	add("dns", []string{"dns"}, countFunc(inv.FloatingIPs, func(f inventory.FloatingIP) bool { return f.DNSName != "" }), "DNS-named floating IP", false)
	return out
}

// missingMandatoryServices wraps the scs-0123 check.
func missingMandatoryServices(types []string) []string {
	return scs.MissingMandatoryServices(types)
}

func countFunc[T any](items []T, f func(T) bool) int {
	n := 0
	for _, it := range items {
		if f(it) {
			n++
		}
	}
	return n
}

// offers reports whether a catalog lists any of the types.
func offers(catalog, types []string) bool {
	return slices.ContainsFunc(types, func(t string) bool { return slices.Contains(catalog, t) })
}
