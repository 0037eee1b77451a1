package transfer_test

import (
	"context"
	"crypto/sha512"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/snapshots"
	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// env is a source and a target simulated cloud, a session to each as
// the tenant, and a Copier between them.
type env struct {
	t        testing.TB
	ctx      context.Context
	pair     *sim.Pair
	src, dst *cloud.Session
	copier   *transfer.Copier
}

func newEnv(t testing.TB, opts sim.PairOptions) *env {
	t.Helper()
	pair, err := sim.NewPair(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	file := t.TempDir() + "/clouds.yaml"
	if err := sim.WriteCloudsYAML(file, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, ctx: ctx, pair: pair}
	if e.src, err = cloud.Open(ctx, "sim-source", cloud.Options{CloudsFile: file}); err != nil {
		t.Fatal(err)
	}
	if e.dst, err = cloud.Open(ctx, "sim-target", cloud.Options{CloudsFile: file}); err != nil {
		t.Fatal(err)
	}
	e.copier = &transfer.Copier{Source: e.src, Target: e.dst, Poll: 100 * time.Millisecond}
	transfer.SetBackoff(e.copier, 10*time.Millisecond)
	return e
}

// content is deterministic pseudo-random data of a given size and seed,
// generated as it is read, so large images never sit in memory.
type content struct {
	size int64
	seed uint64
	// zeros, when > 0, makes every block of that many bytes but the
	// first of each zeros*8 run zero: sparse-looking data.
	zeros int64
}

func (c content) reader() io.Reader {
	seed := [32]byte{byte(c.seed), byte(c.seed >> 8), byte(c.seed >> 16), byte(c.seed >> 24)}
	return io.LimitReader(&pseudoRandom{r: rand.NewChaCha8(seed), zeros: c.zeros}, c.size)
}

type pseudoRandom struct {
	r     *rand.ChaCha8
	zeros int64
	off   int64
}

func (p *pseudoRandom) Read(b []byte) (int, error) {
	p.r.Read(b)
	if p.zeros > 0 {
		for i := range b {
			if (p.off+int64(i))/p.zeros%8 != 0 {
				b[i] = 0
			}
		}
	}
	p.off += int64(len(b))
	return len(b), nil
}

// sha512 of the content.
func (c content) sha512() string {
	h := sha512.New()
	io.Copy(h, c.reader())
	return hex.EncodeToString(h.Sum(nil))
}

// createImage makes an active image on s with the content and
// properties, as the tenant would.
func (e *env) createImage(s *cloud.Session, name string, c content, props map[string]string) string {
	e.t.Helper()
	vis := images.ImageVisibilityPrivate
	img, err := images.Create(e.ctx, s.Image, images.CreateOpts{
		Name: name, Visibility: &vis, DiskFormat: "raw", ContainerFormat: "bare",
		MinDisk: 1, MinRAM: 512, Tags: []string{"test", "scs"}, Properties: props,
	}).Extract()
	if err != nil {
		e.t.Fatalf("create image %s: %v", name, err)
	}
	if err := imagedata.Upload(e.ctx, s.Image, img.ID, c.reader()).ExtractErr(); err != nil {
		e.t.Fatalf("upload image %s: %v", name, err)
	}
	e.waitImage(s, img.ID, "active")
	return img.ID
}

func (e *env) waitImage(s *cloud.Session, id, status string) *images.Image {
	e.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		img, err := images.Get(e.ctx, s.Image, id).Extract()
		if err != nil {
			e.t.Fatalf("get image %s: %v", id, err)
		}
		if string(img.Status) == status {
			return img
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("image %s is %s, want %s", id, img.Status, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// imageSHA512 downloads an image and hashes it.
func (e *env) imageSHA512(s *cloud.Session, id string) string {
	e.t.Helper()
	body, err := imagedata.Download(e.ctx, s.Image, id).Extract()
	if err != nil {
		e.t.Fatalf("download image %s: %v", id, err)
	}
	defer body.Close()
	h := sha512.New()
	if _, err := io.Copy(h, body); err != nil {
		e.t.Fatalf("download image %s: %v", id, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// imageNames lists the names of the tenant's own images on s.
func (e *env) imageNames(s *cloud.Session) []string {
	e.t.Helper()
	pages, err := images.List(s.Image, images.ListOpts{Owner: s.ProjectID}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatalf("list images: %v", err)
	}
	all, err := images.ExtractImages(pages)
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, img := range all {
		names = append(names, img.Name)
	}
	return names
}

func (e *env) volumeNames(s *cloud.Session) []string {
	e.t.Helper()
	pages, err := volumes.List(s.BlockStorage, volumes.ListOpts{}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatalf("list volumes: %v", err)
	}
	all, err := volumes.ExtractVolumes(pages)
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, v := range all {
		names = append(names, v.Name)
	}
	return names
}

func (e *env) snapshotNames(s *cloud.Session) []string {
	e.t.Helper()
	pages, err := snapshots.ListDetail(s.BlockStorage, snapshots.ListOpts{}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatalf("list snapshots: %v", err)
	}
	all, err := snapshots.ExtractSnapshots(pages)
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	return names
}

// noTemporaries fails the test if a temporary resource is left on
// either cloud.
func (e *env) noTemporaries() {
	e.t.Helper()
	for _, side := range []struct {
		label string
		s     *cloud.Session
	}{{"source", e.src}, {"target", e.dst}} {
		var left []string
		left = append(left, prefixed(e.imageNames(side.s))...)
		left = append(left, prefixed(e.volumeNames(side.s))...)
		left = append(left, prefixed(e.snapshotNames(side.s))...)
		if len(left) > 0 {
			e.t.Errorf("temporary resources left on the %s: %v", side.label, left)
		}
	}
}

func prefixed(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, transfer.TempPrefix) {
			out = append(out, n)
		}
	}
	return out
}

// recorder is an Observer that keeps what it heard.
type recorder struct {
	mu       sync.Mutex
	started  map[string]int64
	progress map[string]int64
	finished map[string]error
	maxSum   map[string]int64
}

func newRecorder() *recorder {
	return &recorder{started: map[string]int64{}, progress: map[string]int64{}, finished: map[string]error{}, maxSum: map[string]int64{}}
}

func (r *recorder) Started(id, name string, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.started[id] = total
}

func (r *recorder) Progress(id string, delta int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress[id] += delta
	r.maxSum[id] = max(r.maxSum[id], r.progress[id])
}

func (r *recorder) Finished(id string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished[id] = err
}

var _ transfer.Observer = (*recorder)(nil)
