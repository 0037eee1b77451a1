package transfer

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
)

// dataServer serves data like Glance's GET /file, cutting the first cuts
// responses short; with ranges it honours "Range: bytes=N-", without it
// always sends everything. Only the token "fresh" is accepted.
func dataServer(t *testing.T, data []byte, cuts int, ranges bool) (*httptest.Server, *atomic.Int64) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Auth-Token") != "fresh" {
			http.Error(w, `{"error": {"message": "The request you have made requires authentication."}}`, http.StatusUnauthorized)
			return
		}
		n := requests.Add(1)
		start := 0
		status := http.StatusOK
		if v, ok := strings.CutPrefix(r.Header.Get("Range"), "bytes="); ok && ranges {
			start, _ = strconv.Atoi(strings.TrimSuffix(v, "-"))
			status = http.StatusPartialContent
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(data)-1, len(data)))
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)-start))
		w.WriteHeader(status)
		rest := data[start:]
		if int(n) <= cuts && len(rest) > 1 {
			w.Write(rest[:1+rand.IntN(len(rest)-1)])
			http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler)
		}
		w.Write(rest)
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

func testData(n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{7}).Read(b)
	return b
}

func testClient(srv *httptest.Server) (dataClient, *atomic.Int64) {
	var renewals atomic.Int64
	pc := &gophercloud.ProviderClient{TokenID: "stale"}
	pc.ReauthFunc = func(context.Context) error {
		renewals.Add(1)
		pc.TokenID = "fresh"
		return nil
	}
	return dataClient{http: srv.Client(), provider: pc}, &renewals
}

func TestRangeReaderResumesWhereItBroke(t *testing.T) {
	data := testData(3<<20 + 17)
	srv, requests := dataServer(t, data, 5, true)
	d, renewals := testClient(srv)
	var wire atomic.Int64
	r := &rangeReader{ctx: context.Background(), data: d, url: srv.URL, size: int64(len(data)), wire: &wire, maxFailures: 3, backoff: time.Millisecond}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("data differs")
	}
	if r.resumes != 5 || wire.Load() != int64(len(data)) || requests.Load() != 6 || renewals.Load() != 1 {
		t.Errorf("resumes %d, wire %d, requests %d, renewals %d: want 5 resumes, %d bytes, 6 requests, 1 renewal",
			r.resumes, wire.Load(), requests.Load(), renewals.Load(), len(data))
	}
}

func TestRangeReaderWithoutRangeSupportSkips(t *testing.T) {
	data := testData(1 << 20)
	srv, _ := dataServer(t, data, 2, false)
	d, _ := testClient(srv)
	var wire atomic.Int64
	r := &rangeReader{ctx: context.Background(), data: d, url: srv.URL, size: int64(len(data)), wire: &wire, maxFailures: 3, backoff: time.Millisecond}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) || r.resumes == 0 || wire.Load() <= int64(len(data)) {
		t.Errorf("equal %v, resumes %d, wire %d", bytes.Equal(got, data), r.resumes, wire.Load())
	}
}

func TestRangeReaderGivesUp(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		panic(http.ErrAbortHandler)
	}))
	defer srv.Close()
	d, _ := testClient(srv)
	d.provider.TokenID = "fresh"
	var wire atomic.Int64
	r := &rangeReader{ctx: context.Background(), data: d, url: srv.URL, size: 100, wire: &wire, maxFailures: 2, backoff: time.Millisecond}
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "gave up at byte 0 of 100") {
		t.Errorf("got %v, want it to give up", err)
	}
}

func TestPumpCarriesAndHashes(t *testing.T) {
	data := testData(5*chunkSize + 123)
	var seen int64
	p := newPump(io.NopCloser(bytes.NewReader(data)), func() {}, func(b []byte) { seen += int64(len(b)) })
	var got bytes.Buffer
	if _, err := io.CopyBuffer(&got, p, make([]byte, 32<<10)); err != nil {
		t.Fatal(err)
	}
	d, err := p.finish()
	sum := sha512.Sum512(data)
	if err != nil || !bytes.Equal(got.Bytes(), data) || d.SHA512 != hex.EncodeToString(sum[:]) || d.Size != int64(len(data)) || seen != d.Size {
		t.Errorf("err %v, equal %v, digests %+v, seen %d", err, bytes.Equal(got.Bytes(), data), d, seen)
	}
}

func TestPumpStopsWhenClosed(t *testing.T) {
	src := &endless{}
	ctx, cancel := context.WithCancel(context.Background())
	src.ctx = ctx
	p := newPump(src, cancel, func([]byte) {})
	buf := make([]byte, 1000)
	if _, err := p.Read(buf); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if _, err := p.Read(buf); err != errPumpClosed {
		t.Errorf("read after close: %v", err)
	}
	done := make(chan struct{})
	go func() { p.finish(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the source side did not stop")
	}
}

func TestPumpNeverStarted(t *testing.T) {
	p := newPump(&endless{ctx: context.Background()}, func() {}, func([]byte) {})
	if _, err := p.finish(); err != nil {
		t.Fatal(err)
	}
}

// endless is a source that never ends until its context does.
type endless struct{ ctx context.Context }

func (e *endless) Read(p []byte) (int, error) {
	if err := e.ctx.Err(); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (e *endless) Close() error { return nil }

func TestTempNames(t *testing.T) {
	n := TempName("snapshot", "0b5e-11")
	if n != "scs-migrate-tmp-snapshot-0b5e-11" || !isTempFor(n, "0b5e-11") || isTempFor(n, "0b5e") || isTempFor("x-0b5e-11", "0b5e-11") {
		t.Errorf("TempName/isTempFor disagree on %q", n)
	}
}

func TestRangeReaderBreaksOffAStall(t *testing.T) {
	data := testData(1 << 20)
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := 0
		if v, ok := strings.CutPrefix(r.Header.Get("Range"), "bytes="); ok {
			start, _ = strconv.Atoi(strings.TrimSuffix(v, "-"))
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(data)-1, len(data)))
			w.Header().Set("Content-Length", strconv.Itoa(len(data)-start))
			w.WriteHeader(http.StatusPartialContent)
		}
		if requests.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data[:1000])
			http.NewResponseController(w).Flush()
			<-r.Context().Done() // hang until the client gives up
			return
		}
		w.Write(data[start:])
	}))
	defer srv.Close()
	d, _ := testClient(srv)
	d.provider.TokenID = "fresh"
	var wire atomic.Int64
	r := &rangeReader{ctx: context.Background(), data: d, url: srv.URL, size: int64(len(data)), wire: &wire,
		maxFailures: 2, backoff: time.Millisecond, stall: 200 * time.Millisecond}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, data) || r.resumes != 1 {
		t.Errorf("err %v, equal %v, resumes %d: want the stalled download resumed", err, bytes.Equal(got, data), r.resumes)
	}
}
