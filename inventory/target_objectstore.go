package inventory

import (
	"context"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readBucketsExisting lists the target project's containers: a bucket
// the plan would make under a taken name is a clash.
func readBucketsExisting(ctx context.Context, s *cloud.Session, t *Target) error {
	names, err := cloud.ListAll(ctx, containers.List(s.ObjectStore, containers.ListOpts{}), containers.ExtractNames)
	if err != nil {
		return err
	}
	slices.Sort(names)
	t.Existing.Buckets = names
	return nil
}
