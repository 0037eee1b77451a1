package transfer_test

// Benchmarks of the streaming copy on the simulator over loopback. Each
// measures scs-migrate and what it is compared with in the same run and
// reports the ratio:
//
//	go test -bench . -run ^$ -timeout 60m ./transfer/

import (
	"context"
	"crypto/md5"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// BenchmarkImage1GiB: one 1 GiB image copied by scs-migrate, by the
// proof of concept (download to a file, then upload the file), by a raw
// pipe of the download into the upload, and by a raw pipe that also
// computes the two digests scs-migrate verifies with (what verification
// costs, without the rest of scs-migrate).
func BenchmarkImage1GiB(b *testing.B) {
	e := newEnv(b, sim.PairOptions{})
	id := e.createImage(e.src, "one-gib", content{size: 1 << 30, seed: 100}, nil)
	t := e.compare(b, []method{
		{"scs-migrate", func() { e.copyWithCopier(id) }},
		{"proof-of-concept", func() { e.copyViaFile(id) }},
		{"raw", func() { e.copyRaw(id) }},
		{"raw+hash", func() { e.copyRawHashed(id) }},
	})
	b.ReportMetric(t["proof-of-concept"]/t["scs-migrate"], "x-vs-poc")
	b.ReportMetric(t["raw"]/t["scs-migrate"], "x-vs-raw")
	b.ReportMetric(t["raw+hash"]/t["scs-migrate"], "x-vs-raw+hash")
	b.ReportMetric(float64(b.N)*float64(1<<30)/t["scs-migrate"]/(1<<20), "MiB/s")
}

// BenchmarkImages8x512MiB: eight 512 MiB images, scs-migrate with
// --transfers 8 against eight raw pipes at once (and eight raw pipes
// that compute the same digests).
func BenchmarkImages8x512MiB(b *testing.B) {
	e := newEnv(b, sim.PairOptions{})
	e.copier.Transfers = 8
	var ids []string
	for i := range 8 {
		ids = append(ids, e.createImage(e.src, fmt.Sprintf("half-%d", i), content{size: 512 << 20, seed: uint64(200 + i)}, nil))
	}
	all := func(copy func(string)) func() {
		return func() {
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Go(func() { copy(id) })
			}
			wg.Wait()
		}
	}
	t := e.compare(b, []method{
		{"scs-migrate", all(e.copyWithCopier)},
		{"raw", all(e.copyRaw)},
		{"raw+hash", all(e.copyRawHashed)},
	})
	b.ReportMetric(t["raw"]/t["scs-migrate"], "x-vs-raw")
	b.ReportMetric(t["raw+hash"]/t["scs-migrate"], "x-vs-raw+hash")
	b.ReportMetric(float64(b.N)*float64(4<<30)/t["scs-migrate"]/(1<<20), "MiB/s")
}

// method is one way of copying, timed by compare.
type method struct {
	name string
	run  func()
}

// compare runs every method once per benchmark iteration, in an order
// that rotates from one iteration to the next (the machine is shared, so
// load drifts), and returns the seconds each took in total.
func (e *env) compare(b *testing.B, methods []method) map[string]float64 {
	total := map[string]float64{}
	for i := 0; b.Loop(); i++ {
		var line []string
		for j := range methods {
			m := methods[(i+j)%len(methods)]
			d := e.timed(m.run)
			total[m.name] += d.Seconds()
			line = append(line, fmt.Sprintf("%s %.2fs", m.name, d.Seconds()))
		}
		b.Log(strings.Join(line, ", "))
	}
	return total
}

// BenchmarkVolume10GiBHolding1GiB: the bytes that cross the wire for a
// 10 GiB volume of which 1 GiB is written.
func BenchmarkVolume10GiBHolding1GiB(b *testing.B) {
	e := newEnv(b, sim.PairOptions{})
	img := e.createImage(e.src, "one-gib-data", content{size: 1 << 30, seed: 300}, nil)
	vol := e.createVolume(e.src, "ten-gib", 10, img, nil)
	for b.Loop() {
		res, err := e.copier.CopyVolume(e.ctx, vol, transfer.VolumeOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.BytesOnWire)/(1<<30), "GiB-on-wire")
		b.Logf("%s on the wire for a %s volume, in %s", gib(res.BytesOnWire), gib(res.Size), res.Duration)
		e.deleteVolumes(e.dst)
	}
}

// BenchmarkMemory1GiBvs8GiB: the peak memory of the copying process (a
// child process, the simulator stays in this one) for a 1 GiB and an
// 8 GiB image; heap in use is sampled during the copy, RSS is the
// kernel's high-water mark.
func BenchmarkMemory1GiBvs8GiB(b *testing.B) {
	e := newEnv(b, sim.PairOptions{})
	small := e.createImage(e.src, "one-gib", content{size: 1 << 30, seed: 400, zeros: 4 << 20}, nil)
	large := e.createImage(e.src, "eight-gib", content{size: 8 << 30, seed: 401, zeros: 4 << 20}, nil)
	for b.Loop() {
		s, l := e.childCopy(small), e.childCopy(large)
		b.ReportMetric(float64(s.PeakRSS)/(1<<20), "MiB-RSS-1GiB")
		b.ReportMetric(float64(l.PeakRSS)/(1<<20), "MiB-RSS-8GiB")
		b.ReportMetric(float64(s.PeakHeap)/(1<<20), "MiB-heap-1GiB")
		b.ReportMetric(float64(l.PeakHeap)/(1<<20), "MiB-heap-8GiB")
		b.ReportMetric(float64(l.PeakRSS)/float64(s.PeakRSS), "x-RSS-8-vs-1")
		b.Logf("1 GiB: RSS %s heap %s in %s; 8 GiB: RSS %s heap %s in %s",
			mib(s.PeakRSS), mib(s.PeakHeap), s.Duration, mib(l.PeakRSS), mib(l.PeakHeap), l.Duration)
	}
}

