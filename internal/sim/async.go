package sim

import "time"

// later runs fn under the cloud lock after the cloud's asynchronous delay
// (scaled by factor), unless the cloud has been closed by then. It is how
// resources move from transitional states (BUILD, creating, saving, …) to
// their final ones, so that clients really have to poll.
func (c *Cloud) later(factor float64, fn func()) {
	c.pending.Add(1)
	time.AfterFunc(time.Duration(float64(c.delay)*factor), func() {
		defer c.pending.Done()
		if c.closed.Load() {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		fn()
	})
}

// background runs fn (which does its own locking) in a goroutine that
// Close waits for. Long work such as copying volume bytes into an image
// uses it.
func (c *Cloud) background(fn func()) {
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		fn()
	}()
}

// now is the time on the cloud's clock, in UTC and truncated to seconds
// as the services print it.
func (c *Cloud) now() time.Time { return c.clock.Now().UTC().Truncate(time.Second) }

// isoTime formats t the way Nova, Cinder and Neutron do ("2026-11-29T11:00:00Z").
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
