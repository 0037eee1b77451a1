package objectstore

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// S3 is the S3 face of the store: path-style requests under /s3 (the
// catalog's endpoint) and, for clients that cannot put a path in their
// endpoint (minio-go), SigV4-signed requests at the cloud's root.
type S3 struct{ r *Room }

// Prefix is the S3 API's path prefix.
func (*S3) Prefix() string { return "s3" }

// Style is S3's error style.
func (*S3) Style() core.ErrorStyle { return core.S3Errors }

// SeedLocked has nothing to seed.
func (*S3) SeedLocked() error { return nil }

// Routes registers the S3 API under /s3.
func (s *S3) Routes(mux *http.ServeMux) {
	h := func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, "/s3") }
	mux.HandleFunc("/s3", h)
	mux.HandleFunc("/s3/", h)
}

// ServeRoot answers a SigV4-signed request addressed at the cloud's
// root, /<bucket>/<key>.
func (s *S3) ServeRoot(w http.ResponseWriter, r *http.Request) { s.serve(w, r, "") }

const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

func s3Error(status int, code, msg string) *core.APIError {
	return &core.APIError{Status: status, Type: code, Message: msg, Style: core.S3Errors}
}

var (
	errNoSuchBucket = s3Error(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
	errNoSuchKey    = s3Error(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	errAccessDenied = s3Error(http.StatusForbidden, "AccessDenied", "Access Denied")
)

// call is one S3 request: who signed it and what it names.
type call struct {
	w           http.ResponseWriter
	r           *http.Request
	q           url.Values
	project     string
	bucket, key string
	body        io.Reader
}

func (c *call) fail(e *core.APIError) {
	if c.r.Method == http.MethodHead {
		c.w.WriteHeader(e.Status)
		return
	}
	e.Write(c.w)
}

// failRegion answers a request signed for another region with the S3
// error document naming the expected one (core's S3 errors have no
// Region element).
func (c *call) failRegion(code, msg, region string) {
	if c.r.Method == http.MethodHead {
		c.w.WriteHeader(http.StatusBadRequest)
		return
	}
	c.xml(http.StatusBadRequest, struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		Message   string   `xml:"Message"`
		Region    string   `xml:"Region"`
		RequestID string   `xml:"RequestId"`
	}{Code: code, Message: msg, Region: region, RequestID: c.w.Header().Get("X-Amz-Request-Id")})
}

var errNotImplemented = s3Error(http.StatusNotImplemented, "NotImplemented", "The requested resource is not implemented")

// validateHeaders refuses what Swift 2.30's s3api refuses for any
// request before it looks further (its S3Request._validate_headers).
func validateHeaders(r *http.Request) *core.APIError {
	h := r.Header
	notImpl := func(msg string) *core.APIError { return s3Error(http.StatusNotImplemented, "NotImplemented", msg) }
	if r.Method == http.MethodPut {
		for _, k := range []string{"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"} {
			if h.Get(k) != "" {
				return notImpl("Conditional object PUTs are not supported.")
			}
		}
	}
	if d := h.Get("X-Amz-Metadata-Directive"); d != "" && d != "COPY" && d != "REPLACE" {
		return s3Error(http.StatusBadRequest, "InvalidArgument", "Unknown metadata directive.")
	}
	if sc := h.Get("X-Amz-Storage-Class"); sc != "" && sc != "STANDARD" {
		return s3Error(http.StatusBadRequest, "InvalidStorageClass", "The storage class you specified is not valid")
	}
	if h.Get("X-Amz-Mfa") != "" {
		return notImpl("MFA Delete is not supported.")
	}
	if sse := h.Get("X-Amz-Server-Side-Encryption"); sse != "" {
		if sse != "aws:kms" && sse != "AES256" {
			return s3Error(http.StatusBadRequest, "InvalidArgument", "The encryption method specified is not supported")
		}
		return notImpl("Server-side encryption is not supported.")
	}
	if h.Get("X-Amz-Website-Redirect-Location") != "" {
		return notImpl("Website redirection is not supported.")
	}
	// Swift's s3api refuses exactly aws-chunked encodings, the signed
	// streaming payload and a decoded length; the simulator refuses every
	// STREAMING-* payload (the others would be stored with their framing).
	if strings.Contains(h.Get("Content-Encoding"), "aws-chunked") || strings.HasPrefix(h.Get("X-Amz-Content-Sha256"), streamingPrefix) ||
		h.Get("X-Amz-Decoded-Content-Length") != "" {
		return notImpl("Transfering payloads in multiple chunks using aws-chunked is not supported.")
	}
	if h.Get("X-Amz-Tagging") != "" {
		return notImpl("Object tagging is not supported.")
	}
	return nil
}

func (c *call) xml(status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		c.fail(s3Error(http.StatusInternalServerError, "InternalError", err.Error()))
		return
	}
	c.w.Header().Set("Content-Type", "application/xml")
	c.w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	c.w.WriteHeader(status)
	io.WriteString(c.w, xml.Header)
	c.w.Write(body)
}

