package kube

import (
	"context"
	"errors"
	"testing"
	"time"

	"k8s.io/client-go/util/flowcontrol"
)

// TestLimiterTimesOutAtTheDeadline: a call the token bucket cannot admit
// before the deadline ends with context.DeadlineExceeded, so that a wait
// reports its timeout, not the limiter's own error.
func TestLimiterTimesOutAtTheDeadline(t *testing.T) {
	l := deadlineLimiter{flowcontrol.NewTokenBucketRateLimiter(0.01, 1)}
	if err := l.Wait(context.Background()); err != nil {
		t.Fatalf("the first call has a token: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a call that cannot be admitted before the deadline: %v", err)
	}
}
