// Package examples holds the example tenant, mapping and clouds.yaml
// files, embedded so that `scs-migrate demo` runs from the binary alone.
package examples

import _ "embed"

// Tenant is examples/tenant.yaml, the web-shop tenant the demo moves.
//
//go:embed tenant.yaml
var Tenant []byte
