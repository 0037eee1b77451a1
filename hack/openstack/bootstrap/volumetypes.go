package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumetypes"

	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// volumeTypes are created besides Cinder's own __DEFAULT__. The fixture
// has one backend and no key manager, so they carry no extra specs: the
// aspects are in the scs-0114 description only.
var volumeTypes = []struct{ name, description string }{
	{"ssd", "[scs:replicated] local directory (fixture)"},
	{"ssd-encrypted", "[scs:encrypted, replicated] local directory (fixture; not really encrypted)"},
}

func seedVolumeTypes(ctx context.Context, volume *gophercloud.ServiceClient) error {
	pages, err := volumetypes.List(volume, volumetypes.ListOpts{IsPublic: volumetypes.VisibilityDefault}).AllPages(ctx)
	if err != nil {
		return err
	}
	existing, err := volumetypes.ExtractVolumeTypes(pages)
	if err != nil {
		return err
	}
	for _, vt := range volumeTypes {
		i := slices.IndexFunc(existing, func(e volumetypes.VolumeType) bool { return e.Name == vt.name })
		if i >= 0 {
			if existing[i].Description != vt.description {
				if _, err := volumetypes.Update(ctx, volume, existing[i].ID, volumetypes.UpdateOpts{Description: ptr(vt.description)}).Extract(); err != nil {
					return fmt.Errorf("update %s: %w", vt.name, err)
				}
			}
			continue
		}
		if _, err := volumetypes.Create(ctx, volume, volumetypes.CreateOpts{Name: vt.name, Description: vt.description, IsPublic: ptr(true)}).Extract(); err != nil {
			return fmt.Errorf("create %s: %w", vt.name, err)
		}
		logf("created volume type %s", vt.name)
	}
	for _, vt := range volumeTypes {
		if _, _, err := scs.ParseVolumeTypeAspects(vt.description); err != nil {
			return err
		}
	}
	return nil
}
