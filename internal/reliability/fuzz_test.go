package reliability

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// FuzzInventoryParse feeds arbitrary documents to the inventory loader
// (the fuzz targets of the plan, mapping and journal loaders are in
// plans/ and migrate/): it never panics, Validate never panics on what
// it accepts, and what it accepts survives a round trip through its own
// encoding unchanged.
//
//	go test -run '^$' -fuzz FuzzInventoryParse ./internal/reliability/
func FuzzInventoryParse(f *testing.F) {
	addSeeds(f, "../../inventory/testdata/webshop.golden.json", "../../inventory/testdata/bad/*", "testdata/hostile/inventory/*")
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := inventory.Parse(b)
		if err != nil {
			return
		}
		_ = doc.Validate()
		for _, format := range []string{"json", "yaml"} {
			enc, err := inventory.Marshal(doc, format)
			if err != nil {
				t.Fatalf("marshal what was parsed as %s: %v", format, err)
			}
			again, err := inventory.Parse(enc)
			if err != nil {
				t.Fatalf("its own %s encoding does not parse: %v\n%s", format, err, enc)
			}
			if enc2, _ := inventory.Marshal(again, format); string(enc2) != string(enc) {
				t.Fatalf("the %s round trip changed the document:\n%s\n---\n%s", format, enc, enc2)
			}
		}
	})
}

// FuzzTenantFixture feeds arbitrary fixtures to the tenant loader of
// sim serve and demo: it never panics.
//
//	go test -run '^$' -fuzz FuzzTenantFixture ./internal/reliability/
func FuzzTenantFixture(f *testing.F) {
	addSeeds(f, "../../examples/tenant.yaml", "../../examples/tenant-10k.yaml", "testdata/hostile/tenant/*")
	f.Fuzz(func(t *testing.T, b []byte) {
		sim.ParseTenant(b)
	})
}

// addSeeds adds the files matching the patterns to the seed corpus.
func addSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil || len(files) == 0 {
			f.Fatalf("no seed files match %s", p)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}
