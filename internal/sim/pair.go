package sim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
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
// with the given entries, atomically.
func WriteCloudsYAML(path string, entries []CloudEntry) error {
	var b strings.Builder
	b.WriteString("# Written by scs-migrate sim serve: simulated SCS clouds on loopback.\nclouds:\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "  %s:\n    region_name: %s\n    interface: public\n    identity_api_version: 3\n",
			e.Name, e.Cloud.opts.Profile.Region)
		if e.CACert != "" {
			fmt.Fprintf(&b, "    cacert: %q\n", e.CACert)
		}
		if e.NoVerify {
			b.WriteString("    verify: false\n")
		}
		fmt.Fprintf(&b, "    auth:\n      auth_url: %s\n", e.Cloud.AuthURL())
		if e.AppCred {
			fmt.Fprintf(&b, "      application_credential_id: %q\n      application_credential_secret: %q\n    auth_type: v3applicationcredential\n",
				e.Cloud.AppCredentialID(e.Project.AppCredName), e.Project.AppCredSecret)
			continue
		}
		fmt.Fprintf(&b, "      username: %q\n      password: %q\n      project_name: %q\n      user_domain_name: Default\n      project_domain_name: Default\n    auth_type: password\n",
			e.Project.User, e.Project.Password, e.Project.Name)
	}
	return atomicfile.Write(path, []byte(b.String()), 0o600)
}
