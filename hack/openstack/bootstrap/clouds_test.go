package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// TestWriteCloudsYAML: the file is private and gophercloud reads each
// tenant's entry back as the fixture's credentials, however odd the
// password.
func TestWriteCloudsYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clouds.yaml")
	const password = `"p: #w'd\` + "\n"
	if err := writeCloudsYAML(path, "http://127.0.0.1:5000/v3", password); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("stat: %v, %v; want mode 0600", fi, err)
	}
	for _, tenant := range tenants {
		ao, eo, _, err := clouds.Parse(clouds.WithLocations(path), clouds.WithCloudName(tenant))
		if err != nil {
			t.Fatal(err)
		}
		if ao.IdentityEndpoint != "http://127.0.0.1:5000/v3" || ao.Username != tenant || ao.Password != password ||
			ao.TenantName != tenant || ao.DomainName != domain || eo.Region != region || eo.Availability != "public" {
			t.Errorf("%s: %+v, %+v", tenant, ao, eo)
		}
	}
}
