package image

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// errImageStreamReset means an injected fault cut a data stream.
var errImageStreamReset = errors.New("data stream reset (injected fault)")

// upload streams PUT /v2/images/{id}/file to disk through the hasher:
// queued → saving → active. A short or aborted body puts the image back
// to queued and removes what arrived, as Glance does.
func (s *Room) upload(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "" && ct != "application/octet-stream" {
		core.GlanceErrors.Write(w, http.StatusUnsupportedMediaType, "The request has an unsupported Content-Type; image data must be sent as application/octet-stream.")
		return
	}
	id := r.PathValue("id")
	path, ierr := s.beginUpload(tok.ProjectID, id)
	if ierr != nil {
		ierr.Write(w)
		return
	}
	d, err := s.receive(r, path)
	s.c.Lock()
	defer s.c.Unlock()
	im := s.images[id]
	if err != nil {
		os.Remove(path)
		if im != nil && im.Path == path {
			im.Status, im.Path = statusQueued, ""
			im.touch(s.c.Now())
		}
		if errors.Is(err, errImageStreamReset) {
			panic(http.ErrAbortHandler)
		}
		core.GlanceErrors.Write(w, http.StatusBadRequest, "Failed to upload image data due to HTTP error: "+err.Error())
		return
	}
	if im == nil || im.Path != path {
		os.Remove(path)
		core.GlanceErrors.Write(w, http.StatusGone, "Image "+id+" could not be found after upload. The image may have been deleted during the upload.")
		return
	}
	s.setDataLocked(im, d)
	w.WriteHeader(http.StatusNoContent)
}

// beginUpload moves a queued image of the project to saving and returns
// where its bytes go.
func (s *Room) beginUpload(projectID, id string) (string, *apiError) {
	s.c.Lock()
	defer s.c.Unlock()
	im, ierr := s.ownedLocked(projectID, id, "upload_image")
	if ierr != nil {
		return "", ierr
	}
	if im.Status != statusQueued {
		return "", errorf(http.StatusConflict, "Image status transition from %s to %s is not allowed", im.Status, statusSaving)
	}
	if im.DiskFormat == nil || im.ContainerFormat == nil {
		return "", errorf(http.StatusBadRequest, "Properties disk_format, container_format must be set prior to saving data.")
	}
	im.Status, im.Path = statusSaving, s.c.BlobPath("images", id)
	im.touch(s.c.Now())
	return im.Path, nil
}

// receive writes the request body to path and returns its digests. It
// fails when the body is shorter than announced or the client goes away,
// and when the fault injector resets the stream.
func (s *Room) receive(r *http.Request, path string) (blob.Digests, error) {
	var body io.Reader = body{r.Body}
	reset := int64(-1)
	if r.ContentLength > 0 {
		reset = s.c.Faults().StreamResetAt(r.ContentLength)
	}
	if reset >= 0 {
		body = io.LimitReader(body, reset)
	}
	d, err := blob.WriteFile(path, body, -1)
	switch {
	case err != nil:
		return d, err
	case reset >= 0:
		return d, errImageStreamReset
	case r.ContentLength >= 0 && d.Size != r.ContentLength:
		return d, fmt.Errorf("received %d of %d bytes", d.Size, r.ContentLength)
	}
	return d, nil
}

// body wraps every read error but io.EOF, so that a body cut
// short (io.ErrUnexpectedEOF from net/http) is not taken for its end.
type body struct{ r io.Reader }

func (b body) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("read image data: %w", err)
	}
	return n, err
}

// download serves GET /v2/images/{id}/file from disk, whole or one
// byte range. Content-MD5 carries the hex checksum, as Glance sends it
// and glanceclient and openstacksdk verify it.
func (s *Room) download(w http.ResponseWriter, r *http.Request, tok *core.Token) {
	path, size, checksum, ierr := s.dataOf(tok.ProjectID, r.PathValue("id"))
	if ierr != nil {
		ierr.Write(w)
		return
	}
	if path == "" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		notFound(r.PathValue("id")).Write(w)
		return
	}
	defer f.Close()
	start, n, partial, ok := byteRange(r.Header.Get("Range"), size)
	if !ok {
		w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		core.GlanceErrors.Write(w, http.StatusRequestedRangeNotSatisfiable, "The Range requested is not available.")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-MD5", checksum)
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	status := http.StatusOK
	if partial {
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+n-1, size))
		status = http.StatusPartialContent
	}
	w.WriteHeader(status)
	s.send(w, f, start, n)
}

// dataOf returns where a visible image's bytes are ("" when it has
// none), their size and checksum.
func (s *Room) dataOf(projectID, id string) (string, int64, string, *apiError) {
	s.c.Lock()
	defer s.c.Unlock()
	im := s.visibleLocked(projectID, id)
	switch {
	case im == nil:
		return "", 0, "", notFound(id)
	case im.Status == statusDeactivated:
		return "", 0, "", errorf(http.StatusForbidden, "The requested image has been deactivated. Image data download is forbidden.")
	case im.Status != statusActive:
		return "", 0, "", nil
	}
	return im.Path, core.Deref(im.Size), im.Checksum, nil
}

// send copies n bytes of f from start to the client; an injected fault
// cuts the connection part way.
func (s *Room) send(w http.ResponseWriter, f *os.File, start, n int64) {
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		panic(http.ErrAbortHandler)
	}
	if reset := s.c.Faults().StreamResetAt(n); reset >= 0 {
		io.CopyN(w, f, reset)
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler)
	}
	io.CopyN(w, f, n)
}

// byteRange reads a single "bytes=N-", "bytes=N-M" or "bytes=-S"
// range. Without a Range header the whole object is served. ok is false
// for a range that cannot be satisfied.
func byteRange(header string, size int64) (start, n int64, partial, ok bool) {
	if header == "" {
		return 0, size, false, true
	}
	spec, found := strings.CutPrefix(header, "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, size, false, true // not a range Glance serves: whole object
	}
	first, last, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" { // suffix: the last S bytes
		sfx, err := strconv.ParseInt(last, 10, 64)
		if err != nil || sfx <= 0 || size == 0 {
			return 0, 0, false, false
		}
		sfx = min(sfx, size)
		return size - sfx, sfx, true, true
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 || start >= size {
		return 0, 0, false, false
	}
	end := size - 1
	if last != "" {
		e, err := strconv.ParseInt(last, 10, 64)
		if err != nil || e < start {
			return 0, 0, false, false
		}
		end = min(e, size-1)
	}
	return start, end - start + 1, true, true
}
