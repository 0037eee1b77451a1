package qcow2

import (
	"iter"
	"math/bits"
)

// clusterSet is a fixed-size set of cluster numbers: one bit per cluster, so
// a 1 TiB image of 64 KiB clusters costs 2 MiB.
type clusterSet []uint64

func newClusterSet(n int64) clusterSet { return make(clusterSet, CeilDiv(n, 64)) }

func (b clusterSet) set(i int64)      { b[i/64] |= 1 << (i % 64) }
func (b clusterSet) get(i int64) bool { return i/64 < int64(len(b)) && b[i/64]&(1<<(i%64)) != 0 }

// any reports whether a bit in [from, to) is set.
func (b clusterSet) any(from, to int64) bool {
	for i := from; i < to; {
		if i%64 == 0 && i+64 <= to {
			if b[i/64] != 0 {
				return true
			}
			i += 64
			continue
		}
		if b.get(i) {
			return true
		}
		i++
	}
	return false
}

// ones yields the set bits in ascending order.
func (b clusterSet) ones() iter.Seq[int64] {
	return func(yield func(int64) bool) {
		for w, word := range b {
			for word != 0 {
				t := bits.TrailingZeros64(word)
				if !yield(int64(w)*64 + int64(t)) {
					return
				}
				word &= word - 1
			}
		}
	}
}
