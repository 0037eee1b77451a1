package main

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"

	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// seedFlavors creates all scs-0103 standard flavors (the mandatory and the
// recommended ones) with their scs: extra specs, public.
func seedFlavors(ctx context.Context, compute *gophercloud.ServiceClient) error {
	pages, err := flavors.ListDetail(compute, flavors.ListOpts{AccessType: flavors.AllAccess}).AllPages(ctx)
	if err != nil {
		return err
	}
	existing, err := flavors.ExtractFlavors(pages)
	if err != nil {
		return err
	}
	byName := map[string]flavors.Flavor{}
	for _, f := range existing {
		byName[f.Name] = f
	}
	created := 0
	for _, sf := range scs.StandardFlavors() {
		f, ok := byName[sf.Name]
		if ok && (f.VCPUs != sf.VCPUs || f.RAM != sf.RAMMiB || f.Disk != sf.DiskGB) {
			return fmt.Errorf("flavor %s exists with %d vCPUs, %d MiB, %d GB; want %d, %d, %d",
				sf.Name, f.VCPUs, f.RAM, f.Disk, sf.VCPUs, sf.RAMMiB, sf.DiskGB)
		}
		if !ok {
			nf, err := flavors.Create(ctx, compute, flavors.CreateOpts{
				Name: sf.Name, VCPUs: sf.VCPUs, RAM: sf.RAMMiB, Disk: ptr(sf.DiskGB), IsPublic: ptr(true),
			}).Extract()
			if err != nil {
				return fmt.Errorf("create %s: %w", sf.Name, err)
			}
			f, created = *nf, created+1
		}
		have, err := flavors.ListExtraSpecs(ctx, compute, f.ID).Extract()
		if err != nil {
			return fmt.Errorf("extra specs of %s: %w", sf.Name, err)
		}
		missing := flavors.ExtraSpecsOpts{}
		for k, v := range sf.ExtraSpecs {
			if have[k] != v {
				missing[k] = v
			}
		}
		if len(missing) > 0 {
			if _, err := flavors.CreateExtraSpecs(ctx, compute, f.ID, missing).Extract(); err != nil {
				return fmt.Errorf("set extra specs of %s: %w", sf.Name, err)
			}
		}
		if err := sf.Check(f.VCPUs, f.RAM, f.Disk, mergeSpecs(have, missing)); err != nil {
			return err
		}
	}
	logf("flavors: %d standard flavors, %d created", len(scs.StandardFlavors()), created)
	return nil
}

func mergeSpecs(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
