package transfer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// firstPoll is the first pause of a wait; pauses double up to Copier.Poll.
const firstPoll = 50 * time.Millisecond

// waitFor polls check until it reports done or fails, or ctx ends.
func (c *Copier) waitFor(ctx context.Context, what string, check func(context.Context) (bool, error)) error {
	pause := min(firstPoll, c.poll())
	for {
		done, err := check(ctx)
		if err != nil || done {
			return err
		}
		if err := sleep(ctx, pause); err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		pause = min(2*pause, c.poll())
	}
}

// retryPause is the pause before retry n (1, 2, …) of a stream: the
// backoff doubled each time, at most 30 s, with jitter.
func (c *Copier) retryPause(n int) time.Duration {
	c.init()
	d := min(c.backoff<<min(n-1, 10), 30*time.Second)
	return d/2 + rand.N(d/2+1)
}

// cleanupTimeout bounds the removal of temporary resources after a copy.
const cleanupTimeout = 10 * time.Minute

// cleanupContext is a context for cleaning up after ctx: it keeps ctx's
// values but not its cancellation, so Ctrl-C still cleans up.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}
