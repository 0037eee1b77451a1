package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
)

// writeCloudsYAML writes the tenants' clouds.yaml (mode 0600).
func writeCloudsYAML(path, authURL, password string) error {
	var b strings.Builder
	b.WriteString("# Written by hack/openstack/bootstrap: the tenants of the local OpenStack fixture.\nclouds:\n")
	names := slices.Clone(tenants)
	sort.Strings(names)
	for _, t := range names {
		fmt.Fprintf(&b, `  %s:
    auth_type: password
    auth:
      auth_url: %s
      username: %s
      password: %q
      project_name: %s
      user_domain_name: %s
      project_domain_name: %s
    region_name: %s
    interface: public
    identity_api_version: 3
`, t, authURL, t, password, t, domain, domain, region)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
