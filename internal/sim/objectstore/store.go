// Package objectstore is the simulator's object storage room: one store
// of containers (buckets) and objects per project, seen through two APIs
// as on an SCS cloud that runs Swift with s3api or Ceph RGW: Swift under
// /swift/v1/AUTH_<project_id> (catalog type object-store) and S3 with
// path-style addressing under /s3 (catalog type object-store-s3), signed
// with AWS Signature V4 and the project's Keystone EC2 credentials. An S3
// bucket is the Swift container of the same name in the same project.
//
// Object bytes live in files in the cloud's data directory; a file is
// never changed once written (an overwrite writes a new one), so copies
// are hard links and a reader streams from the file it opened under the
// lock after releasing it.
package objectstore

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Credentials finds the EC2 credential an S3 request is signed with; the
// identity room is one.
type Credentials interface {
	EC2CredentialLocked(access string) (core.EC2Credential, bool)
}

// Room is the object store: the Swift API (this room, prefix "swift")
// and the S3 API (S3(), prefix "s3") over one store.
type Room struct {
	c        *core.Cloud
	creds    Credentials
	accounts map[string]*account // by project ID
	s3       *S3
}

// New makes the object store room of a cloud.
func New(c *core.Cloud, creds Credentials) *Room {
	r := &Room{c: c, creds: creds, accounts: map[string]*account{}}
	r.s3 = &S3{r: r}
	return r
}

type account struct {
	meta       map[string]string
	containers map[string]*container
}

type container struct {
	name, project string
	created       time.Time
	meta          map[string]string // user metadata, by lower-case name
	read, write   string            // Swift ACLs
	versioning    string            // "", "Enabled" or "Suspended"
	objects       map[string]*object
	uploads       map[string]*upload // S3 multipart uploads in progress
}

// object is one object: a plain one has one file; an S3 multipart one
// the files of its parts; a Swift large object names its segments.
type object struct {
	key         string
	size        int64
	contentType string
	meta        map[string]string // user metadata, by lower-case name
	modified    time.Time
	etag        string // unquoted: MD5 hex, or "<hex>-N" for S3 multipart
	files       []filePart
	slo         []sloSegment // a Static Large Object's manifest
	dlo         string       // a Dynamic Large Object's "container/prefix"
}

type filePart struct {
	path string
	size int64
	etag string // MD5 hex of the part
}

type sloSegment struct {
	Path string `json:"path"`
	Etag string `json:"etag"`
	Size int64  `json:"size_bytes"`
}

// accountLocked is the account of a project, made on first use as Swift
// auto-creates accounts.
func (r *Room) accountLocked(project string) *account {
	a := r.accounts[project]
	if a == nil {
		a = &account{meta: map[string]string{}, containers: map[string]*container{}}
		r.accounts[project] = a
	}
	return a
}

func (r *Room) containerLocked(project, name string) *container {
	return r.accountLocked(project).containers[name]
}

func (r *Room) newContainerLocked(project, name string) *container {
	ct := &container{name: name, project: project, created: r.c.Now(), meta: map[string]string{},
		objects: map[string]*object{}, uploads: map[string]*upload{}}
	r.accountLocked(project).containers[name] = ct
	return ct
}

// usage is the number of objects and bytes of a container.
func (ct *container) usage() (n, bytes int64) {
	for _, o := range ct.objects {
		n++
		bytes += o.size
	}
	return n, bytes
}

func (a *account) usage() (containers, objects, bytes int64) {
	for _, ct := range a.containers {
		n, b := ct.usage()
		containers, objects, bytes = containers+1, objects+n, bytes+b
	}
	return
}

// putLocked stores o, replacing (and removing the files of) the object
// of the same key.
func (ct *container) putLocked(o *object) {
	if old := ct.objects[o.key]; old != nil {
		old.removeFiles()
	}
	ct.objects[o.key] = o
}

func (ct *container) deleteLocked(key string) bool {
	o := ct.objects[key]
	if o == nil {
		return false
	}
	o.removeFiles()
	delete(ct.objects, key)
	return true
}

