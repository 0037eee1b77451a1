package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/internal/sim/compute"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/identity"
	"github.com/scs-migrate/scs-migrate/internal/sim/image"
	"github.com/scs-migrate/scs-migrate/internal/sim/loadbalancer"
	"github.com/scs-migrate/scs-migrate/internal/sim/network"
	"github.com/scs-migrate/scs-migrate/internal/sim/objectstore"
	"github.com/scs-migrate/scs-migrate/internal/sim/placement"
	"github.com/scs-migrate/scs-migrate/internal/sim/volume"
)

// Options configure one simulated cloud.
type Options struct {
	// Profile is the provider this cloud plays (names, region, AZs, …).
	Profile Profile
	// DataDir holds image and volume bytes. Empty means a fresh temporary
	// directory that Close removes.
	DataDir string
	// Projects are the tenants that exist on the cloud. Empty means one
	// project "tenant" with user "tenant-user".
	Projects []ProjectSpec
	// AsyncDelay is how long asynchronous transitions take (BUILD→ACTIVE,
	// creating→available, …). Zero means DefaultAsyncDelay.
	AsyncDelay time.Duration
	// Faults are injected into API calls and data streams. Off by default.
	Faults Faults
	// Listen is the address to listen on; empty means 127.0.0.1:0.
	Listen string
	// TLS serves HTTPS with a certificate of a CA made in memory
	// (CACertPEM), as a private cloud with its own CA does.
	TLS bool
	// Clock is the time the cloud writes into resources (created and
	// updated times, the build dates of its standard images); nil means
	// the system clock. Tests give a fixed one.
	Clock clock.Clock
}

// DefaultAsyncDelay is the time asynchronous transitions take unless
// Options.AsyncDelay says otherwise.
const DefaultAsyncDelay = 30 * time.Millisecond

// Cloud is one simulated OpenStack cloud: the shared core (the lock,
// clock, data directory, faults) and the rooms that serve on it.
type Cloud struct {
	*core.Cloud
	opts Options
	ln   net.Listener
	srv  *http.Server

	ownDataDir bool

	calls callCounter
	tap   tap    // tokens issued and the request log (tap.go)
	caPEM []byte // the CA of a cloud served with TLS (tls.go)

	identity *identity.Room
	rooms    []core.Room // the rooms in their own packages
	compute  *compute.Room
	image    *image.Room
	volume   *volume.Room
	network  *network.Room
	objects  *objectstore.Room
}

// New creates a cloud, seeds it as an SCS-compliant provider, and starts
// serving on loopback.
func New(opts Options) (*Cloud, error) {
	if opts.Profile.Name == "" {
		opts.Profile = SourceProfile()
	}
	if len(opts.Projects) == 0 {
		opts.Projects = []ProjectSpec{{Name: "tenant", User: "tenant-user", Password: "tenant-password"}}
	}
	if opts.AsyncDelay == 0 {
		opts.AsyncDelay = DefaultAsyncDelay
	}
	c := &Cloud{opts: opts}
	dataDir, err := c.openDataDir()
	if err != nil {
		return nil, err
	}
	c.Cloud = core.New(core.Config{Profile: opts.Profile, Projects: opts.Projects, Clock: opts.Clock,
		Delay: opts.AsyncDelay, DataDir: dataDir, Faults: opts.Faults})
	c.identity = identity.New(c.Cloud)
	c.SetAuthenticator(c.identity)
	c.image = image.New(c.Cloud)
	c.volume = volume.New(c.Cloud, c.identity, c.image)
	c.network = network.New(c.Cloud)
	c.compute = compute.New(c.Cloud, c.network, c.volume, c.image)
	c.objects = objectstore.New(c.Cloud, c.identity)
	c.rooms = []core.Room{c.identity, c.compute, c.network, c.volume, loadbalancer.New(c.Cloud, c.network), c.image,
		placement.New(c.Cloud), c.objects, c.objects.S3()}
	if err := c.listen(); err != nil {
		c.removeDataDir()
		return nil, err
	}
	if err := c.seedProvider(); err != nil {
		c.Close()
		return nil, fmt.Errorf("seed provider %q: %w", opts.Profile.Name, err)
	}
	return c, nil
}

func (c *Cloud) openDataDir() (string, error) {
	if c.opts.DataDir != "" {
		return c.opts.DataDir, os.MkdirAll(c.opts.DataDir, 0o700)
	}
	dir, err := os.MkdirTemp("", "scs-sim-"+c.opts.Profile.Name+"-")
	if err != nil {
		return "", fmt.Errorf("create simulator data directory: %w", err)
	}
	c.opts.DataDir, c.ownDataDir = dir, true
	return dir, nil
}

func (c *Cloud) removeDataDir() {
	if c.ownDataDir {
		os.RemoveAll(c.opts.DataDir)
	}
}

func (c *Cloud) listen() error {
	addr := c.opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	c.ln = ln
	c.SetURL("http://" + ln.Addr().String())
	c.srv = &http.Server{Handler: c.tap.wrap(c.handler()), ReadHeaderTimeout: 10 * time.Second}
	if c.opts.TLS {
		return c.serveTLS(ln)
	}
	go c.srv.Serve(ln)
	return nil
}

func (c *Cloud) seedProvider() error {
	c.Lock()
	defer c.Unlock()
	for _, r := range c.rooms {
		if err := r.SeedLocked(); err != nil {
			return err
		}
	}
	return nil
}

// SetFaults replaces the fault configuration; seeding a tenant is done
// before faults are switched on.
func (c *Cloud) SetFaults(f Faults) { c.Faults().Set(f) }

// Calls reports how many API calls the cloud has answered, by service.
func (c *Cloud) Calls() map[string]int64 { return c.calls.snapshot() }

// MaxConcurrentCalls is the highest number of API calls that were in
// flight at once since the cloud started.
func (c *Cloud) MaxConcurrentCalls() int64 { return c.calls.maxInFlight.Load() }

// Close stops serving, waits for pending asynchronous transitions and
// removes a temporary data directory.
func (c *Cloud) Close() error {
	if !c.MarkClosed() {
		return nil
	}
	// Connections that never carried a request count as busy for a while
	// in net/http; do not wait for them long.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := c.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = c.srv.Close()
	}
	c.Wait()
	c.removeDataDir()
	return err
}

// ProjectID returns the ID of the named project, or "".
func (c *Cloud) ProjectID(name string) string {
	c.Lock()
	defer c.Unlock()
	return c.identity.ProjectIDLocked(name)
}

// AppCredentialID returns the ID of the named application credential.
func (c *Cloud) AppCredentialID(name string) string {
	c.Lock()
	defer c.Unlock()
	return c.identity.AppCredentialIDLocked(name)
}

// SetQuotas replaces the quotas of the named project.
func (c *Cloud) SetQuotas(projectName string, q Quotas) error {
	c.Lock()
	defer c.Unlock()
	id := c.identity.ProjectIDLocked(projectName)
	if id == "" {
		return fmt.Errorf("no project %q", projectName)
	}
	c.SetQuotaLocked(id, q)
	return nil
}
