package transfer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
)

// Small, error-explaining wrappers around the Cinder calls of a copy.

// volumeTransitional are the states a volume passes on its way to a
// state one can act on.
var volumeTransitional = []string{"creating", "attaching", "detaching", "deleting", "reserved",
	"backing-up", "restoring-backup", "downloading", "uploading", "retyping", "extending", "maintenance"}

var snapshotTransitional = []string{"creating", "deleting", "backing-up", "restoring", "unmanaging"}

func getVolume(ctx context.Context, client *gophercloud.ServiceClient, id string) (*volumes.Volume, error) {
	v, err := volumes.Get(ctx, client, id).Extract()
	if err != nil {
		return nil, fmt.Errorf("get volume %s: %w", id, apiError(err))
	}
	return v, nil
}

func getSnapshot(ctx context.Context, client *gophercloud.ServiceClient, id string) (*snapshots.Snapshot, error) {
	s, err := snapshots.Get(ctx, client, id).Extract()
	if err != nil {
		return nil, fmt.Errorf("get snapshot %s: %w", id, apiError(err))
	}
	return s, nil
}

// waitVolume waits until a volume is in none of the transitional states
// and returns it; an error state is an error.
func (c *Copier) waitVolume(ctx context.Context, client *gophercloud.ServiceClient, id string) (*volumes.Volume, error) {
	var v *volumes.Volume
	err := c.waitFor(ctx, "volume "+id, func(ctx context.Context) (bool, error) {
		var err error
		v, err = getVolume(ctx, client, id)
		return err == nil && !slices.Contains(volumeTransitional, v.Status), err
	})
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(v.Status, "error") {
		return v, fmt.Errorf("volume %s is %s: %w", id, v.Status, ErrBadState)
	}
	return v, nil
}

// waitSnapshot is waitVolume for snapshots.
func (c *Copier) waitSnapshot(ctx context.Context, client *gophercloud.ServiceClient, id string) (*snapshots.Snapshot, error) {
	var s *snapshots.Snapshot
	err := c.waitFor(ctx, "snapshot "+id, func(ctx context.Context) (bool, error) {
		var err error
		s, err = getSnapshot(ctx, client, id)
		return err == nil && !slices.Contains(snapshotTransitional, s.Status), err
	})
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(s.Status, "error") {
		return s, fmt.Errorf("snapshot %s is %s: %w", id, s.Status, ErrBadState)
	}
	return s, nil
}

// deleteVolume deletes a volume once it has settled and waits until it
// is gone, so that the snapshot it came from can go next. A volume that
// is already gone is fine.
func (c *Copier) deleteVolume(ctx context.Context, client *gophercloud.ServiceClient, id string) error {
	if _, err := c.waitVolume(ctx, client, id); err != nil && !errors.Is(err, ErrBadState) {
		return ignoreNotFound(err)
	}
	if err := apiError(volumes.Delete(ctx, client, id, nil).ExtractErr()); err != nil {
		return ignoreNotFound(fmt.Errorf("delete volume %s: %w", id, err))
	}
	return c.waitGone(ctx, "volume "+id, func(ctx context.Context) (string, error) {
		v, err := getVolume(ctx, client, id)
		if err != nil {
			return "", err
		}
		return v.Status, nil
	})
}

// deleteSnapshot is deleteVolume for snapshots.
func (c *Copier) deleteSnapshot(ctx context.Context, client *gophercloud.ServiceClient, id string) error {
	if _, err := c.waitSnapshot(ctx, client, id); err != nil && !errors.Is(err, ErrBadState) {
		return ignoreNotFound(err)
	}
	if err := apiError(snapshots.Delete(ctx, client, id).ExtractErr()); err != nil {
		return ignoreNotFound(fmt.Errorf("delete snapshot %s: %w", id, err))
	}
	return c.waitGone(ctx, "snapshot "+id, func(ctx context.Context) (string, error) {
		s, err := getSnapshot(ctx, client, id)
		if err != nil {
			return "", err
		}
		return s.Status, nil
	})
}

// waitGone waits until status answers 404; error_deleting is an error.
func (c *Copier) waitGone(ctx context.Context, what string, status func(context.Context) (string, error)) error {
	return c.waitFor(ctx, what+" to be deleted", func(ctx context.Context) (bool, error) {
		st, err := status(ctx)
		if errors.Is(err, ErrNotFound) {
			return true, nil
		}
		if err == nil && st == "error_deleting" {
			err = fmt.Errorf("%s is %s: %w", what, st, ErrBadState)
		}
		return false, err
	})
}

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
