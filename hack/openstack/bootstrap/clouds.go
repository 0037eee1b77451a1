package main

import (
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
	"sigs.k8s.io/yaml"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
)

// writeCloudsYAML writes the tenants' clouds.yaml, mode 0600, in
// gophercloud's own clouds.yaml types, so that a password or URL is
// quoted as YAML needs it.
func writeCloudsYAML(path, authURL, password string) error {
	file := clouds.Clouds{Clouds: map[string]clouds.Cloud{}}
	for _, t := range tenants {
		file.Clouds[t] = clouds.Cloud{
			AuthType: clouds.AuthPassword,
			AuthInfo: &clouds.AuthInfo{
				AuthURL: authURL, Username: t, Password: password, ProjectName: t,
				UserDomainName: domain, ProjectDomainName: domain,
			},
			RegionName: region, Interface: "public", IdentityAPIVersion: "3",
		}
	}
	b, err := yaml.Marshal(file)
	if err != nil {
		return err
	}
	b = append([]byte("# Written by hack/openstack/bootstrap: the tenants of the local OpenStack fixture.\n"), b...)
	return atomicfile.Write(path, b, 0o600)
}