func (o *object) removeFiles() {
	for _, f := range o.files {
		os.Remove(f.path)
	}
}

// plain reports whether the object's ETag is the MD5 of its bytes.
func (o *object) plain() bool { return o.slo == nil && o.dlo == "" && len(o.files) <= 1 }

// swiftETag is the ETag header Swift sends: quoted for large objects.
func (o *object) swiftETag() string {
	if o.slo != nil || o.dlo != "" {
		return `"` + o.etag + `"`
	}
	return o.etag
}

// writeBlob streams body into a new file of the data directory and
// returns its part: path, size and MD5. It runs without the lock.
func (r *Room) writeBlob(body io.Reader) (filePart, error) {
	path := r.c.BlobPath("objects", core.NewID())
	d, err := blob.WriteFile(path, body, -1)
	if err != nil {
		return filePart{}, err
	}
	return filePart{path: path, size: d.Size, etag: d.MD5}, nil
}

// linkFiles makes new names for the files of a copied object (hard
// links, as the files never change), copying where linking fails.
func (r *Room) linkFiles(files []filePart) ([]filePart, error) {
	out := make([]filePart, len(files))
	for i, f := range files {
		path := r.c.BlobPath("objects", core.NewID())
		if err := os.Link(f.path, path); err != nil {
			in, err := os.Open(f.path)
			if err != nil {
				return nil, err
			}
			_, err = blob.WriteFile(path, in, -1)
			in.Close()
			if err != nil {
				return nil, err
			}
		}
		out[i] = filePart{path: path, size: f.size, etag: f.etag}
	}
	return out, nil
}

// span is an open file of an object being read.
type span struct {
	f    *os.File
	size int64
}

// openLocked opens the files of an object's bytes, in order; for Swift
// large objects it resolves the segments in the project's containers.
func (r *Room) openLocked(project string, o *object) ([]span, error) {
	var spans []span
	add := func(files []filePart) error {
		for _, f := range files {
			fh, err := os.Open(f.path)
			if err != nil {
				return err
			}
			spans = append(spans, span{fh, f.size})
		}
		return nil
	}
	var err error
	switch {
	case o.slo != nil:
		for _, s := range o.slo {
			seg := r.segmentLocked(project, s.Path)
			if seg == nil {
				err = fmt.Errorf("segment %s is gone", s.Path)
				break
			}
			if err = add(seg.files); err != nil {
				break
			}
		}
	case o.dlo != "":
		for _, seg := range r.dloSegmentsLocked(project, o.dlo) {
			if err = add(seg.files); err != nil {
				break
			}
		}
	default:
		err = add(o.files)
	}
	if err != nil {
		closeSpans(spans)
		return nil, err
	}
	return spans, nil
}

func closeSpans(spans []span) {
	for _, s := range spans {
		s.f.Close()
	}
}

// segmentLocked is the object a "/container/object" path names.
func (r *Room) segmentLocked(project, path string) *object {
	cname, key, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok {
		return nil
	}
	ct := r.containerLocked(project, cname)
	if ct == nil {
		return nil
	}
	return ct.objects[key]
}

// dloSegmentsLocked are the objects a Dynamic Large Object's manifest
// ("container/prefix") names, in name order.
func (r *Room) dloSegmentsLocked(project, manifest string) []*object {
	cname, prefix, _ := strings.Cut(manifest, "/")
	ct := r.containerLocked(project, cname)
	if ct == nil {
		return nil
	}
	var out []*object
	for _, k := range ct.sortedKeys() {
		if o := ct.objects[k]; strings.HasPrefix(k, prefix) && o.dlo == "" {
			out = append(out, o)
		}
	}
	return out
}

// dloSizeETagLocked is what Swift reports for a DLO: the total size and
// the MD5 of the segments' ETags.
func (r *Room) dloSizeETagLocked(project string, o *object) (int64, string) {
	h := md5.New()
	var n int64
	for _, seg := range r.dloSegmentsLocked(project, o.dlo) {
		n += seg.size
		io.WriteString(h, seg.etag)
	}
	return n, hex.EncodeToString(h.Sum(nil))
}

