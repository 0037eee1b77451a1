package transfer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// stallTimeout is how long a stream may move no byte before it is
// broken off and resumed (download) or started again (upload): a
// connection that hangs without an error would otherwise hold a copy
// for ever.
const stallTimeout = 2 * time.Minute

// errStalled means a stream moved no byte for too long.
var errStalled = errors.New("stream stalled")

// watchdog cancels a request whose stream stops moving. kick says that
// bytes moved; stop disarms it.
type watchdog struct {
	t *time.Timer
	d time.Duration
}

// newWatchdog returns ctx and its watchdog: ctx ends, with a cause that
// is errStalled, when kick is not called for d.
func newWatchdog(ctx context.Context, d time.Duration) (context.Context, *watchdog, context.CancelCauseFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &watchdog{d: d, t: time.AfterFunc(d, func() {
		cancel(fmt.Errorf("%w: no byte moved for %s", errStalled, d))
	})}
	return ctx, w, cancel
}

func (w *watchdog) kick() { w.t.Reset(w.d) }
func (w *watchdog) stop() { w.t.Stop() }

// stalled replaces err by the stall that caused it, if ctx ended so; a
// stream that stalled is worth another try.
func stalled(ctx context.Context, err error) error {
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, errStalled) {
		return cloud.Transient(cause)
	}
	return err
}
