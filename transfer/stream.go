package transfer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// stream is one image's bytes on their way from the source image to the
// target image, over as many attempts as it takes.
type stream struct {
	obsID    string // whom the observer hears about
	sourceID string
	size     int64
	targetID string
	attempt  int
	wire     atomic.Int64 // bytes read from the source, all attempts
	resumes  int
	// delivered are the bytes the current attempt reported as progress.
	delivered int64
}

// send makes one attempt: the source download, resumed where it
// breaks, is the body of the target upload. It returns the digests of
// the bytes that went up.
func (c *Copier) send(ctx context.Context, s *stream) (digests, error) {
	s.delivered = 0
	if s.size == 0 {
		return newHasher().digests(), c.upload(ctx, s.targetID, 0, http.NoBody)
	}
	dlCtx, cancel := context.WithCancel(ctx)
	src := &rangeReader{ctx: dlCtx, data: newDataClient(c.Source), url: newDataClient(c.Source).fileURL(s.sourceID),
		size: s.size, wire: &s.wire, maxFailures: c.retries() + 3, backoff: c.backoff, stall: c.stall}
	obs := c.observer()
	p := newPump(src, cancel, func(b []byte) {
		if c.corrupt != nil {
			c.corrupt(s.attempt, b)
		}
		s.delivered += int64(len(b))
		obs.Progress(s.obsID, int64(len(b)))
	})
	err := c.upload(ctx, s.targetID, s.size, p)
	got, srcErr := p.finish()
	s.resumes += src.resumes
	if srcErr != nil && !errors.Is(srcErr, context.Canceled) {
		err = fmt.Errorf("read source image %s: %w", s.sourceID, srcErr)
	}
	return got, err
}

// upload sends body as the data of the target image. The body is not
// read before the target has accepted the request (Expect:
// 100-continue), so a refused upload does not open the source. An
// upload that stops taking bytes is broken off.
func (c *Copier) upload(ctx context.Context, imageID string, size int64, body io.ReadCloser) (err error) {
	d := newDataClient(c.Target)
	if size > 0 {
		var wd *watchdog
		var cancel context.CancelCauseFunc
		ctx, wd, cancel = newWatchdog(ctx, cmp.Or(c.stall, stallTimeout))
		defer func() {
			err = stalled(ctx, err)
			wd.stop()
			cancel(nil)
		}()
		body = &watchedBody{ReadCloser: body, wd: wd}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, d.fileURL(imageID), body)
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/octet-stream")
	if size > 0 {
		req.Header.Set("Expect", "100-continue")
	}
	resp, err := d.send(ctx, req, func() (*http.Request, bool) { return nil, false })
	if err != nil {
		return fmt.Errorf("upload to image %s: %w", imageID, err)
	}
	defer drain(resp)
	if resp.StatusCode/100 != 2 {
		err := cloud.ResponseError(resp)
		if resp.StatusCode == http.StatusConflict {
			// The image was not ready to take data; the next attempt
			// resets it.
			err = cloud.Transient(err)
		}
		return fmt.Errorf("upload to image %s: %w", imageID, err)
	}
	return nil
}

// watchedBody kicks its watchdog whenever the upload takes bytes, and
// stops it when all are taken: the service may then think for a while.
type watchedBody struct {
	io.ReadCloser
	wd *watchdog
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.wd.kick()
	}
	if err == io.EOF {
		b.wd.stop()
	}
	return n, err
}
