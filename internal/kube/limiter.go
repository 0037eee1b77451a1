package kube

import (
	"context"

	"k8s.io/client-go/util/flowcontrol"
)

// deadlineLimiter is client-go's token bucket, except that a call which
// cannot be made before its context's deadline waits for the deadline
// and fails with context.DeadlineExceeded. client-go's own limiter fails
// at once with an error of its own ("would exceed context deadline"),
// which a wait then reports as a failure of what it waits for instead
// of as its timeout.
type deadlineLimiter struct {
	flowcontrol.RateLimiter
}

func (l deadlineLimiter) Wait(ctx context.Context) error {
	err := l.RateLimiter.Wait(ctx)
	if err != nil && ctx.Err() == nil {
		if _, ok := ctx.Deadline(); ok {
			<-ctx.Done()
			return ctx.Err()
		}
	}
	return err
}
