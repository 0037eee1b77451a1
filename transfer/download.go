package transfer

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// rangeReader reads an image's data and survives broken connections: a
// download that ends early is picked up again with "Range: bytes=N-" at
// the first byte not yet received. A source that ignores Range answers
// with the whole image, whose first N bytes are read and dropped. It
// gives up after maxFailures reopenings in a row that brought no byte.
type rangeReader struct {
	ctx  context.Context
	data dataClient
	url  string
	size int64

	// stall breaks off a response that moves no byte for this long.
	stall time.Duration

	body      io.ReadCloser
	reqCtx    context.Context // of the current response
	wd        *watchdog
	cancelReq context.CancelCauseFunc
	off       int64 // bytes delivered to the reader's caller
	wire      *atomic.Int64
	failures  int
	// maxFailures and backoff shape the retries of reopening.
	maxFailures int
	backoff     time.Duration
	resumes     int
}

func (r *rangeReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if int64(len(p)) > r.size-r.off {
		p = p[:r.size-r.off]
	}
	for {
		if r.body == nil {
			if err := r.open(); err != nil {
				return 0, err
			}
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		r.wire.Add(int64(n))
		if n > 0 {
			r.failures = 0
			r.wd.kick()
		}
		if err == nil || r.off >= r.size {
			return n, nil
		}
		err = stalled(r.reqCtx, err)
		r.Close()
		if err == io.EOF {
			err = cloud.Transient(fmt.Errorf("%w: connection ended at byte %d of %d", errStreamBroken, r.off, r.size))
		}
		if !cloud.Retryable(err) {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
		if err := r.pause(err); err != nil {
			return 0, err
		}
	}
}

// pause waits before the next reopening, or says that enough is enough.
func (r *rangeReader) pause(cause error) error {
	r.failures++
	if r.failures > r.maxFailures {
		return fmt.Errorf("download %s: gave up at byte %d of %d after %d failed attempts: %w", r.url, r.off, r.size, r.failures, cause)
	}
	if r.failures == 1 {
		return nil // the first reopening is immediate: a reset is no reason to wait
	}
	return cloud.Sleep(r.ctx, cloud.Backoff(r.backoff, r.failures-1))
}

// open starts (or resumes) the download at r.off, under a watchdog.
func (r *rangeReader) open() error {
	for {
		r.reqCtx, r.wd, r.cancelReq = newWatchdog(r.ctx, cmp.Or(r.stall, stallTimeout))
		body, err := r.get()
		if err == nil {
			r.body = body
			return nil
		}
		err = stalled(r.reqCtx, err)
		r.Close()
		if !cloud.Retryable(err) {
			return err
		}
		if err := r.pause(err); err != nil {
			return err
		}
	}
}

func (r *rangeReader) get() (io.ReadCloser, error) {
	newReq := func() *http.Request {
		req, _ := http.NewRequestWithContext(r.reqCtx, http.MethodGet, r.url, nil)
		if r.off > 0 {
			req.Header.Set("Range", "bytes="+strconv.FormatInt(r.off, 10)+"-")
		}
		return req
	}
	resp, err := r.data.send(r.reqCtx, newReq(), func() (*http.Request, bool) { return newReq(), true })
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusPartialContent && r.off > 0:
		if start, ok := contentRangeStart(resp.Header.Get("Content-Range")); !ok || start != r.off {
			drain(resp)
			return nil, cloud.Permanent(fmt.Errorf("download %s: asked for bytes from %d, got Content-Range %q", r.url, r.off, resp.Header.Get("Content-Range")))
		}
		r.resumes++
		return resp.Body, nil
	case resp.StatusCode == http.StatusOK:
		if r.off > 0 {
			// No Range support: read again up to where we were.
			n, err := io.CopyN(io.Discard, kicking{resp.Body, r.wd}, r.off)
			r.wire.Add(n)
			if err != nil {
				resp.Body.Close()
				return nil, cloud.Transient(fmt.Errorf("%w: skipping %d bytes already received: %v", errStreamBroken, r.off, err))
			}
			r.resumes++
		}
		return resp.Body, nil
	}
	defer resp.Body.Close()
	return nil, cloud.ResponseError(resp)
}

// contentRangeStart reads the first byte position of "bytes N-M/T".
func contentRangeStart(v string) (int64, bool) {
	v, ok := strings.CutPrefix(v, "bytes ")
	if !ok {
		return 0, false
	}
	first, _, ok := strings.Cut(v, "-")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64)
	return n, err == nil
}

// Close ends the current response, if any.
func (r *rangeReader) Close() error {
	var err error
	if r.body != nil {
		err = r.body.Close()
		r.body = nil
	}
	if r.wd != nil {
		r.wd.stop()
		r.cancelReq(nil)
		r.wd = nil
	}
	return err
}

// kicking kicks a watchdog whenever bytes arrive.
type kicking struct {
	r  io.Reader
	wd *watchdog
}

func (k kicking) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.wd.kick()
	}
	return n, err
}
