package inventory

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readConcurrency bounds the parts of the target read at once; the
// session bounds the API calls in flight underneath.
const readConcurrency = 4

// targetPart reads one part of the target's capabilities into t. Each
// part writes only its own fields, so parts run concurrently.
type targetPart struct {
	kind    string // warning kind when the part fails
	service func(*cloud.Session) *gophercloud.ServiceClient
	read    func(ctx context.Context, s *cloud.Session, t *Target) error
}

// targetParts is the read, one row per part.
var targetParts = []targetPart{
	{"flavors", computeClient, readFlavors},
	{"compute-azs", computeClient, readComputeAZs},
	{"compute-quotas", computeClient, readComputeQuotas},
	{"compute-existing", computeClient, readComputeExisting},
	{"images", imageClient, readTargetImages},
	{"volume-types", volumeClient, readVolumeTypes},
	{"volume-azs", volumeClient, readVolumeAZs},
	{"volume-quotas", volumeClient, readVolumeQuotas},
	{"external-networks", networkClient, readExternalNetworks},
	{"network-existing", networkClient, readNetworkExisting},
	{"network-quotas", networkClient, readNetworkQuotas},
	{"load-balancers", lbClient, readLoadBalancers},
	{"object-store-existing", objectStoreClient, readBucketsExisting},
	{"object-store-info", objectStoreClient, readObjectStoreInfo},
}

func computeClient(s *cloud.Session) *gophercloud.ServiceClient { return s.Compute }
func imageClient(s *cloud.Session) *gophercloud.ServiceClient   { return s.Image }
func volumeClient(s *cloud.Session) *gophercloud.ServiceClient  { return s.BlockStorage }
func networkClient(s *cloud.Session) *gophercloud.ServiceClient { return s.Network }
func lbClient(s *cloud.Session) *gophercloud.ServiceClient      { return s.LoadBalancer }
func objectStoreClient(s *cloud.Session) *gophercloud.ServiceClient {
	return s.ObjectStore
}

// ReadTarget reads what the target cloud offers the session's project.
// A part that cannot be read (a service missing from the catalog, a 403)
// becomes a warning in Target.Warnings, not an error; only a cancelled
// context fails the read.
func ReadTarget(ctx context.Context, s *cloud.Session) (*Target, error) {
	t := &Target{
		Endpoint: Endpoint{Cloud: s.Name, AuthURL: s.AuthURL, Region: s.Region,
			ProjectID: s.ProjectID, ProjectName: s.ProjectName},
		Services: slices.Clone(s.Services),
	}
	parts := make([]Target, len(targetParts))
	warns := make([]string, len(targetParts))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readConcurrency)
	for i, p := range targetParts {
		g.Go(func() error {
			if p.service(s) == nil {
				warns[i] = "not read: the catalog has no such service"
				return nil
			}
			err := p.read(gctx, s, &parts[i])
			if err != nil && gctx.Err() == nil {
				warns[i], err = describe(err), nil
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("read target %s: %w", s.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.Warnings = []Warning{}
	for i, p := range targetParts {
		t.merge(&parts[i])
		if warns[i] != "" {
			t.Warnings = append(t.Warnings, Warning{Kind: p.kind, Message: warns[i]})
		}
	}
	slices.SortFunc(t.Warnings, func(a, b Warning) int { return cmp.Compare(a.Kind+a.Message, b.Kind+b.Message) })
	return t, nil
}

// merge copies the fields a part filled in.
func (t *Target) merge(p *Target) {
	t.Flavors = append(t.Flavors, p.Flavors...)
	t.Images = append(t.Images, p.Images...)
	t.VolumeTypes = append(t.VolumeTypes, p.VolumeTypes...)
	if p.DefaultVolumeType != "" {
		t.DefaultVolumeType = p.DefaultVolumeType
	}
	t.ExternalNetworks = append(t.ExternalNetworks, p.ExternalNetworks...)
	t.ComputeAZs = append(t.ComputeAZs, p.ComputeAZs...)
	t.VolumeAZs = append(t.VolumeAZs, p.VolumeAZs...)
	t.Quotas = append(t.Quotas, p.Quotas...)
	e, pe := &t.Existing, &p.Existing
	e.Networks = append(e.Networks, pe.Networks...)
	e.Subnets = append(e.Subnets, pe.Subnets...)
	e.Routers = append(e.Routers, pe.Routers...)
	e.SecurityGroups = append(e.SecurityGroups, pe.SecurityGroups...)
	e.Keypairs = append(e.Keypairs, pe.Keypairs...)
	e.Servers = append(e.Servers, pe.Servers...)
	e.ServerGroups = append(e.ServerGroups, pe.ServerGroups...)
	e.LoadBalancers = append(e.LoadBalancers, pe.LoadBalancers...)
	e.Buckets = append(e.Buckets, pe.Buckets...)
	if p.ObjectStore != nil {
		t.ObjectStore = p.ObjectStore
	}
}

// sortedNames returns the sorted names of items.
func sortedNames[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, name(it))
	}
	slices.Sort(out)
	return out
}

// joinErrs labels and joins the errors of several calls of one part.
func joinErrs(labels []string, errs []error) error {
	var out []error
	for i, err := range errs {
		if err != nil {
			out = append(out, fmt.Errorf("%s: %s", labels[i], describe(err)))
		}
	}
	return errors.Join(out...)
}
