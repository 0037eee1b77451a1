package cloud

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Kind is a kind of resource whose status changes on its own.
type Kind string

// The kinds the state table knows.
const (
	Server       Kind = "server"
	Volume       Kind = "volume"
	Snapshot     Kind = "snapshot"
	Image        Kind = "image"
	Backup       Kind = "backup"
	LoadBalancer Kind = "load balancer"
	Port         Kind = "port"
)

// lifecycle are the statuses of a kind that a wait must know.
type lifecycle struct {
	// transitional statuses are on the way to another one by themselves.
	transitional []string
	// busy statuses refuse deletion until something else lets go (a
	// volume in use until its server is gone).
	busy []string
	// failed statuses end a wait with ErrBadState, and so does every
	// "error_…" status (error_deleting, error_extending, …).
	failed []string
	// gone statuses count as deleted before the resource answers 404.
	gone []string
}

// lifecycles is the one table of resource statuses.
var lifecycles = map[Kind]lifecycle{
	Server: {
		transitional: []string{"BUILD", "REBUILD", "REBOOT", "HARD_REBOOT", "RESIZE", "REVERT_RESIZE", "MIGRATING", "PASSWORD"},
		failed:       []string{"ERROR"},
		gone:         []string{"DELETED"},
	},
	Volume: {
		transitional: []string{"creating", "attaching", "detaching", "deleting", "reserved", "backing-up",
			"restoring-backup", "downloading", "uploading", "retyping", "extending", "maintenance", "awaiting-transfer"},
		busy:   []string{"in-use"},
		failed: []string{"error"},
	},
	Snapshot: {
		transitional: []string{"creating", "deleting", "backing-up", "restoring", "unmanaging"},
		failed:       []string{"error"},
	},
	Image: {
		transitional: []string{"queued", "saving", "importing", "uploading"},
		failed:       []string{"killed"},
		gone:         []string{"deleted", "pending_delete"},
	},
	Backup: {
		transitional: []string{"creating", "deleting", "restoring"},
		failed:       []string{"error"},
	},
	LoadBalancer: {
		transitional: []string{"PENDING_CREATE", "PENDING_UPDATE", "PENDING_DELETE"},
		failed:       []string{"ERROR"},
		gone:         []string{"DELETED"},
	},
	Port: {
		transitional: []string{"BUILD"},
		failed:       []string{"ERROR"},
	},
}

// Transitional reports whether a resource of kind in status is on its
// way to another status by itself.
func Transitional(kind Kind, status string) bool {
	return slices.Contains(lifecycles[kind].transitional, status)
}

// Failed reports whether status is an error status of kind.
func Failed(kind Kind, status string) bool {
	return slices.Contains(lifecycles[kind].failed, status) || strings.HasPrefix(status, "error_")
}

// Poll says how to wait for a resource that changes state.
type Poll struct {
	// Max is the longest pause between two looks; pauses start at 20 ms
	// and double up to it. 0 means 5 s.
	Max time.Duration
	// Timeout bounds one wait; 0 leaves it to the context.
	Timeout time.Duration
}

// Until looks with check until it reports done or fails, or the wait
// times out or ctx ends; errors say what was waited for.
func (p Poll) Until(ctx context.Context, what string, check func(context.Context) (bool, error)) error {
	if p.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.Timeout)
		defer cancel()
	}
	most := p.Max
	if most <= 0 {
		most = 5 * time.Second
	}
	pause := min(20*time.Millisecond, most)
	for {
		done, err := check(ctx)
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if done {
			return nil
		}
		if err := Sleep(ctx, pause); err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		pause = min(2*pause, most)
	}
}

// StatusFunc reads the current status of one resource; an error that
// IsNotFound means it does not exist.
type StatusFunc func(context.Context) (string, error)

// WaitFor waits until the resource's status is one of want or, when want
// is empty, until it is no longer transitional. A failed status ends the
// wait with an error that wraps ErrBadState.
func WaitFor(ctx context.Context, p Poll, kind Kind, id string, status StatusFunc, want ...string) error {
	what := fmt.Sprintf("%s %s to settle", kind, id)
	if len(want) > 0 {
		what = fmt.Sprintf("%s %s to be %s", kind, id, strings.Join(want, " or "))
	}
	return p.Until(ctx, what, func(ctx context.Context) (bool, error) {
		st, err := status(ctx)
		switch {
		case err != nil:
			return false, err
		case slices.Contains(want, st):
			return true, nil
		case Failed(kind, st):
			return false, fmt.Errorf("%s %s is %s: %w", kind, id, st, ErrBadState)
		}
		return len(want) == 0 && !Transitional(kind, st), nil
	})
}

// WaitGone waits until the resource answers 404 (or shows a gone status).
// error_deleting ends the wait with ErrBadState.
func WaitGone(ctx context.Context, p Poll, kind Kind, id string, status StatusFunc) error {
	return p.Until(ctx, fmt.Sprintf("%s %s to be deleted", kind, id), func(ctx context.Context) (bool, error) {
		st, err := status(ctx)
		switch {
		case IsNotFound(err):
			return true, nil
		case err != nil:
			return false, err
		case st == "error_deleting":
			return false, fmt.Errorf("%s %s is %s: %w", kind, id, st, ErrBadState)
		}
		return slices.Contains(lifecycles[kind].gone, st), nil
	})
}

// Remove deletes a resource once its status allows it and waits until it
// is gone; one that is gone already is fine. While it is transitional or
// busy the delete waits; a delete the service refuses with 400 or 409
// (the status changed meanwhile) is tried again at the next look, unless
// it is refused twice in the same status.
func Remove(ctx context.Context, p Poll, kind Kind, id string, status StatusFunc, del func(context.Context) error) error {
	refusedIn := ""
	err := p.Until(ctx, fmt.Sprintf("%s %s to be deletable", kind, id), func(ctx context.Context) (bool, error) {
		st, err := status(ctx)
		switch {
		case IsNotFound(err):
			return true, nil
		case err != nil:
			return false, err
		case Transitional(kind, st) || slices.Contains(lifecycles[kind].busy, st):
			return false, nil
		}
		err = del(ctx)
		switch s := StatusOf(err); {
		case err == nil || s == http.StatusNotFound:
			return true, nil
		case (s == http.StatusBadRequest || s == http.StatusConflict) && st != refusedIn:
			refusedIn = st
			return false, nil
		}
		return false, Wrap(fmt.Sprintf("delete %s %s", kind, id), err)
	})
	if err != nil {
		return err
	}
	return WaitGone(ctx, p, kind, id, status)
}
