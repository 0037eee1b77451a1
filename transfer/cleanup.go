package transfer

import (
	"context"
	"errors"
	"fmt"
)

// cleanups is the undo stack of one copy: every temporary resource is
// pushed right after it was created, and the stack runs last in, first
// out when the copy ends, on a context of its own, so a cancelled copy
// (Ctrl-C) still cleans up. A step can run earlier, once its resource is
// no longer needed.
type cleanups struct {
	steps []*cleanupStep
}

type cleanupStep struct {
	what string
	fn   func(context.Context) error
	// onFailure steps undo a result, not a temporary: they run only
	// when the copy fails.
	onFailure bool
	done      bool
}

// push adds a step that always runs.
func (cs *cleanups) push(what string, fn func(context.Context) error) *cleanupStep {
	s := &cleanupStep{what: what, fn: fn}
	cs.steps = append(cs.steps, s)
	return s
}

// pushOnFailure adds a step that runs only if the copy fails.
func (cs *cleanups) pushOnFailure(what string, fn func(context.Context) error) *cleanupStep {
	s := cs.push(what, fn)
	s.onFailure = true
	return s
}

// now runs one step early. A step that succeeded does not run again;
// one that failed runs again with the rest of the stack.
func (cs *cleanups) now(ctx context.Context, s *cleanupStep) error {
	if s.done {
		return nil
	}
	if err := s.fn(ctx); err != nil {
		return fmt.Errorf("%s: %w", s.what, err)
	}
	s.done = true
	return nil
}

// run runs the steps not yet done, newest first, and joins their errors.
func (cs *cleanups) run(ctx context.Context, failed bool) error {
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	var errs []error
	for i := len(cs.steps) - 1; i >= 0; i-- {
		s := cs.steps[i]
		if s.onFailure && !failed {
			continue
		}
		if err := cs.now(cctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
