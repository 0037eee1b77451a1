package kubesim

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/clock"
	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// Defaults of a World.
const (
	DefaultDelay = 300 * time.Millisecond
	DefaultTick  = 25 * time.Millisecond
)

// WorldOptions tune the simulated controllers.
type WorldOptions struct {
	// Delay is how long a simulated controller takes for a transition
	// (a Cluster to become ready, a backup to run, …); 0 means
	// DefaultDelay.
	Delay time.Duration
	// Tick is how often the controllers look; 0 means DefaultTick.
	Tick time.Duration
	// Clock is the time the controllers measure Delay by and write into
	// objects; nil means the system clock.
	Clock clock.Clock
	// Manual stops the controllers from running by themselves: each call
	// of World.Step moves the world's clock (a manual one, starting at
	// Clock's time) by Tick and runs one round of every controller. Tests
	// use it to see every intermediate state, whatever the machine's load.
	Manual bool
}

// Addons are what a management cluster's KaaS installs into every
// workload cluster its simulated Cluster API makes.
type Addons struct {
	// StorageClass is the default storage class ("csi-cinder-sc-delete"
	// when empty).
	StorageClass string
	// Velero, when set, installs Velero with this storage location.
	Velero *Location
}

// World is a set of simulated API servers (KaaS management clusters and
// the workload clusters their Clusters become) with simulated
// controllers and one in-memory object store for Velero's buckets.
type World struct {
	opts   WorldOptions
	clock  clock.Clock
	manual *clock.Manual // the clock Step advances, in Manual mode
	// stepMu makes rounds of Step one at a time and Close wait for one.
	stepMu sync.Mutex
	// stop ends the controllers between two rounds, so that no request
	// is cut off (client-go would log it).
	stop chan struct{}
	wg   sync.WaitGroup
	ctls []*controllers // in the order the servers started

	mu        sync.Mutex
	servers   map[string]*Server
	workloads map[string]*Server // by "server/namespace/cluster"
	buckets   map[string]map[string]*backupData
	nextIP    int
	errs      []error
}

// NewWorld makes an empty world; Close stops it.
func NewWorld(opts WorldOptions) *World {
	if opts.Delay == 0 {
		opts.Delay = DefaultDelay
	}
	if opts.Tick == 0 {
		opts.Tick = DefaultTick
	}
	w := &World{opts: opts, clock: clock.Or(opts.Clock), stop: make(chan struct{}), servers: map[string]*Server{},
		workloads: map[string]*Server{}, buckets: map[string]map[string]*backupData{}, nextIP: 10}
	if opts.Manual {
		w.manual = clock.NewManual(w.clock.Now())
		w.clock = w.manual
	}
	return w
}

// Step moves a Manual world's clock by Tick and runs one round of every
// controller, in the order the servers started. It returns when the
// round is done; outside Manual mode it does nothing.
func (w *World) Step(ctx context.Context) {
	if w.manual == nil {
		return
	}
	w.stepMu.Lock()
	defer w.stepMu.Unlock()
	select {
	case <-w.stop:
		return
	default:
	}
	w.manual.Advance(w.opts.Tick)
	w.mu.Lock()
	ctls := append([]*controllers(nil), w.ctls...)
	w.mu.Unlock()
	for _, ctl := range ctls {
		ctx, cancel := context.WithTimeout(ctx, roundTimeout)
		ctl.once(ctx)
		cancel()
	}
}

// AddCluster starts an API server called name with its controllers.
func (w *World) AddCluster(name string) (*Server, error) { return w.AddManagement(name, Addons{}) }

// AddManagement starts an API server called name with its controllers;
// the workload clusters its Clusters become get the add-ons.
func (w *World) AddManagement(name string, addons Addons) (*Server, error) {
	s, err := NewServer(name, w.clock)
	if err != nil {
		return nil, err
	}
	c, err := s.Clients("")
	if err != nil {
		s.Close()
		return nil, err
	}
	w.mu.Lock()
	if _, dup := w.servers[name]; dup {
		w.mu.Unlock()
		s.Close()
		return nil, fmt.Errorf("kubesim: a cluster %q exists already", name)
	}
	w.servers[name] = s
	w.mu.Unlock()
	if addons.StorageClass == "" {
		addons.StorageClass = "csi-cinder-sc-delete"
	}
	ctl := &controllers{w: w, s: s, c: c, addons: addons, seen: map[string]time.Time{}}
	w.mu.Lock()
	w.ctls = append(w.ctls, ctl)
	w.mu.Unlock()
	if w.manual == nil {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			ctl.loop(w.stop)
		}()
	}
	return s, nil
}

// Cluster is the server called name, or nil.
func (w *World) Cluster(name string) *Server {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.servers[name]
}

// Errors are what the simulated controllers failed at (for tests).
func (w *World) Errors() []error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]error(nil), w.errs...)
}

func (w *World) fail(err error) {
	w.mu.Lock()
	w.errs = append(w.errs, err)
	w.mu.Unlock()
}

// address hands out a load balancer address.
func (w *World) address() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.nextIP++
	return fmt.Sprintf("192.0.2.%d", w.nextIP%250+1)
}

// Close stops the controllers and every server.
func (w *World) Close() {
	w.mu.Lock()
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	w.mu.Unlock()
	w.wg.Wait()
	w.stepMu.Lock()
	defer w.stepMu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.servers {
		s.Close()
	}
}

// workloadFor starts (once) the workload cluster of a Cluster object.
func (w *World) workloadFor(mgmt *Server, ns, name string) (*Server, bool, error) {
	k := mgmt.name + "/" + ns + "/" + name
	w.mu.Lock()
	s, ok := w.workloads[k]
	w.mu.Unlock()
	if ok {
		return s, false, nil
	}
	s, err := w.AddCluster(mgmt.name + "-" + ns + "-" + name)
	if err != nil {
		return nil, false, err
	}
	w.mu.Lock()
	w.workloads[k] = s
	w.mu.Unlock()
	return s, true, nil
}

// dropWorkload stops the workload cluster of a deleted Cluster.
func (w *World) dropWorkload(mgmt *Server, live map[string]bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, s := range w.workloads {
		if len(k) > len(mgmt.name) && k[:len(mgmt.name)+1] == mgmt.name+"/" && !live[k[len(mgmt.name)+1:]] {
			s.Close()
			delete(w.workloads, k)
			delete(w.servers, s.name)
		}
	}
}

// setUp gives a new workload cluster what the KaaS installs.
func (a Addons) setUp(ctx context.Context, c *kube.Clients) error {
	wl := Workload{StorageClasses: []StorageClass{{Name: a.StorageClass, Provisioner: "cinder.csi.openstack.org", Default: true}}}
	if a.Velero != nil {
		wl.Velero = &Velero{Location: *a.Velero}
	}
	return SeedWorkload(ctx, c, wl)
}
