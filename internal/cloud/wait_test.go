package cloud

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

var fastPoll = Poll{Max: time.Millisecond, Timeout: 5 * time.Second}

// resource plays a resource whose status walks through a script; after
// the script it answers 404.
type resource struct {
	script  []string
	looks   int
	deletes []int // the looks at which delete was called
	refuse  int   // delete answers 409 this many times
}

func (r *resource) status(context.Context) (string, error) {
	r.looks++
	if r.looks > len(r.script) {
		return "", gophercloudError(404, "GET", "/x", "", nil)
	}
	return r.script[r.looks-1], nil
}

func (r *resource) del(context.Context) error {
	r.deletes = append(r.deletes, r.looks)
	if len(r.deletes) <= r.refuse {
		return gophercloudError(409, "DELETE", "/x", "", nil)
	}
	return nil
}

func TestWaitGone(t *testing.T) {
	r := &resource{script: []string{"deleting", "deleting"}}
	if err := WaitGone(context.Background(), fastPoll, Volume, "v1", r.status); err != nil || r.looks != 3 {
		t.Errorf("err %v after %d looks", err, r.looks)
	}
	r = &resource{script: []string{"deleting", "error_deleting", "deleting"}}
	err := WaitGone(context.Background(), fastPoll, Volume, "v1", r.status)
	if !errors.Is(err, ErrBadState) || r.looks != 2 {
		t.Errorf("error_deleting: err %v after %d looks", err, r.looks)
	}
	r = &resource{script: []string{"PENDING_DELETE", "DELETED", "DELETED"}}
	if err := WaitGone(context.Background(), fastPoll, LoadBalancer, "lb", r.status); err != nil || r.looks != 2 {
		t.Errorf("DELETED: err %v after %d looks", err, r.looks)
	}
}

// TestRemoveWaitsOutTransitionalStates: the delete is sent only once
// the resource has left its transitional and busy states, is sent again
// when refused with 409, and the wait ends when the resource is gone.
func TestRemoveWaitsOutTransitionalStates(t *testing.T) {
	r := &resource{script: []string{"in-use", "detaching", "available", "available", "deleting"}, refuse: 1}
	if err := Remove(context.Background(), fastPoll, Volume, "v1", r.status, r.del); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.deletes, []int{3, 4}) {
		t.Errorf("deletes at looks %v, want at 3 (refused) and 4", r.deletes)
	}
	lb := &resource{script: []string{"PENDING_UPDATE", "ACTIVE", "PENDING_DELETE"}}
	if err := Remove(context.Background(), fastPoll, LoadBalancer, "lb", lb.status, lb.del); err != nil || !slices.Equal(lb.deletes, []int{2}) {
		t.Errorf("err %v, deletes %v", err, lb.deletes)
	}
	gone := &resource{}
	if err := Remove(context.Background(), fastPoll, Snapshot, "s", gone.status, gone.del); err != nil || len(gone.deletes) != 0 {
		t.Errorf("a missing resource: err %v, deletes %v", err, gone.deletes)
	}
	stuck := &resource{script: []string{"available", "available", "available"}, refuse: 3}
	if err := Remove(context.Background(), fastPoll, Volume, "v", stuck.status, stuck.del); !IsConflict(err) || len(stuck.deletes) != 2 {
		t.Errorf("refused twice in the same status: err %v, deletes %v", err, stuck.deletes)
	}
	failed := &resource{script: []string{"error", "error"}}
	if err := Remove(context.Background(), fastPoll, Snapshot, "s", failed.status, failed.del); err != nil || len(failed.deletes) != 1 {
		t.Errorf("a snapshot in error is deleted: err %v, deletes %v", err, failed.deletes)
	}
}

func TestWaitFor(t *testing.T) {
	r := &resource{script: []string{"creating", "downloading", "available"}}
	if err := WaitFor(context.Background(), fastPoll, Volume, "v", r.status); err != nil || r.looks != 3 {
		t.Errorf("err %v after %d looks", err, r.looks)
	}
	r = &resource{script: []string{"available", "attaching", "in-use"}}
	if err := WaitFor(context.Background(), fastPoll, Volume, "v", r.status, "in-use"); err != nil || r.looks != 3 {
		t.Errorf("in-use: err %v after %d looks", err, r.looks)
	}
	r = &resource{script: []string{"BUILD", "ERROR"}}
	err := WaitFor(context.Background(), fastPoll, Server, "s", r.status, "ACTIVE")
	if !errors.Is(err, ErrBadState) || err.Error() != "wait for server s to be ACTIVE: server s is ERROR: unexpected state" {
		t.Errorf("ERROR: %v", err)
	}
	r = &resource{script: slices.Repeat([]string{"BUILD"}, 1000)}
	err = WaitFor(context.Background(), Poll{Max: time.Millisecond, Timeout: 20 * time.Millisecond}, Server, "s", r.status)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
}