func (ct *container) sortedKeys() []string {
	keys := make([]string, 0, len(ct.objects))
	for k := range ct.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// listing is one entry of a container listing: an object or, with a
// delimiter, a rolled-up prefix.
type listing struct {
	obj    *object
	prefix string
}

func (l listing) name() string {
	if l.obj != nil {
		return l.obj.key
	}
	return l.prefix
}

// listLocked lists a container as Swift and S3 do: keys after marker
// (and before endMarker) starting with prefix, those with delimiter after
// the prefix rolled up into one entry, at most limit entries; truncated
// tells whether more follow.
func (ct *container) listLocked(prefix, delim, marker, endMarker string, limit int) (out []listing, truncated bool) {
	skip := ""
	if delim != "" && strings.HasSuffix(marker, delim) && strings.HasPrefix(marker, prefix) {
		skip = marker // a rolled-up prefix ended the previous page
	}
	for _, k := range ct.sortedKeys() {
		if k <= marker || !strings.HasPrefix(k, prefix) || (skip != "" && strings.HasPrefix(k, skip)) {
			continue
		}
		if endMarker != "" && k >= endMarker {
			break
		}
		e := listing{obj: ct.objects[k]}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				p := k[:len(prefix)+i+len(delim)]
				if len(out) > 0 && out[len(out)-1].prefix == p {
					continue
				}
				e = listing{prefix: p}
			}
		}
		if len(out) == limit {
			return out, true
		}
		out = append(out, e)
	}
	return out, false
}

// userMeta collects the user metadata headers with the given prefix
// ("X-Object-Meta-", "X-Amz-Meta-") by lower-case name.
func userMeta(h http.Header, prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		if len(k) > len(prefix) && strings.EqualFold(k[:len(prefix)], prefix) {
			out[strings.ToLower(k[len(prefix):])] = strings.Join(v, ",")
		}
	}
	return out
}

func cloneMeta(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// spansReader reads the spans of an object as one seekable stream, for
// http.ServeContent.
type spansReader struct {
	spans []span
	size  int64
	off   int64
}

func newSpansReader(spans []span) *spansReader {
	r := &spansReader{spans: spans}
	for _, s := range spans {
		r.size += s.size
	}
	return r
}

func (r *spansReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	base := int64(0)
	for _, s := range r.spans {
		if r.off < base+s.size {
			n := min(int64(len(p)), base+s.size-r.off)
			k, err := s.f.ReadAt(p[:n], r.off-base)
			r.off += int64(k)
			if err == io.EOF && k > 0 {
				err = nil
			}
			return k, err
		}
		base += s.size
	}
	return 0, io.EOF
}

func (r *spansReader) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += r.off
	case io.SeekEnd:
		off += r.size
	}
	if off < 0 {
		return 0, fmt.Errorf("seek before start")
	}
	r.off = off
	return off, nil
}

// serveBytes answers GET/HEAD of an object's bytes with Range and the
// conditional headers; the headers of the answer are set already.
// serveBytes answers a GET or HEAD of an object's bytes (ranges and
// conditions as net/http does them); an injected reset fault cuts the
// connection part way through the body.
func (r *Room) serveBytes(w http.ResponseWriter, req *http.Request, spans []span, modified time.Time) {
	defer closeSpans(spans)
	body := newSpansReader(spans)
	if req.Method == http.MethodGet {
		if at := r.c.Faults().StreamResetAt(body.size); at >= 0 {
			w = &cuttingWriter{ResponseWriter: w, left: at}
		}
	}
	http.ServeContent(w, req, "", modified, body)
}

// cuttingWriter writes left bytes of the body, then drops the
// connection, as a network reset would.
type cuttingWriter struct {
	http.ResponseWriter
	left int64
}

func (c *cuttingWriter) Write(p []byte) (int, error) {
	if int64(len(p)) <= c.left {
		c.left -= int64(len(p))
		return c.ResponseWriter.Write(p)
	}
	c.ResponseWriter.Write(p[:c.left])
	http.NewResponseController(c.ResponseWriter).Flush()
	panic(http.ErrAbortHandler)
}
