package transfer

import "context"

// pooledMin is the smallest object whose buffer comes from the pool:
// below it a buffer of its own size costs less than a part's.
const pooledMin = 64 << 10

// partPool keeps part buffers for reuse: without it every part is a new
// allocation, and a copy of 4 GiB leaves 4 GiB of garbage that the
// collector lets grow far past the budget before it frees it. The pool
// holds at most as many buffers as the budget allows.
type partPool struct {
	size int64
	free chan []byte
}

func newPartPool(size, budget int64) *partPool {
	return &partPool{size: size, free: make(chan []byte, max(budget/size, 1))}
}

func (p *partPool) get() []byte {
	select {
	case buf := <-p.free:
		return buf
	default:
		return make([]byte, p.size)
	}
}

func (p *partPool) put(buf []byte) {
	select {
	case p.free <- buf[:cap(buf)]:
	default:
	}
}

// buffer takes a buffer of n bytes and its memory from the budget (all
// of the budget for a part larger than it, so that one copy always
// progresses). Objects from pooledMin up to a part get a pooled part
// buffer, and are charged its full size: the budget counts memory held,
// not bytes used.
func (b *BucketCopier) buffer(ctx context.Context, n int64) ([]byte, func(), error) {
	budget := b.budgetBytes()
	pooled := n >= pooledMin && n <= b.pool.size
	w := n
	if pooled {
		w = b.pool.size
	}
	w = min(max(w, 1), budget)
	if err := b.budget.Acquire(ctx, w); err != nil {
		return nil, nil, err
	}
	if !pooled {
		return make([]byte, n), func() { b.budget.Release(w) }, nil
	}
	buf := b.pool.get()
	return buf[:n], func() {
		b.pool.put(buf)
		b.budget.Release(w)
	}, nil
}