func (s *S3) serve(w http.ResponseWriter, r *http.Request, base string) {
	w.Header().Set("X-Amz-Request-Id", "tx"+core.NewHexID()[:21])
	rest := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, base), "/")
	bucket, key, _ := strings.Cut(rest, "/")
	c := &call{w: w, r: r, q: r.URL.Query(), bucket: bucket, key: key}
	// Swift's s3api checks the credential scope and the headers before it
	// asks Keystone about the credential.
	if sig, err := parseSig(r); err == nil {
		region := s.r.c.Profile().Region
		if code, msg := scopeError(sig, region); code != "" {
			c.failRegion(code, msg, region)
			return
		}
	}
	if aerr := validateHeaders(r); aerr != nil {
		c.fail(aerr)
		return
	}
	cred, sig, aerr := s.auth(r)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	c.project, c.body = cred.ProjectID, s.body(r, sig)
	if bucket != "" && s.unsupportedCall(c) {
		return
	}
	switch {
	case bucket == "":
		if r.Method != http.MethodGet {
			c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
			return
		}
		s.listBuckets(c)
	case key == "":
		s.bucketOp(c)
	default:
		s.objectOp(c)
	}
}

func (s *S3) bucketOp(c *call) {
	q := c.q
	if s.subresource(c) {
		return
	}
	switch c.r.Method {
	case http.MethodPut:
		s.createBucket(c)
	case http.MethodHead:
		s.withBucket(c, func(*container) { c.w.WriteHeader(http.StatusOK) })
	case http.MethodDelete:
		s.deleteBucket(c)
	case http.MethodPost:
		if !q.Has("delete") {
			c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
			return
		}
		s.deleteObjects(c)
	case http.MethodGet:
		switch {
		case q.Has("uploads"):
			s.listUploads(c)
		case q.Has("location"):
			region := s.r.c.Profile().Region
			s.withBucket(c, func(*container) {
				c.xml(http.StatusOK, struct {
					XMLName xml.Name `xml:"LocationConstraint"`
					NS      string   `xml:"xmlns,attr"`
					Region  string   `xml:",chardata"`
				}{NS: s3NS, Region: region})
			})
		default:
			s.listObjects(c)
		}
	default:
		c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
	}
}

