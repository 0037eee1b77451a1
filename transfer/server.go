package transfer

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// SnapshotServer makes an image of a server's ephemeral root disk on the
// source (Nova createImage), waits until it is active and returns its ID;
// CopyImage then carries it across. The caller decides between a cold
// snapshot (server stopped first, consistent) and a live one. For a
// volume-backed server Nova makes a zero-byte image that points at volume
// snapshots; copy its volumes instead.
func (c *Copier) SnapshotServer(ctx context.Context, serverID, name string) (string, error) {
	id, err := servers.CreateImage(ctx, c.Source.Compute, serverID, servers.CreateImageOpts{Name: name}).ExtractImageID()
	if err != nil {
		return "", cloud.Wrap("snapshot server "+serverID, err)
	}
	if _, err := c.waitImageActive(ctx, c.Source.Image, id); err != nil {
		cctx, cancel := cleanupContext(ctx)
		defer cancel()
		if derr := deleteImage(cctx, c.Source.Image, id); derr != nil {
			err = fmt.Errorf("%w (and the unfinished snapshot was not removed: %v)", err, derr)
		}
		return "", fmt.Errorf("snapshot server %s: %w", serverID, err)
	}
	return id, nil
}
