package transfer

import "sync/atomic"

// BucketSize is what a bucket holds, as far as is known before its copy
// lists it (the inventory's counts, or Swift's container counters).
type BucketSize struct{ Bytes, Objects int64 }

// bucketProgress reports the bytes and objects of one bucket copy. The
// totals are known before the listing ends only as an estimate (a
// bucket grows while it is copied), so what is reported is held within
// them: the Observer's sum never exceeds the total it was given.
type bucketProgress struct {
	obs          Observer
	id           string
	total, count int64
	sent, done   atomic.Int64
}

// add reports n more bytes (negative: taken back).
func (p *bucketProgress) add(n int64) {
	for {
		old := p.sent.Load()
		next := min(max(old+n, 0), p.total)
		if p.sent.CompareAndSwap(old, next) {
			if next != old {
				p.obs.Progress(p.id, next-old)
			}
			return
		}
	}
}

// object reports one more object done.
func (p *bucketProgress) object() {
	if oo, ok := p.obs.(ObjectObserver); ok {
		oo.Objects(p.id, min(p.done.Add(1), p.count), p.count)
	}
}
