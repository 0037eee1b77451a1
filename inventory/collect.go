package inventory

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// Observer is told how the collection progresses, kind by kind. Its
// methods are called from several goroutines at once.
type Observer interface {
	KindStarted(kind string)
	// KindFinished reports how many items the API returned for the kind,
	// or the error that turned it into a warning (nil on success).
	KindFinished(kind string, count int, err error)
}

// Options tune Collect.
type Options struct {
	// Observer, when set, receives progress.
	Observer Observer
	// Clusters, when set, reads the tenant's Kubernetes clusters,
	// concurrently with the OpenStack kinds.
	Clusters ClusterSource
	// S3, when set, reads the object store through S3 too: objects
	// counted from the listing, large objects, bucket settings. Without
	// it only Swift's container listing and settings are read.
	S3 *s3.Client
}

// ClusterSource reads Cluster API clusters (and what runs in them) for
// the document. Warnings are what it could not read; an error aborts.
type ClusterSource interface {
	Clusters(ctx context.Context) ([]Cluster, []Warning, error)
}

// Collect snapshots the session's project. Independent kinds are read
// concurrently; the session's transport bounds the API calls in flight.
// What the project may not read, or the cloud does not offer, becomes a
// warning in the document; other errors abort.
func Collect(ctx context.Context, s *cloud.Session, opts Options) (*Document, error) {
	c := &collector{s: s, obs: opts.Observer, clusters: opts.Clusters, s3: opts.S3}
	if c.obs == nil {
		c.obs = nopObserver{}
	}
	if err := c.fetch(ctx); err != nil {
		return nil, err
	}
	if err := c.fetchInterfaceOrder(ctx); err != nil {
		return nil, err
	}
	doc := c.assemble()
	if err := c.resolveImages(ctx, doc); err != nil {
		return nil, err
	}
	doc.Warnings = append(doc.Warnings, c.warnings...)
	for k := range c.missed {
		doc.NotCollected = append(doc.NotCollected, k)
	}
	doc.Normalize()
	// The cloud itself can be inconsistent (an attachment to a server
	// that is gone): say so rather than hand on a document that surprises.
	for _, p := range doc.validate().problems {
		doc.Warnings = append(doc.Warnings, Warning{Kind: "consistency", Message: p})
	}
	doc.Normalize()
	return doc, nil
}

// collector holds what the API returned until it is assembled into a
// document. Each task writes its own field of raw; warnings are shared.
type collector struct {
	s        *cloud.Session
	obs      Observer
	clusters ClusterSource
	s3       *s3.Client
	raw      raw

	mu       sync.Mutex
	warnings []Warning
	missed   map[string]bool // kinds not read
}

// miss records that a kind could not be read, so that assembly does not
// warn again about each thing that refers to it.
func (c *collector) miss(kind string) {
	c.mu.Lock()
	if c.missed == nil {
		c.missed = map[string]bool{}
	}
	c.missed[kind] = true
	c.mu.Unlock()
}

func (c *collector) failed(kind string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.missed[kind]
}

func (c *collector) warn(kind, format string, args ...any) {
	c.mu.Lock()
	c.warnings = append(c.warnings, Warning{Kind: kind, Message: fmt.Sprintf(format, args...)})
	c.mu.Unlock()
}

// task reads one kind from one service.
type task struct {
	kind    string
	service string                     // catalog type; "" needs no single service
	client  *gophercloud.ServiceClient // nil: the service is not in the catalog
	run     func(ctx context.Context) (int, error)
	// informational tasks (quotas, version documents) turn any error
	// into a warning: the snapshot is complete without them.
	informational bool
}

// optionalServices are offered by some clouds only; their absence is not
// worth a warning.
var optionalServices = map[string]bool{"load-balancer": true, "object-store": true}

