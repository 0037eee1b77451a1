// Package clock is the time that generated content is made of.
//
// Whatever writes a time into a document, an API answer or a name takes
// a Clock: the simulators (timestamps of resources, the build dates of
// seeded images, Kubernetes conditions) and the reports. sim serve and
// the demo use Real; tests use a Manual clock fixed at a date of their
// choosing, so that a golden file written today still holds in a year,
// and a simulated controller moves only when the test advances it.
//
// Timeouts, backoff and measured durations are not content: they keep
// using the time package directly. Neither are the lifetimes of tokens
// and certificates, which the other side judges by its own clock.
//
// Built with the tag clockskew (CI's guard, never a release), Real runs
// shifted by the duration in SCS_MIGRATE_CLOCK_SHIFT (e.g. -87600h), so
// that a test which compares content made from today's date fails on
// the day it is written, not months later.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Real is the system clock.
func Real() Clock { return realClock{} }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now().Add(shift()) }

// Or is c, or the system clock when c is nil: the default of an option.
func Or(c Clock) Clock {
	if c == nil {
		return Real()
	}
	return c
}

// Manual is a clock that moves only when told. It is safe for concurrent
// use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual is a clock standing at t.
func NewManual(t time.Time) *Manual { return &Manual{t: t} }

// Now is the time the clock stands at.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Advance moves the clock forward by d and returns the new time.
func (m *Manual) Advance(d time.Duration) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
	return m.t
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
}
