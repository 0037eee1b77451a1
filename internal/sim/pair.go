package sim

import (
	"errors"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
	"sigs.k8s.io/yaml"
)

// Pair is the two providers of a migration: the source a tenant leaves
// and the target it moves to.
type Pair struct {
	Source, Target *Cloud
}

// PairOptions configure both clouds of a pair; Profile fields are set by
// NewPair.
type PairOptions struct {
	Source, Target Options
}

// NewPair starts a source and a target cloud.
func NewPair(opts PairOptions) (*Pair, error) {
	if opts.Source.Profile.Name == "" {
		opts.Source.Profile = SourceProfile()
	}
	if opts.Target.Profile.Name == "" {
		opts.Target.Profile = TargetProfile()
	}
	src, err := New(opts.Source)
	if err != nil {
		return nil, fmt.Errorf("start source cloud: %w", err)
	}
	dst, err := New(opts.Target)
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("start target cloud: %w", err)
	}
	return &Pair{Source: src, Target: dst}, nil
}

// Close stops both clouds.
func (p *Pair) Close() error {
	return errors.Join(p.Source.Close(), p.Target.Close())
}

// SetFaults switches fault injection on (or off) for both clouds.
func (p *Pair) SetFaults(f Faults) {
	p.Source.SetFaults(f)
	p.Target.SetFaults(f)
}

// CloudEntry is one clouds.yaml entry for a project of a simulated cloud.
type CloudEntry struct {
	Name    string
	Cloud   *Cloud
	Project ProjectSpec
	// AppCred selects application-credential auth instead of password.
	AppCred bool
	// CACert is the cacert file to name (a TLS cloud's CACertPEM, saved);
	// NoVerify writes verify: false.
	CACert   string
	NoVerify bool
}

// Entries are the clouds.yaml entries "sim-source" and "sim-target" for
// the first project of each cloud.
func (p *Pair) Entries() []CloudEntry {
	return []CloudEntry{
		{Name: "sim-source", Cloud: p.Source, Project: p.Source.opts.Projects[0]},
		{Name: "sim-target", Cloud: p.Target, Project: p.Target.opts.Projects[0]},
	}
}

// WriteCloudsYAML writes a clouds.yaml (mode 0600, it holds passwords)
// with the given entries, atomically, as gophercloud's own clouds types.
func WriteCloudsYAML(path string, entries []CloudEntry) error {
	file := clouds.Clouds{Clouds: make(map[string]clouds.Cloud, len(entries))}
	for _, e := range entries {
		cl := clouds.Cloud{
			RegionName:         e.Cloud.opts.Profile.Region,
			Interface:          "public",
			IdentityAPIVersion: "3",
			CACertFile:         e.CACert,
			AuthType:           clouds.AuthPassword,
			AuthInfo: &clouds.AuthInfo{
				AuthURL:           e.Cloud.AuthURL(),
				Username:          e.Project.User,
				Password:          e.Project.Password,
				ProjectName:       e.Project.Name,
				UserDomainName:    "Default",
				ProjectDomainName: "Default",
			},
		}
		if e.NoVerify {
			cl.Verify = new(bool)
		}
		if e.AppCred {
			cl.AuthType = clouds.AuthV3ApplicationCredential
			cl.AuthInfo = &clouds.AuthInfo{
				AuthURL:                     e.Cloud.AuthURL(),
				ApplicationCredentialID:     e.Cloud.AppCredentialID(e.Project.AppCredName),
				ApplicationCredentialSecret: e.Project.AppCredSecret,
			}
		}
		file.Clouds[e.Name] = cl
	}
	b, err := yaml.Marshal(file)
	if err != nil {
		return fmt.Errorf("clouds.yaml: %w", err)
	}
	return atomicfile.Write(path, append([]byte("# Written by scs-migrate sim serve: simulated SCS clouds on loopback.\n"), b...), 0o600)
}
