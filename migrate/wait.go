package migrate

import (
	"context"
	"fmt"
	"time"
)

// pollConfig says how to wait for a resource that changes state.
type pollConfig struct {
	// max is the longest pause between two looks; pauses start short and
	// double up to it.
	max time.Duration
	// timeout bounds one wait.
	timeout time.Duration
}

// until looks with check until it reports done, fails, or the wait times
// out or ctx ends.
func (p pollConfig) until(ctx context.Context, what string, check func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	pause := min(20*time.Millisecond, p.max)
	for {
		done, err := check(ctx)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if done {
			return nil
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, p.max)
	}
}
