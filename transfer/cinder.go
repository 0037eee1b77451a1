package transfer

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// Small, error-explaining wrappers around the Cinder calls of a copy.

func getVolume(ctx context.Context, client *gophercloud.ServiceClient, id string) (*volumes.Volume, error) {
	v, err := volumes.Get(ctx, client, id).Extract()
	return v, cloud.Wrap("get volume "+id, err)
}

// waitVolume waits until a volume has settled and returns it; an error
// state is ErrBadState.
func (c *Copier) waitVolume(ctx context.Context, client *gophercloud.ServiceClient, id string) (*volumes.Volume, error) {
	var v *volumes.Volume
	err := cloud.WaitFor(ctx, c.pollConfig(), cloud.Volume, id, cloud.VolumeStatus(client, id, &v))
	return v, err
}

// waitSnapshot is waitVolume for snapshots.
func (c *Copier) waitSnapshot(ctx context.Context, client *gophercloud.ServiceClient, id string) (*snapshots.Snapshot, error) {
	var s *snapshots.Snapshot
	err := cloud.WaitFor(ctx, c.pollConfig(), cloud.Snapshot, id, cloud.SnapshotStatus(client, id, &s))
	return s, err
}

// deleteVolume deletes a volume once it has settled and waits until it
// is gone, so that the snapshot it came from can go next. A volume that
// is already gone is fine.
func (c *Copier) deleteVolume(ctx context.Context, client *gophercloud.ServiceClient, id string) error {
	return cloud.Remove(ctx, c.pollConfig(), cloud.Volume, id, cloud.VolumeStatus(client, id, nil), func(ctx context.Context) error {
		return volumes.Delete(ctx, client, id, nil).ExtractErr()
	})
}

// deleteSnapshot is deleteVolume for snapshots.
func (c *Copier) deleteSnapshot(ctx context.Context, client *gophercloud.ServiceClient, id string) error {
	return cloud.Remove(ctx, c.pollConfig(), cloud.Snapshot, id, cloud.SnapshotStatus(client, id, nil), func(ctx context.Context) error {
		return snapshots.Delete(ctx, client, id).ExtractErr()
	})
}
