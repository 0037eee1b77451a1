package clock

import (
	"testing"
	"time"
)

func TestManualMovesOnlyWhenTold(t *testing.T) {
	t0 := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	m := NewManual(t0)
	if got := m.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v, want %v", got, t0)
	}
	if got := m.Advance(90 * time.Second); !got.Equal(t0.Add(90 * time.Second)) {
		t.Errorf("Advance = %v", got)
	}
	m.Set(t0)
	if !m.Now().Equal(t0) {
		t.Errorf("Set: Now = %v", m.Now())
	}
}

func TestOrDefaultsToTheSystemClock(t *testing.T) {
	m := NewManual(time.Unix(0, 0))
	if Or(m) != Clock(m) {
		t.Error("Or replaced a given clock")
	}
	if _, ok := Or(nil).(realClock); !ok {
		t.Error("Or(nil) is not the system clock")
	}
}

func TestRealFollowsTheSystemClock(t *testing.T) {
	before := time.Now().Add(shift())
	got := Real().Now()
	after := time.Now().Add(shift())
	if got.Before(before) || got.After(after) {
		t.Errorf("Real().Now() = %v, not between %v and %v", got, before, after)
	}
}
