// Package core is what the rooms of the simulator (one package per
// OpenStack service) share: the one lock over all resource state, the
// cloud-wide state a room needs (clock, asynchronous transitions, data
// directory, faults, the provider profile), the error styles of the
// services, and the handler helpers that parse, lock, find and answer.
package core

import (
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/clock"
)

// Config is what a Cloud is made of.
type Config struct {
	Profile  Profile
	Projects []ProjectSpec
	Clock    clock.Clock
	// Delay is how long asynchronous transitions take.
	Delay   time.Duration
	DataDir string
	Faults  Faults
}

// Cloud is the state all rooms of one simulated cloud share. Rooms keep
// a *Cloud and hold its lock (Lock/Unlock) while they touch resource
// state; a room calls another room (through the narrow interface it
// declares) only with the lock held, as the other room's *Locked
// methods expect.
type Cloud struct {
	// mu guards all resource state of every room. Byte streams (image
	// and volume data) are read and written without it.
	mu sync.Mutex

	profile  Profile
	projects []ProjectSpec
	clock    clock.Clock
	delay    time.Duration
	dataDir  string
	faults   *FaultInjector
	url      string
	auth     Authenticator
	quotas   map[string]Quotas // by project ID

	pending sync.WaitGroup
	closed  atomic.Bool
}

// New makes the shared state of a cloud; SetURL and SetAuthenticator
// complete it once the cloud listens and has its identity room.
func New(cfg Config) *Cloud {
	return &Cloud{
		profile: cfg.Profile, projects: cfg.Projects, clock: clock.Or(cfg.Clock),
		delay: cfg.Delay, dataDir: cfg.DataDir, faults: NewFaultInjector(cfg.Faults),
	}
}

// Lock takes the store lock of the cloud.
func (c *Cloud) Lock() { c.mu.Lock() }

// Unlock releases the store lock.
func (c *Cloud) Unlock() { c.mu.Unlock() }

// Profile is the provider this cloud plays.
func (c *Cloud) Profile() Profile { return c.profile }

// Projects lists the projects and users of the cloud.
func (c *Cloud) Projects() []ProjectSpec { return c.projects }

// Faults is the cloud's fault injector.
func (c *Cloud) Faults() *FaultInjector { return c.faults }

// Delay is how long asynchronous transitions take.
func (c *Cloud) Delay() time.Duration { return c.delay }

// SetURL records the base URL the cloud is served at.
func (c *Cloud) SetURL(url string) { c.url = url }

// URL is the base URL of the cloud, e.g. http://127.0.0.1:41234.
func (c *Cloud) URL() string { return c.url }

// AuthURL is the Keystone v3 endpoint a clouds.yaml points at.
func (c *Cloud) AuthURL() string { return c.url + "/identity/v3" }

// BlobPath is where the bytes of an image, volume or object live on
// disk; kind is "images", "volumes" or "objects".
func (c *Cloud) BlobPath(kind, id string) string {
	return filepath.Join(c.dataDir, kind, id)
}

// Later runs fn under the cloud lock after the cloud's asynchronous delay
// (scaled by factor), unless the cloud has been closed by then. It is how
// resources move from transitional states (BUILD, creating, saving, …) to
// their final ones, so that clients really have to poll.
func (c *Cloud) Later(factor float64, fn func()) {
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

// Background runs fn (which does its own locking) in a goroutine that
// Close waits for. Long work such as copying volume bytes into an image
// uses it.
func (c *Cloud) Background(fn func()) {
	c.pending.Add(1)
	go func() {
		defer c.pending.Done()
		fn()
	}()
}

// Closed reports whether the cloud has been closed.
func (c *Cloud) Closed() bool { return c.closed.Load() }

// MarkClosed marks the cloud closed, so that pending transitions are
// dropped; it reports false if the cloud was closed already.
func (c *Cloud) MarkClosed() bool { return !c.closed.Swap(true) }

// Wait waits for pending asynchronous work (Later, Background).
func (c *Cloud) Wait() { c.pending.Wait() }

// Now is the time on the cloud's clock, in UTC and truncated to seconds
// as the services print it.
func (c *Cloud) Now() time.Time { return c.clock.Now().UTC().Truncate(time.Second) }

// ISOTime formats t the way Nova, Cinder and Neutron do ("2026-11-29T11:00:00Z").
func ISOTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// QuotaLocked is the quota set of a project.
func (c *Cloud) QuotaLocked(projectID string) Quotas { return c.quotas[projectID] }

// SetQuotaLocked replaces the quota set of a project.
func (c *Cloud) SetQuotaLocked(projectID string, q Quotas) {
	if c.quotas == nil {
		c.quotas = map[string]Quotas{}
	}
	c.quotas[projectID] = q
}

// OrEmpty turns a nil slice into an empty one so it encodes as [] rather
// than null, as the services do.
func OrEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Ref returns a pointer to a copy of v, for the nullable fields of API
// bodies.
func Ref[T any](v T) *T { return &v }

// Deref is the value p points at, or the zero value for nil.
func Deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
