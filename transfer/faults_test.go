package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/transfer"
)

func TestBrokenDownloadsResumeWithRange(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	data := content{size: 6<<20 + 7, seed: 30}
	id := e.createImage(e.src, "resumed", data, nil)
	e.pair.Source.SetFaults(sim.Faults{ResetRate: 1}) // every data stream breaks
	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumes == 0 || res.Retries != 0 || res.BytesOnWire != data.size {
		t.Errorf("result %+v: want resumed downloads, no restart, exactly %d bytes on the wire", res, data.size)
	}
	if got := e.imageSHA512(e.dst, res.TargetID); got != data.sha512() {
		t.Error("target data differs from the source")
	}
}

func TestBrokenUploadStartsOver(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	data := content{size: 4 << 20, seed: 31}
	id := e.createImage(e.src, "restarted", data, nil)
	e.pair.Target.SetFaults(sim.Faults{ResetRate: 1})
	// The first attempt breaks for sure; the observer hears it take its
	// progress back and lets the next attempt through.
	e.copier.Observer = &onRestart{recorder: newRecorder(), fn: func() { e.pair.Target.SetFaults(sim.Faults{}) }}
	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Retries != 1 || res.BytesOnWire <= data.size {
		t.Errorf("result %+v: want one restart", res)
	}
	if got := e.imageSHA512(e.dst, res.TargetID); got != data.sha512() {
		t.Error("target data differs from the source")
	}
	if names := e.imageNames(e.dst); len(names) != 1 {
		t.Errorf("target images %v, want only the copy", names)
	}
}

// onRestart calls fn when a stream takes its progress back.
type onRestart struct {
	*recorder
	once sync.Once
	fn   func()
}

func (o *onRestart) Progress(id string, delta int64) {
	o.recorder.Progress(id, delta)
	if delta < 0 {
		o.once.Do(o.fn)
	}
}

func TestServerErrorBursts(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	data := content{size: 2 << 20, seed: 32}
	id := e.createImage(e.src, "bursty", data, nil)
	vol := e.createVolume(e.src, "bursty-vol", 1, id, nil)
	e.pair.SetFaults(sim.Faults{ErrorRate: 0.2})
	e.copier.Retries = 8
	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vres, err := e.copier.CopyVolume(e.ctx, vol, transfer.VolumeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.pair.SetFaults(sim.Faults{})
	if got := e.imageSHA512(e.dst, res.TargetID); got != data.sha512() {
		t.Error("target data differs from the source")
	}
	if a, b := e.volumeDigest(e.src, vol), e.volumeDigest(e.dst, vres.TargetID); a != b {
		t.Error("target volume differs from the source")
	}
	e.noTemporaries()
}

func TestTokensExpireDuringCopy(t *testing.T) {
	ttl := sim.Faults{TokenTTL: 2 * time.Second}
	e := newEnv(t, sim.PairOptions{Source: sim.Options{Faults: ttl}, Target: sim.Options{Faults: ttl}})
	data := content{size: 8 << 20, seed: 33}
	id := e.createImage(e.src, "long", data, nil)
	// Every download breaks, so resumes keep asking the source for data
	// with tokens long expired.
	e.pair.Source.SetFaults(sim.Faults{TokenTTL: ttl.TokenTTL, ResetRate: 1})
	e.pair.Target.SetFaults(ttl)
	before, beforeTarget := e.pair.Source.Calls()["identity"], e.pair.Target.Calls()["identity"]
	// A slow reader: 32 chunks of 256 KiB at 150 ms make a copy of about
	// 5 s, more than two token lifetimes.
	e.copier.Observer = slowObserver{delay: 150 * time.Millisecond}
	start := time.Now()
	res, err := e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 2*ttl.TokenTTL {
		t.Errorf("the copy took %s, not longer than two token lifetimes", d)
	}
	if e.pair.Source.Calls()["identity"] == before || e.pair.Target.Calls()["identity"] == beforeTarget {
		t.Error("no token was renewed")
	}
	if res.Resumes < 2 {
		t.Errorf("%d resumes, want downloads broken and resumed", res.Resumes)
	}
	if got := e.imageSHA512(e.dst, res.TargetID); got != data.sha512() {
		t.Error("target data differs from the source")
	}
}

type slowObserver struct{ delay time.Duration }

func (slowObserver) Started(string, string, int64) {}
func (o slowObserver) Progress(_ string, d int64) {
	if d > 0 {
		time.Sleep(o.delay)
	}
}
func (slowObserver) Finished(string, error) {}

func TestCancelledVolumeCopyCleansUp(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	img := e.createImage(e.src, "cancel-seed", content{size: 4 << 20, seed: 34}, nil)
	vol := e.createVolume(e.src, "cancelled", 1, img, nil)
	e.attach(vol)
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	e.copier.Observer = cancelOnProgress{cancel: cancel, slow: 50 * time.Millisecond}
	_, err := e.copier.CopyVolume(ctx, vol, transfer.VolumeOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the copy cancelled", err)
	}
	e.noTemporaries()
	if names := e.volumeNames(e.dst); len(names) != 0 {
		t.Errorf("volumes left on the target: %v", names)
	}
}

type cancelOnProgress struct {
	cancel context.CancelFunc
	slow   time.Duration
}

func (cancelOnProgress) Started(string, string, int64) {}
func (c cancelOnProgress) Progress(string, int64) {
	c.cancel()
	time.Sleep(c.slow)
}
func (cancelOnProgress) Finished(string, error) {}

func TestParallelCopiesWithFaults(t *testing.T) {
	e := newEnv(t, sim.PairOptions{})
	e.copier.Transfers, e.copier.Retries = 4, 8
	var ids []string
	var data []content
	for i := range 8 {
		c := content{size: int64(1<<20 + i*65536), seed: uint64(40 + i)}
		data = append(data, c)
		ids = append(ids, e.createImage(e.src, fmt.Sprintf("p-%d", i), c, nil))
	}
	e.pair.Source.SetFaults(sim.Faults{ResetRate: 0.5, ErrorRate: 0.05})
	results := make([]transfer.Result, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { results[i], errs[i] = e.copier.CopyImage(e.ctx, id, transfer.ImageOptions{}) })
	}
	wg.Wait()
	e.pair.Source.SetFaults(sim.Faults{})
	for i := range ids {
		if errs[i] != nil {
			t.Errorf("copy %d: %v", i, errs[i])
			continue
		}
		if results[i].BytesOnWire != data[i].size {
			t.Errorf("copy %d: %d bytes on the wire, want %d (resumes only)", i, results[i].BytesOnWire, data[i].size)
		}
		if got := e.imageSHA512(e.dst, results[i].TargetID); got != data[i].sha512() {
			t.Errorf("copy %d: data differs", i)
		}
	}
}
