package plans

import (
	"context"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// The target's capabilities are read beside the collectors, in inventory;
// plans uses them without further API calls.
type (
	// Target is what a target cloud offers a migrating tenant.
	Target = inventory.Target
	// Endpoint identifies a cloud and project, without credentials.
	Endpoint = inventory.Endpoint
	// Existing are names (and CIDRs) already taken in the target project.
	Existing = inventory.Existing
	// ExistingSubnet is a subnet of the target project.
	ExistingSubnet = inventory.ExistingSubnet
)

// ReadTarget reads what the target cloud offers the session's project;
// see inventory.ReadTarget.
func ReadTarget(ctx context.Context, s *cloud.Session) (*Target, error) {
	return inventory.ReadTarget(ctx, s)
}