func (s *S3) objectOp(c *call) {
	upload := c.q.Has("uploadId")
	if c.q.Has("tagging") && !upload && !c.q.Has("uploads") && !c.q.Has("partNumber") {
		s.tagging(c)
		return
	}
	switch c.r.Method {
	case http.MethodPost:
		switch {
		case c.q.Has("uploads"):
			s.createUpload(c)
		case upload:
			s.completeUpload(c)
		default:
			c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
		}
		return
	case http.MethodGet:
		if upload {
			s.listParts(c)
			return
		}
	case http.MethodDelete:
		if upload {
			s.abortUpload(c)
			return
		}
	case http.MethodPut:
		if upload {
			s.uploadPart(c)
			return
		}
	}
	switch c.r.Method {
	case http.MethodPut:
		if c.r.Header.Get("X-Amz-Copy-Source") != "" {
			s.copyObject(c)
			return
		}
		s.putObject(c)
	case http.MethodGet, http.MethodHead:
		s.getObject(c)
	case http.MethodDelete:
		s.deleteObject(c)
	default:
		c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
	}
}

// bucketLocked finds the caller's bucket. Buckets are the containers of
// the caller's Swift account (AUTH_<project>), as with Swift's s3api:
// each project has its own bucket names, and another project's bucket of
// the name is no bucket of the caller's (NoSuchBucket).
func (s *S3) bucketLocked(c *call) (*container, *core.APIError) {
	if ct := s.r.containerLocked(c.project, c.bucket); ct != nil {
		return ct, nil
	}
	return nil, errNoSuchBucket
}

// withBucket runs fn with the lock held and the caller's bucket.
func (s *S3) withBucket(c *call, fn func(*container)) {
	s.r.c.Lock()
	defer s.r.c.Unlock()
	ct, err := s.bucketLocked(c)
	if err != nil {
		c.fail(err)
		return
	}
	fn(ct)
}

func s3Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

type owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

