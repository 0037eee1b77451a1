package transfer

import (
	"context"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// pollConfig is how the copy waits for resources that change state: no
// bound but the context's, looks at most Copier.Poll apart.
func (c *Copier) pollConfig() cloud.Poll { return cloud.Poll{Max: c.poll()} }

// cleanupTimeout bounds the removal of temporary resources after a copy.
const cleanupTimeout = 10 * time.Minute

// cleanupContext is a context for cleaning up after ctx: it keeps ctx's
// values but not its cancellation, so Ctrl-C still cleans up.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}
