package migrate

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/scs-migrate/scs-migrate/transfer"
)

// transient reports whether a failed step may succeed when simply tried
// again: the cloud answered 5xx, 408 or 429, or the connection broke.
// Client errors (quota, conflict, bad request) and cancellation are not.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	status := statusOf(err)
	var te *transfer.APIError
	if status == 0 && errors.As(err, &te) {
		status = te.Status
	}
	if status != 0 {
		return status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
