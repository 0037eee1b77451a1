package inventory

import (
	"cmp"
	"context"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readFlavors lists the flavors with their extra specs, which Nova
// includes in the list from microversion 2.61; an older cloud is asked
// per flavor.
func readFlavors(ctx context.Context, s *cloud.Session, t *Target) error {
	list, err := cloud.ListAll(ctx, flavors.ListDetail(s.Compute, flavors.ListOpts{AccessType: flavors.AllAccess}), flavors.ExtractFlavors)
	if err != nil {
		return err
	}
	for _, f := range list {
		specs := f.ExtraSpecs
		if specs == nil {
			if specs, err = flavors.ListExtraSpecs(ctx, s.Compute, f.ID).Extract(); err != nil {
				return err
			}
		}
		t.Flavors = append(t.Flavors, Flavor{ID: f.ID, Name: f.Name, VCPUs: f.VCPUs, RAMMiB: f.RAM,
			DiskGB: f.Disk, EphemeralGB: f.Ephemeral, SwapMiB: f.Swap, ExtraSpecs: specs, Public: f.IsPublic})
	}
	slices.SortFunc(t.Flavors, func(a, b Flavor) int { return cmp.Compare(a.Name+"\x00"+a.ID, b.Name+"\x00"+b.ID) })
	return nil
}

// readComputeAZs lists the available compute availability zones.
func readComputeAZs(ctx context.Context, s *cloud.Session, t *Target) (err error) {
	t.ComputeAZs, err = availableZones(ctx, s.Compute)
	return err
}

// availableZones lists the available zones of os-availability-zone, which
// Nova and Cinder answer alike; Nova's "internal" zone of its services
// is none a server can go to.
func availableZones(ctx context.Context, c *gophercloud.ServiceClient) ([]string, error) {
	var body struct {
		Zones []struct {
			Name  string `json:"zoneName"`
			State struct {
				Available bool `json:"available"`
			} `json:"zoneState"`
		} `json:"availabilityZoneInfo"`
	}
	var out []string
	_, err := c.Get(ctx, c.ServiceURL("os-availability-zone"), &body, nil)
	for _, z := range body.Zones {
		if z.State.Available && z.Name != "internal" {
			out = append(out, z.Name)
		}
	}
	slices.Sort(out)
	return out, err
}

// readComputeQuotas reads Nova's limits and usage of the project.
func readComputeQuotas(ctx context.Context, s *cloud.Session, t *Target) error {
	q, err := quotasets.GetDetail(ctx, s.Compute, s.ProjectID).Extract()
	if err != nil {
		return err
	}
	add := func(res string, d quotasets.QuotaDetail) {
		t.Quotas = append(t.Quotas, Quota{Service: "compute", Resource: res, Limit: d.Limit, InUse: d.InUse + d.Reserved})
	}
	add("cores", q.Cores)
	add("instances", q.Instances)
	add("key_pairs", q.KeyPairs)
	add("ram", q.RAM)
	add("server_groups", q.ServerGroups)
	return nil
}

// readComputeExisting lists the project's servers, keypairs and server
// groups by name.
func readComputeExisting(ctx context.Context, s *cloud.Session, t *Target) error {
	srvs, errS := cloud.ListAll(ctx, servers.ListSimple(s.Compute, servers.ListOpts{}), servers.ExtractServers)
	kps, errK := cloud.ListAll(ctx, keypairs.List(s.Compute, nil), keypairs.ExtractKeyPairs)
	sgs, errG := cloud.ListAll(ctx, servergroups.List(s.Compute, nil), servergroups.ExtractServerGroups)
	t.Existing.Servers = sortedNames(srvs, func(v servers.Server) string { return v.Name })
	t.Existing.Keypairs = sortedNames(kps, func(v keypairs.KeyPair) string { return v.Name })
	t.Existing.ServerGroups = sortedNames(sgs, func(v servergroups.ServerGroup) string { return v.Name })
	return joinErrs([]string{"servers", "keypairs", "server groups"}, []error{errS, errK, errG})
}