func (c *collector) fetch(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	missing := map[string][]string{}
	for _, t := range c.tasks() {
		if t.service != "" && t.client == nil {
			if !optionalServices[t.service] {
				missing[t.service] = append(missing[t.service], t.kind)
				c.miss(t.kind)
			}
			continue
		}
		g.Go(func() error { return c.runTask(ctx, t) })
	}
	for svc, kinds := range missing {
		c.warn(svc, "no %s endpoint in the service catalog (region %q): %s not collected", svc, c.s.Region, strings.Join(kinds, ", "))
	}
	return g.Wait()
}

func (c *collector) runTask(ctx context.Context, t task) error {
	c.obs.KindStarted(t.kind)
	n, err := t.run(ctx)
	switch {
	case err == nil:
		c.obs.KindFinished(t.kind, n, nil)
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case t.informational || unreadable(err):
		c.warn(t.kind, "%s not collected: %s", t.kind, describe(err))
		c.miss(t.kind)
		c.obs.KindFinished(t.kind, 0, err)
		return nil
	}
	return fmt.Errorf("inventory %s: %w", t.kind, err)
}

// tasks is the table of what is read from where.
func (c *collector) tasks() []task {
	s := c.s
	tasks := []task{
		{kind: KindServers, service: "compute", client: s.Compute, run: c.fetchServers},
		{kind: KindFlavors, service: "compute", client: s.Compute, run: c.fetchFlavors},
		{kind: KindKeypairs, service: "compute", client: s.Compute, run: c.fetchKeypairs},
		{kind: KindServerGroups, service: "compute", client: s.Compute, run: c.fetchServerGroups},
		{kind: KindImages, service: "image", client: s.Image, run: c.fetchImages},
		{kind: KindVolumes, service: "block-storage", client: s.BlockStorage, run: c.fetchVolumes},
		{kind: KindVolumeSnapshots, service: "block-storage", client: s.BlockStorage, run: c.fetchSnapshots},
		{kind: KindVolumeBackups, service: "block-storage", client: s.BlockStorage, run: c.fetchBackups},
		{kind: KindVolumeTypes, service: "block-storage", client: s.BlockStorage, run: c.fetchVolumeTypes},
		{kind: KindNetworks, service: "network", client: s.Network, run: c.fetchNetworks},
		{kind: KindSubnets, service: "network", client: s.Network, run: c.fetchSubnets},
		{kind: KindRouters, service: "network", client: s.Network, run: c.fetchRouters},
		{kind: KindSecurityGroups, service: "network", client: s.Network, run: c.fetchSecurityGroups},
		{kind: KindPorts, service: "network", client: s.Network, run: c.fetchPorts},
		{kind: KindFloatingIPs, service: "network", client: s.Network, run: c.fetchFloatingIPs},
		{kind: KindLoadBalancers, service: "load-balancer", client: s.LoadBalancer, run: c.fetchLoadBalancers},
		c.objectStoreTask(),
		{kind: KindQuotas, run: c.fetchQuotas, informational: true},
		{kind: KindAPIVersions, run: c.fetchVersions, informational: true},
	}
	if c.clusters != nil {
		tasks = append(tasks, task{kind: KindClusters, run: c.fetchClusters})
	}
	return tasks
}

func (c *collector) fetchClusters(ctx context.Context) (int, error) {
	clusters, warnings, err := c.clusters.Clusters(ctx)
	c.raw.clusters = clusters
	c.mu.Lock()
	c.warnings = append(c.warnings, warnings...)
	c.mu.Unlock()
	return len(clusters), err
}

type nopObserver struct{}

func (nopObserver) KindStarted(string)              {}
func (nopObserver) KindFinished(string, int, error) {}

// objectStoreTask reads containers through Swift, S3 or both: S3 alone
// (a cloud without Swift in its catalog) needs no catalog entry.
func (c *collector) objectStoreTask() task {
	t := task{kind: KindObjectContainers, service: "object-store", client: c.s.ObjectStore, run: c.fetchContainers}
	if c.s3 != nil && c.s.ObjectStore == nil {
		t.service = ""
	}
	return t
}