func (s *S3) listBuckets(c *call) {
	type bucket struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
	}
	var out struct {
		XMLName xml.Name `xml:"ListAllMyBucketsResult"`
		NS      string   `xml:"xmlns,attr"`
		Owner   owner    `xml:"Owner"`
		Buckets []bucket `xml:"Buckets>Bucket"`
	}
	out.NS, out.Owner = s3NS, owner{c.project, c.project}
	s.r.c.Lock()
	a := s.r.accountLocked(c.project)
	var names []string
	for n := range a.containers {
		names = append(names, n)
	}
	sortStrings(names)
	for _, n := range names {
		out.Buckets = append(out.Buckets, bucket{n, s3Time(a.containers[n].created)})
	}
	s.r.c.Unlock()
	c.xml(http.StatusOK, out)
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func (s *S3) createBucket(c *call) {
	if !bucketName.MatchString(c.bucket) || strings.Contains(c.bucket, "..") {
		c.fail(s3Error(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid."))
		return
	}
	if strings.EqualFold(c.r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true") {
		c.fail(s3Error(http.StatusNotImplemented, "NotImplemented", "Object Lock is not offered by this provider."))
		return
	}
	// The body, if any, must be a CreateBucketConfiguration naming the
	// endpoint's region (s3api serves one region). s3api checks it before
	// it looks for the bucket, so a PUT ?lifecycle on an existing bucket
	// fails here.
	body, ok := c.readDocument(1 << 20)
	if !ok {
		return
	}
	if len(bytes.TrimSpace(body)) > 0 {
		var conf struct {
			XMLName  xml.Name
			Location *string `xml:"LocationConstraint"`
		}
		if xml.Unmarshal(body, &conf) != nil || conf.XMLName.Local != "CreateBucketConfiguration" || conf.Location == nil {
			c.fail(errMalformedXML)
			return
		}
		if region := s.r.c.Profile().Region; *conf.Location != region && *conf.Location != strings.ToLower(region) {
			c.fail(s3Error(http.StatusBadRequest, "InvalidLocationConstraint", "The specified location constraint is not valid."))
			return
		}
	}
	s.r.c.Lock()
	defer s.r.c.Unlock()
	// Names are per project (see bucketLocked): BucketAlreadyExists, the
	// clash with another owner, does not happen without s3api's S3 ACLs.
	if s.r.containerLocked(c.project, c.bucket) != nil {
		c.fail(s3Error(http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it."))
		return
	}
	s.r.newContainerLocked(c.project, c.bucket)
	c.w.Header().Set("Location", "/"+c.bucket)
	c.w.WriteHeader(http.StatusOK)
}

func (s *S3) deleteBucket(c *call) {
	s.withBucket(c, func(ct *container) {
		if len(ct.objects) > 0 {
			c.fail(s3Error(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty"))
			return
		}
		s.r.dropContainerLocked(ct)
		c.w.WriteHeader(http.StatusNoContent)
	})
}

// receive writes the request body to a file once check (run under the
// lock: the bucket or upload must exist) passes, and verifies the
// Content-MD5 header when there is one; on failure it has answered.
func (s *S3) receive(c *call, check func() *core.APIError) (filePart, bool) {
	var want []byte
	if m := c.r.Header.Get("Content-Md5"); m != "" {
		var err error
		if want, err = base64.StdEncoding.DecodeString(m); err != nil || len(want) != md5.Size {
			c.fail(s3Error(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified was invalid."))
			return filePart{}, false
		}
	}
	s.r.c.Lock()
	aerr := check()
	s.r.c.Unlock()
	if aerr != nil {
		c.fail(aerr)
		return filePart{}, false
	}
	part, err := s.r.writeBlob(c.body)
	if err != nil {
		c.fail(bodyError(err))
		return filePart{}, false
	}
	if want != nil && hex.EncodeToString(want) != part.etag {
		removeFile(part)
		c.fail(s3Error(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received."))
		return filePart{}, false
	}
	return part, true
}

// s3ETag is the ETag S3 shows: quoted.
func s3ETag(o *object) string { return `"` + o.etag + `"` }

func (s *S3) putObject(c *call) {
	part, ok := s.receive(c, func() *core.APIError { _, aerr := s.bucketLocked(c); return aerr })
	if !ok {
		return
	}
	o := &object{key: c.key, size: part.size, contentType: s3ContentType(c.r.Header),
		meta: userMeta(c.r.Header, "X-Amz-Meta-"), etag: part.etag, files: []filePart{part}}
	if !s.commit(c, o, part) {
		return
	}
	c.w.Header().Set("ETag", s3ETag(o))
	c.w.WriteHeader(http.StatusOK)
}

func s3ContentType(h http.Header) string {
	if t := h.Get("Content-Type"); t != "" {
		return t
	}
	return "binary/octet-stream"
}

// bodyError is how a failed upload is answered.
// readDocument reads a request body that is a document (XML or JSON),
// of at most limit bytes; on failure it has answered the call.
func (c *call) readDocument(limit int64) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(c.body, limit))
	if err != nil {
		c.fail(bodyError(err))
		return nil, false
	}
	return body, true
}

func bodyError(err error) *core.APIError {
	switch {
	case errors.Is(err, errBadDigest):
		return s3Error(http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return s3Error(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	return s3Error(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
}

// commit stores o unless its bucket went away meanwhile.
func (s *S3) commit(c *call, o *object, files ...filePart) bool {
	s.r.c.Lock()
	defer s.r.c.Unlock()
	ct, aerr := s.bucketLocked(c)
	if aerr != nil {
		for _, f := range files {
			removeFile(f)
		}
		c.fail(aerr)
		return false
	}
	o.modified = s.r.c.Now()
	ct.putLocked(o)
	return true
}

func (s *S3) getObject(c *call) {
	s.r.c.Lock()
	ct, aerr := s.bucketLocked(c)
	var o *object
	if aerr == nil {
		if o = ct.objects[c.key]; o == nil {
			aerr = errNoSuchKey
		}
	}
	if aerr != nil {
		s.r.c.Unlock()
		c.fail(aerr)
		return
	}
	h := c.w.Header()
	etag := s3ETag(o)
	if o.dlo != "" {
		_, e := s.r.dloSizeETagLocked(c.project, o)
		etag = `"` + e + `"`
	}
	h.Set("ETag", etag)
	h.Set("Content-Type", o.contentType)
	h.Set("Accept-Ranges", "bytes")
	setMetaHeaders(h, "X-Amz-Meta-", o.meta)
	if n := len(o.files); n > 1 {
		h.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(n))
	}
	spans, err := s.r.openLocked(c.project, o)
	modified := o.modified
	s.r.c.Unlock()
	if err != nil {
		c.fail(s3Error(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again."))
		return
	}
	if rg := c.r.Header.Get("Range"); rg != "" && !rangeSatisfiable(rg, newSpansReader(spans).size) {
		closeSpans(spans)
		h.Del("ETag")
		c.fail(s3Error(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable"))
		return
	}
	s.r.serveBytes(c.w, c.r, spans, modified)
}

// rangeSatisfiable tells whether a single "bytes=a-b" range overlaps an
// object of the size (other forms are left to http.ServeContent).
func rangeSatisfiable(rg string, size int64) bool {
	spec, ok := strings.CutPrefix(rg, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return true
	}
	a, _, _ := strings.Cut(spec, "-")
	if a == "" {
		return size > 0
	}
	n, err := strconv.ParseInt(a, 10, 64)
	return err != nil || n < size
}

func (s *S3) deleteObject(c *call) {
	s.withBucket(c, func(ct *container) {
		ct.deleteLocked(c.key)
		c.w.WriteHeader(http.StatusNoContent)
	})
}

func (s *S3) copyObject(c *call) {
	src, _ := url.PathUnescape(c.r.Header.Get("X-Amz-Copy-Source"))
	src, _, _ = strings.Cut(strings.TrimPrefix(src, "/"), "?")
	sb, sk, ok := strings.Cut(src, "/")
	if !ok || sk == "" {
		c.fail(s3Error(http.StatusBadRequest, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey"))
		return
	}
	replace := c.r.Header.Get("X-Amz-Metadata-Directive") == "REPLACE"
	if sb == c.bucket && sk == c.key && !replace {
		c.fail(s3Error(http.StatusBadRequest, "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."))
		return
	}
	s.r.c.Lock()
	srcCall := *c
	srcCall.bucket = sb
	sct, aerr := s.bucketLocked(&srcCall)
	var o object
	var spans []span
	var err error
	if aerr == nil {
		if so := sct.objects[sk]; so == nil {
			aerr = errNoSuchKey
		} else {
			o = *so
			if so.slo != nil || so.dlo != "" {
				spans, err = s.r.openLocked(c.project, so)
				o.slo, o.dlo = nil, ""
			}
		}
	}
	if aerr == nil {
		_, aerr = s.bucketLocked(c)
	}
	s.r.c.Unlock()
	if aerr == nil && err != nil {
		aerr = s3Error(http.StatusInternalServerError, "InternalError", err.Error())
	}
	if aerr != nil {
		closeSpans(spans)
		c.fail(aerr)
		return
	}
	if spans != nil {
		part, err := s.r.writeBlob(newSpansReader(spans))
		closeSpans(spans)
		if err != nil {
			c.fail(bodyError(err))
			return
		}
		o.files, o.etag, o.size = []filePart{part}, part.etag, part.size
	} else if o.files, err = s.r.linkFiles(o.files); err != nil {
		c.fail(bodyError(err))
		return
	}
	o.key = c.key
	if replace {
		o.meta, o.contentType = userMeta(c.r.Header, "X-Amz-Meta-"), s3ContentType(c.r.Header)
	} else {
		o.meta = cloneMeta(o.meta)
	}
	if !s.commit(c, &o, o.files...) {
		return
	}
	c.xml(http.StatusOK, struct {
		XMLName      xml.Name `xml:"CopyObjectResult"`
		NS           string   `xml:"xmlns,attr"`
		LastModified string   `xml:"LastModified"`
		ETag         string   `xml:"ETag"`
	}{NS: s3NS, LastModified: s3Time(o.modified), ETag: s3ETag(&o)})
}

// listObjects answers ListObjectsV2 (list-type=2) and ListObjects (v1).
func (s *S3) listObjects(c *call) {
	q := c.q
	v2 := q.Get("list-type") == "2"
	maxKeys := 1000
	if m := q.Get("max-keys"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 {
			c.fail(s3Error(http.StatusBadRequest, "InvalidArgument", "Provided max-keys not an integer or within integer range"))
			return
		}
		maxKeys = min(n, 1000)
	}
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	marker := q.Get("marker")
	if v2 {
		marker = q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			k, err := base64.URLEncoding.DecodeString(tok)
			if err != nil {
				c.fail(s3Error(http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect"))
				return
			}
			marker = max(marker, string(k))
		}
	}
	enc := func(s string) string { return s }
	if q.Get("encoding-type") == "url" {
		enc = func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "%2F", "/") }
	}
	type content struct {
		Key          string `xml:"Key"`
		LastModified string `xml:"LastModified"`
		ETag         string `xml:"ETag"`
		Size         int64  `xml:"Size"`
		StorageClass string `xml:"StorageClass"`
		Owner        *owner `xml:"Owner,omitempty"`
	}
	type commonPrefix struct {
		Prefix string `xml:"Prefix"`
	}
	var out struct {
		XMLName               xml.Name       `xml:"ListBucketResult"`
		NS                    string         `xml:"xmlns,attr"`
		Name                  string         `xml:"Name"`
		Prefix                string         `xml:"Prefix"`
		Marker                *string        `xml:"Marker,omitempty"`
		NextMarker            string         `xml:"NextMarker,omitempty"`
		StartAfter            string         `xml:"StartAfter,omitempty"`
		ContinuationToken     string         `xml:"ContinuationToken,omitempty"`
		NextContinuationToken string         `xml:"NextContinuationToken,omitempty"`
		KeyCount              *int           `xml:"KeyCount,omitempty"`
		MaxKeys               int            `xml:"MaxKeys"`
		Delimiter             string         `xml:"Delimiter,omitempty"`
		EncodingType          string         `xml:"EncodingType,omitempty"`
		IsTruncated           bool           `xml:"IsTruncated"`
		Contents              []content      `xml:"Contents"`
		CommonPrefixes        []commonPrefix `xml:"CommonPrefixes"`
	}
	s.withBucket(c, func(ct *container) {
		entries, truncated := ct.listLocked(prefix, delim, marker, "", maxKeys)
		out.NS, out.Name, out.Prefix, out.MaxKeys, out.IsTruncated = s3NS, c.bucket, enc(prefix), maxKeys, truncated
		out.Delimiter, out.EncodingType = enc(delim), q.Get("encoding-type")
		for _, e := range entries {
			if e.obj == nil {
				out.CommonPrefixes = append(out.CommonPrefixes, commonPrefix{enc(e.prefix)})
				continue
			}
			o := e.obj
			item := content{Key: enc(o.key), LastModified: s3Time(o.modified), ETag: s3ETag(o), Size: o.size, StorageClass: "STANDARD"}
			if !v2 || q.Get("fetch-owner") == "true" {
				item.Owner = &owner{c.project, c.project}
			}
			out.Contents = append(out.Contents, item)
		}
		last := ""
		if len(entries) > 0 {
			last = entries[len(entries)-1].name()
		}
		if v2 {
			n := len(entries)
			out.KeyCount, out.StartAfter, out.ContinuationToken = &n, enc(q.Get("start-after")), q.Get("continuation-token")
			if truncated {
				out.NextContinuationToken = base64.URLEncoding.EncodeToString([]byte(last))
			}
		} else {
			m := enc(marker)
			out.Marker = &m
			if truncated && delim != "" {
				out.NextMarker = enc(last)
			}
		}
		c.xml(http.StatusOK, out)
	})
}
