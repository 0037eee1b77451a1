package inventory

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumetypes"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// CinderDefaultType is the name Cinder gives its built-in default type.
const CinderDefaultType = "__DEFAULT__"

// readVolumeTypes lists the volume types with their scs-0114 aspects and
// finds the default type.
func readVolumeTypes(ctx context.Context, s *cloud.Session, t *Target) error {
	list, err := cloud.ListAll(ctx, volumetypes.List(s.BlockStorage, volumetypes.ListOpts{}), volumetypes.ExtractVolumeTypes)
	if err != nil {
		return err
	}
	for _, vt := range list {
		aspects, _, _ := scs.ParseVolumeTypeAspects(vt.Description)
		t.VolumeTypes = append(t.VolumeTypes, VolumeType{ID: vt.ID, Name: vt.Name,
			Description: vt.Description, ExtraSpecs: vt.ExtraSpecs, Aspects: aspects})
	}
	slices.SortFunc(t.VolumeTypes, func(a, b VolumeType) int { return cmp.Compare(a.Name, b.Name) })
	def, err := defaultVolumeType(ctx, s)
	if err != nil {
		if slices.ContainsFunc(t.VolumeTypes, func(v VolumeType) bool { return v.Name == CinderDefaultType }) {
			t.DefaultVolumeType = CinderDefaultType
			return nil
		}
		return fmt.Errorf("default volume type: %s", describe(err))
	}
	t.DefaultVolumeType = def
	return nil
}

// defaultVolumeType asks Cinder for the project's default type
// (GET /types/default, Cinder 3.62+ semantics).
func defaultVolumeType(ctx context.Context, s *cloud.Session) (string, error) {
	var body struct {
		VolumeType struct {
			Name string `json:"name"`
		} `json:"volume_type"`
	}
	if _, err := s.BlockStorage.Get(ctx, s.BlockStorage.ServiceURL("types", "default"), &body, nil); err != nil {
		return "", err
	}
	return body.VolumeType.Name, nil
}

// readVolumeAZs lists the available volume availability zones.
func readVolumeAZs(ctx context.Context, s *cloud.Session, t *Target) (err error) {
	t.VolumeAZs, err = availableZones(ctx, s.BlockStorage)
	return err
}

// readVolumeQuotas reads Cinder's limits and usage of the project.
func readVolumeQuotas(ctx context.Context, s *cloud.Session, t *Target) error {
	q, err := quotasets.GetUsage(ctx, s.BlockStorage, s.ProjectID).Extract()
	if err != nil {
		return err
	}
	add := func(res string, u quotasets.QuotaUsage) {
		t.Quotas = append(t.Quotas, Quota{Service: "volume", Resource: res, Limit: u.Limit, InUse: u.InUse + u.Reserved})
	}
	add("gigabytes", q.Gigabytes)
	add("volumes", q.Volumes)
	return nil
}
