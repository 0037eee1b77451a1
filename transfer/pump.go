package transfer

import (
	"context"
	"errors"
	"io"
	"sync"
)

// chunkSize and chunkDepth bound the memory of one stream: at most
// chunkDepth queued chunks, one being filled and one being sent.
const (
	chunkSize  = 256 << 10
	chunkDepth = 4
)

// chunkPool recycles the chunks of all streams, so memory stays flat
// however many images pass.
var chunkPool = sync.Pool{New: func() any { return new([chunkSize]byte) }}

type chunk struct {
	buf *[chunkSize]byte
	n   int
}

// pump carries one stream from the source download to the target
// upload, which reads it through Read as its request body. A goroutine
// fills pooled chunks from the source, hashes and counts them and queues
// them, so reading the source and hashing overlap with sending. The
// source is opened only when the upload asks for the first byte.
type pump struct {
	src    io.ReadCloser
	cancel context.CancelFunc // ends the source download
	hash   *hasher
	// onChunk sees every chunk after it was hashed: for counting and, in
	// tests, corrupting.
	onChunk func(p []byte)

	mu      sync.Mutex
	started bool
	stopped bool
	chunks  chan chunk
	done    chan struct{} // closed by Close: the upload wants no more
	exited  chan struct{} // closed when the goroutine has returned
	err     error         // the source's error, valid once chunks is closed

	cur chunk
	off int
}

func newPump(src io.ReadCloser, cancel context.CancelFunc, onChunk func([]byte)) *pump {
	return &pump{src: src, cancel: cancel, hash: newHasher(), onChunk: onChunk,
		chunks: make(chan chunk, chunkDepth), done: make(chan struct{}), exited: make(chan struct{})}
}

// run is the source side: it reads until the end of the source, an
// error, or Close.
func (p *pump) run() {
	defer close(p.exited)
	defer close(p.chunks)
	defer p.src.Close()
	for {
		c := chunk{buf: chunkPool.Get().(*[chunkSize]byte)}
		var err error
		c.n, err = io.ReadFull(p.src, c.buf[:])
		if c.n > 0 {
			p.hash.Write(c.buf[:c.n])
			p.onChunk(c.buf[:c.n])
			select {
			case p.chunks <- c:
			case <-p.done:
				chunkPool.Put(c.buf)
				return
			}
		} else {
			chunkPool.Put(c.buf)
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return
		case err != nil:
			p.err = err
			return
		}
	}
}

// errPumpClosed is what Read says after Close.
var errPumpClosed = errors.New("stream closed")

// Read is the upload side.
func (p *pump) Read(b []byte) (int, error) {
	select {
	case <-p.done:
		return 0, errPumpClosed
	default:
	}
	p.mu.Lock()
	if !p.started && !p.stopped {
		p.started = true
		go p.run()
	}
	p.mu.Unlock()
	if p.cur.buf == nil {
		select {
		case c, ok := <-p.chunks:
			if !ok {
				if p.err != nil {
					return 0, p.err
				}
				return 0, io.EOF
			}
			p.cur, p.off = c, 0
		case <-p.done:
			return 0, errPumpClosed
		}
	}
	n := copy(b, p.cur.buf[p.off:p.cur.n])
	p.off += n
	if p.off == p.cur.n {
		chunkPool.Put(p.cur.buf)
		p.cur = chunk{}
	}
	return n, nil
}

// Close stops the stream; the HTTP client calls it when the upload ends.
func (p *pump) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return nil
	}
	p.stopped = true
	p.cancel()
	close(p.done)
	if !p.started {
		p.src.Close()
		close(p.chunks)
		close(p.exited)
	}
	return nil
}

// finish stops the stream, waits for the source side to end, and
// returns the digests of the bytes read from the source and its error.
func (p *pump) finish() (digests, error) {
	p.Close()
	<-p.exited
	for c := range p.chunks {
		chunkPool.Put(c.buf)
	}
	return p.hash.digests(), p.err
}