func (e *env) timed(fn func()) time.Duration {
	e.deleteImages(e.dst)
	runtime.GC()
	start := time.Now()
	fn()
	d := time.Since(start)
	e.deleteImages(e.dst)
	return d
}

func (e *env) copyWithCopier(id string) {
	if _, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

// copyViaFile is the proof of concept's method: the whole image to a
// local file, then the file up.
func (e *env) copyViaFile(id string) {
	f, err := os.CreateTemp(e.t.TempDir(), "image-*")
	if err != nil {
		e.t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	body, err := imagedata.Download(e.ctx, e.src.Image, id).Extract()
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = io.Copy(f, body)
	body.Close()
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		e.t.Fatal(err)
	}
	target := e.newTargetImage(id)
	if err := imagedata.Upload(e.ctx, e.dst.Image, target, f).ExtractErr(); err != nil {
		e.t.Fatal(err)
	}
}

// copyRaw pipes the download into the upload, nothing else.
func (e *env) copyRaw(id string) {
	body, err := imagedata.Download(e.ctx, e.src.Image, id).Extract()
	if err != nil {
		e.t.Fatal(err)
	}
	defer body.Close()
	target := e.newTargetImage(id)
	if err := imagedata.Upload(e.ctx, e.dst.Image, target, body).ExtractErr(); err != nil {
		e.t.Fatal(err)
	}
}

// copyRawHashed is copyRaw that also computes MD5 and SHA-512.
func (e *env) copyRawHashed(id string) {
	body, err := imagedata.Download(e.ctx, e.src.Image, id).Extract()
	if err != nil {
		e.t.Fatal(err)
	}
	defer body.Close()
	target := e.newTargetImage(id)
	h := io.MultiWriter(md5.New(), sha512.New())
	if err := imagedata.Upload(e.ctx, e.dst.Image, target, io.TeeReader(body, h)).ExtractErr(); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) newTargetImage(name string) string {
	vis := images.ImageVisibilityPrivate
	img, err := images.Create(e.ctx, e.dst.Image, images.CreateOpts{Name: name, Visibility: &vis,
		DiskFormat: "raw", ContainerFormat: "bare"}).Extract()
	if err != nil {
		e.t.Fatal(err)
	}
	return img.ID
}

func (e *env) deleteImages(s *cloud.Session) {
	pages, err := images.List(s.Image, images.ListOpts{Owner: s.ProjectID}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	all, _ := images.ExtractImages(pages)
	for _, img := range all {
		if err := images.Delete(e.ctx, s.Image, img.ID).ExtractErr(); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) deleteVolumes(s *cloud.Session) {
	pages, err := volumes.List(s.BlockStorage, volumes.ListOpts{}).AllPages(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	all, _ := volumes.ExtractVolumes(pages)
	for _, v := range all {
		if err := volumes.Delete(e.ctx, s.BlockStorage, v.ID, nil).ExtractErr(); err != nil {
			e.t.Fatal(err)
		}
	}
	for len(e.volumeNames(s)) > 0 {
		time.Sleep(50 * time.Millisecond)
	}
}

func gib(n int64) string { return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30)) }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// childReport is what the copying child process measured.
type childReport struct {
	PeakRSS, PeakHeap int64
	Duration          time.Duration
	Error             string
}

// childCopy copies an image in a child process (this test binary, see
// TestMain) and returns its measurements.
func (e *env) childCopy(id string) childReport {
	e.deleteImages(e.dst)
	file := e.t.TempDir() + "/clouds.yaml"
	if err := sim.WriteCloudsYAML(file, e.pair.Entries()); err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.CommandContext(e.ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SCS_TRANSFER_CHILD_CLOUDS="+file, "SCS_TRANSFER_CHILD_IMAGE="+id)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		e.t.Fatalf("child copy: %v", err)
	}
	var r childReport
	if err := json.Unmarshal(out, &r); err != nil || r.Error != "" {
		e.t.Fatalf("child copy: %v %s", err, r.Error)
	}
	e.deleteImages(e.dst)
	return r
}

func TestMain(m *testing.M) {
	if file := os.Getenv("SCS_TRANSFER_CHILD_CLOUDS"); file != "" {
		json.NewEncoder(os.Stdout).Encode(runChildCopy(file, os.Getenv("SCS_TRANSFER_CHILD_IMAGE")))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChildCopy is the child process: open both clouds, copy one image,
// sampling the heap in use while it runs.
func runChildCopy(file, id string) childReport {
	ctx := context.Background()
	src, err := cloud.Open(ctx, "sim-source", cloud.Options{CloudsFile: file})
	if err != nil {
		return childReport{Error: err.Error()}
	}
	dst, err := cloud.Open(ctx, "sim-target", cloud.Options{CloudsFile: file})
	if err != nil {
		return childReport{Error: err.Error()}
	}
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak.Store(max(peak.Load(), int64(sample[0].Value.Uint64())))
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	c := &transfer.Copier{Source: src, Target: dst}
	res, err := c.CopyImage(ctx, id, transfer.ImageOptions{})
	close(stop)
	<-done
	r := childReport{PeakHeap: peak.Load(), PeakRSS: vmHWM(), Duration: res.Duration}
	if err != nil {
		r.Error = err.Error()
	}
	return r
}

// vmHWM is the peak resident set size of this process (Linux).
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
