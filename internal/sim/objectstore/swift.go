package objectstore

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Prefix is the Swift API's path prefix.
func (*Room) Prefix() string { return "swift" }

// Style is Swift's error style.
func (*Room) Style() core.ErrorStyle { return core.SwiftErrors }

// SeedLocked has nothing to seed: a provider has no objects of its own.
func (*Room) SeedLocked() error { return nil }

// S3 is the S3 face of the store.
func (r *Room) S3() *S3 { return r.s3 }

// swiftListLimit is Swift's container_listing_limit.
const swiftListLimit = 10000

// Routes registers the Swift API.
func (r *Room) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /swift/info", r.info)
	acc := r.c.Authed(core.SwiftErrors, r.account)
	mux.HandleFunc("/swift/v1/{account}", acc)
	mux.HandleFunc("/swift/v1/{account}/{$}", acc)
	mux.HandleFunc("/swift/v1/{account}/{container}", r.publicOr(true, r.container))
	mux.HandleFunc("/swift/v1/{account}/{container}/{$}", r.publicOr(true, r.container))
	mux.HandleFunc("/swift/v1/{account}/{container}/{object...}", r.publicOr(false, r.object))
}

// publicOr wraps a handler that needs a token so that anonymous GET and
// HEAD requests pass where the container's read ACL lets anyone read
// (".r:*"; listings also need ".rlistings"), as Swift's tempauth and
// keystoneauth do.
func (r *Room) publicOr(listing bool, h core.AuthedHandler) http.HandlerFunc {
	authed := r.c.Authed(core.SwiftErrors, h)
	return func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get("X-Auth-Token") == "" && (req.Method == http.MethodGet || req.Method == http.MethodHead) {
			project, _ := strings.CutPrefix(req.PathValue("account"), "AUTH_")
			r.c.Lock()
			var acl string
			if a := r.accounts[project]; a != nil && a.containers[req.PathValue("container")] != nil {
				acl = a.containers[req.PathValue("container")].read
			}
			r.c.Unlock()
			if publicRead(acl, listing) {
				h(w, req, &core.Token{ProjectID: project})
				return
			}
		}
		authed(w, req)
	}
}

// publicRead reports whether a read ACL lets anyone read (and list).
func publicRead(acl string, listing bool) bool {
	var anyone, listings bool
	for _, e := range strings.Split(acl, ",") {
		switch strings.TrimSpace(e) {
		case ".r:*":
			anyone = true
		case ".rlistings":
			listings = true
		}
	}
	return anyone && (!listing || listings)
}

func (r *Room) info(w http.ResponseWriter, _ *http.Request) {
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"swift": map[string]any{"version": "2.33.0", "max_file_size": int64(5) << 30,
			"container_listing_limit": swiftListLimit, "account_listing_limit": swiftListLimit,
			"max_meta_name_length": 128, "max_meta_value_length": 256, "max_object_name_length": 1024},
		"slo":         map[string]any{"max_manifest_segments": 1000, "max_manifest_size": 8388608, "min_segment_size": 1},
		"dlo":         map[string]any{"max_segments": 10000},
		"s3api":       map[string]any{"max_upload_part_num": 10000, "max_parts_listing": 1000, "s3_acl": false},
		"bulk_delete": map[string]any{"max_deletes_per_request": 10000},
		// S3 versioning, as Swift's allow_object_versioning offers it
		// (the simulator keeps the flag, not the versions).
		"object_versioning": map[string]any{},
	})
}

var (
	swiftNotFound = core.SwiftErrors.Errorf(http.StatusNotFound, "The resource could not be found.")
	swiftConflict = core.SwiftErrors.Errorf(http.StatusConflict, "There was a conflict when trying to complete your request.")
)

// swiftAccess checks the account of the path against the token.
func (r *Room) swiftAccess(w http.ResponseWriter, req *http.Request, tok *core.Token) bool {
	if req.PathValue("account") != "AUTH_"+tok.ProjectID {
		core.SwiftErrors.Write(w, http.StatusForbidden, "Access was denied to this resource.")
		return false
	}
	return true
}

func swiftTimestamp(t time.Time) string {
	return fmt.Sprintf("%d.%05d", t.Unix(), t.Nanosecond()/10000)
}

func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// listTime is how Swift lists last_modified.
func listTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000") }

func setMetaHeaders(h http.Header, prefix string, meta map[string]string) {
	for k, v := range meta {
		h.Set(prefix+k, v)
	}
}

// updateMeta applies X-<Kind>-Meta-* and X-Remove-<Kind>-Meta-* headers.
func updateMeta(meta map[string]string, h http.Header, kind string) {
	for k, v := range userMeta(h, "X-"+kind+"-Meta-") {
		if v == "" {
			delete(meta, k)
		} else {
			meta[k] = v
		}
	}
	for k := range userMeta(h, "X-Remove-"+kind+"-Meta-") {
		delete(meta, k)
	}
}

func listParams(q map[string][]string) (limit int, ok bool) {
	limit = swiftListLimit
	if l := first(q["limit"]); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 || n > swiftListLimit {
			return 0, false
		}
		limit = n
	}
	return limit, true
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// wantJSON reports whether a listing is asked for as JSON.
func wantJSON(req *http.Request) bool {
	f := req.URL.Query().Get("format")
	return f == "json" || (f == "" && strings.Contains(req.Header.Get("Accept"), "application/json"))
}

// writeListing answers a listing: JSON documents or plain names.
func writeListing(w http.ResponseWriter, req *http.Request, docs []map[string]any, names []string) {
	if wantJSON(req) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		body, _ := json.Marshal(core.OrEmpty(docs))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if req.Method != http.MethodHead {
			w.Write(body)
		}
		return
	}
	if len(names) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body := strings.Join(names, "\n") + "\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if req.Method != http.MethodHead {
		io.WriteString(w, body)
	}
}

func (r *Room) account(w http.ResponseWriter, req *http.Request, tok *core.Token) {
	if !r.swiftAccess(w, req, tok) {
		return
	}
	r.c.Lock()
	defer r.c.Unlock()
	a := r.accountLocked(tok.ProjectID)
	switch req.Method {
	case http.MethodPost:
		updateMeta(a.meta, req.Header, "Account")
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodGet, http.MethodHead:
	default:
		core.SwiftErrors.Write(w, http.StatusMethodNotAllowed, "The method is not allowed for this resource.")
		return
	}
	nc, no, nb := a.usage()
	h := w.Header()
	h.Set("X-Account-Container-Count", strconv.FormatInt(nc, 10))
	h.Set("X-Account-Object-Count", strconv.FormatInt(no, 10))
	h.Set("X-Account-Bytes-Used", strconv.FormatInt(nb, 10))
	h.Set("X-Account-Storage-Policy-Policy-0-Container-Count", strconv.FormatInt(nc, 10))
	h.Set("X-Timestamp", swiftTimestamp(r.c.Now()))
	setMetaHeaders(h, "X-Account-Meta-", a.meta)
	if req.Method == http.MethodHead {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := req.URL.Query()
	limit, ok := listParams(q)
	if !ok {
		core.SwiftErrors.Write(w, http.StatusPreconditionFailed, "Maximum limit is 10000")
		return
	}
	var names []string
	for n := range a.containers {
		names = append(names, n)
	}
	sortStrings(names)
	var docs []map[string]any
	var out []string
	prefix, marker, end := q.Get("prefix"), q.Get("marker"), q.Get("end_marker")
	for _, n := range names {
		if n <= marker || !strings.HasPrefix(n, prefix) || (end != "" && n >= end) {
			continue
		}
		if len(out) == limit {
			break
		}
		ct := a.containers[n]
		cn, cb := ct.usage()
		out = append(out, n)
		docs = append(docs, map[string]any{"name": n, "count": cn, "bytes": cb, "last_modified": listTime(ct.created)})
	}
	writeListing(w, req, docs, out)
}

func (r *Room) container(w http.ResponseWriter, req *http.Request, tok *core.Token) {
	if !r.swiftAccess(w, req, tok) {
		return
	}
	name := req.PathValue("container")
	if len(name) > 256 || strings.Contains(name, "/") {
		core.SwiftErrors.Write(w, http.StatusBadRequest, "Container name length of 256 longer than 256")
		return
	}
	r.c.Lock()
	defer r.c.Unlock()
	ct := r.containerLocked(tok.ProjectID, name)
	switch req.Method {
	case http.MethodPut:
		status := http.StatusAccepted
		if ct == nil {
			ct, status = r.newContainerLocked(tok.ProjectID, name), http.StatusCreated
		}
		r.setContainerHeaders(ct, req.Header)
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(status)
		return
	case http.MethodPost:
		if ct == nil {
			swiftNotFound.Write(w)
			return
		}
		r.setContainerHeaders(ct, req.Header)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodDelete:
		switch {
		case ct == nil:
			swiftNotFound.Write(w)
		case len(ct.objects) > 0:
			swiftConflict.Write(w)
		default:
			r.dropContainerLocked(ct)
			w.WriteHeader(http.StatusNoContent)
		}
		return
	case http.MethodGet, http.MethodHead:
	default:
		core.SwiftErrors.Write(w, http.StatusMethodNotAllowed, "The method is not allowed for this resource.")
		return
	}
	if ct == nil {
		swiftNotFound.Write(w)
		return
	}
	n, b := ct.usage()
	h := w.Header()
	h.Set("X-Container-Object-Count", strconv.FormatInt(n, 10))
	h.Set("X-Container-Bytes-Used", strconv.FormatInt(b, 10))
	h.Set("X-Timestamp", swiftTimestamp(ct.created))
	h.Set("X-Storage-Policy", "Policy-0")
	h.Set("Last-Modified", httpDate(ct.created))
	if ct.read != "" {
		h.Set("X-Container-Read", ct.read)
	}
	if ct.write != "" {
		h.Set("X-Container-Write", ct.write)
	}
	if ct.versioning == "Enabled" {
		h.Set("X-Versions-Enabled", "True")
	}
	setMetaHeaders(h, "X-Container-Meta-", ct.meta)
	if req.Method == http.MethodHead {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := req.URL.Query()
	limit, ok := listParams(q)
	if !ok {
		core.SwiftErrors.Write(w, http.StatusPreconditionFailed, "Maximum limit is 10000")
		return
	}
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	if p := q.Get("path"); p != "" && prefix == "" {
		prefix, delim = strings.TrimSuffix(p, "/")+"/", "/"
	}
	entries, _ := ct.listLocked(prefix, delim, q.Get("marker"), q.Get("end_marker"), limit)
	var docs []map[string]any
	var names []string
	for _, e := range entries {
		names = append(names, e.name())
		if e.obj == nil {
			docs = append(docs, map[string]any{"subdir": e.prefix})
			continue
		}
		o := e.obj
		size, etag := o.size, o.etag
		if o.dlo != "" {
			size, etag = 0, o.etag
		}
		docs = append(docs, map[string]any{"name": o.key, "bytes": size, "hash": etag,
			"content_type": o.contentType, "last_modified": listTime(o.modified)})
	}
	writeListing(w, req, docs, names)
}

func (r *Room) dropContainerLocked(ct *container) {
	for _, u := range ct.uploads {
		u.removeFiles()
	}
	delete(r.accountLocked(ct.project).containers, ct.name)
}

func (r *Room) setContainerHeaders(ct *container, h http.Header) {
	updateMeta(ct.meta, h, "Container")
	if v, ok := h["X-Container-Read"]; ok {
		ct.read = first(v)
	}
	if v, ok := h["X-Container-Write"]; ok {
		ct.write = first(v)
	}
	if _, ok := h["X-Remove-Container-Read"]; ok {
		ct.read = ""
	}
	if _, ok := h["X-Remove-Container-Write"]; ok {
		ct.write = ""
	}
	if v := h.Get("X-Versions-Enabled"); v != "" {
		if b, _ := strconv.ParseBool(v); b {
			ct.versioning = "Enabled"
		} else if ct.versioning != "" {
			ct.versioning = "Suspended"
		}
	}
}

// contentType is the type an upload declares, or the one guessed from
// the name as Swift does.
func contentType(h http.Header, key string) string {
	if ct := h.Get("Content-Type"); ct != "" && h.Get("X-Detect-Content-Type") != "true" {
		return ct
	}
	if t := mime.TypeByExtension(path.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func (r *Room) object(w http.ResponseWriter, req *http.Request, tok *core.Token) {
	if !r.swiftAccess(w, req, tok) {
		return
	}
	cname, key := req.PathValue("container"), req.PathValue("object")
	if len(key) > 1024 {
		core.SwiftErrors.Write(w, http.StatusBadRequest, "Object name length of 1025 longer than 1024")
		return
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		r.swiftGet(w, req, tok.ProjectID, cname, key)
	case http.MethodPut:
		switch {
		case req.URL.Query().Get("multipart-manifest") == "put":
			r.swiftPutSLO(w, req, tok.ProjectID, cname, key)
		case req.Header.Get("X-Copy-From") != "":
			src := strings.TrimPrefix(req.Header.Get("X-Copy-From"), "/")
			r.swiftCopy(w, req, tok.ProjectID, src, cname+"/"+key)
		default:
			r.swiftPut(w, req, tok.ProjectID, cname, key)
		}
	case "COPY":
		dst := strings.TrimPrefix(req.Header.Get("Destination"), "/")
		if !strings.Contains(dst, "/") {
			core.SwiftErrors.Write(w, http.StatusPreconditionFailed, "Bad URL in Destination header")
			return
		}
		r.swiftCopy(w, req, tok.ProjectID, cname+"/"+key, dst)
	case http.MethodPost:
		r.swiftPost(w, req, tok.ProjectID, cname, key)
	case http.MethodDelete:
		r.swiftDelete(w, req, tok.ProjectID, cname, key)
	default:
		core.SwiftErrors.Write(w, http.StatusMethodNotAllowed, "The method is not allowed for this resource.")
	}
}

func (r *Room) swiftGet(w http.ResponseWriter, req *http.Request, project, cname, key string) {
	r.c.Lock()
	ct := r.containerLocked(project, cname)
	var o *object
	if ct != nil {
		o = ct.objects[key]
	}
	if o == nil {
		r.c.Unlock()
		swiftNotFound.Write(w)
		return
	}
	h := w.Header()
	etag := o.swiftETag()
	if o.dlo != "" {
		_, e := r.dloSizeETagLocked(project, o)
		etag = `"` + e + `"`
		h.Set("X-Object-Manifest", o.dlo)
	}
	if o.slo != nil {
		h.Set("X-Static-Large-Object", "True")
		if req.URL.Query().Get("multipart-manifest") == "get" {
			var docs []map[string]any
			for _, s := range o.slo {
				seg := r.segmentLocked(project, s.Path)
				d := map[string]any{"name": s.Path, "hash": s.Etag, "bytes": s.Size, "content_type": "application/octet-stream"}
				if seg != nil {
					d["content_type"], d["last_modified"] = seg.contentType, listTime(seg.modified)
				}
				docs = append(docs, d)
			}
			r.c.Unlock()
			body, _ := json.Marshal(docs)
			sum := md5.Sum(body)
			h.Set("ETag", hex.EncodeToString(sum[:]))
			h.Set("Content-Type", "application/json; charset=utf-8")
			h.Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			if req.Method == http.MethodGet {
				w.Write(body)
			}
			return
		}
	}
	h.Set("ETag", etag)
	h.Set("Content-Type", o.contentType)
	h.Set("X-Timestamp", swiftTimestamp(o.modified))
	h.Set("Accept-Ranges", "bytes")
	setMetaHeaders(h, "X-Object-Meta-", o.meta)
	spans, err := r.openLocked(project, o)
	modified := o.modified
	r.c.Unlock()
	if err != nil {
		core.SwiftErrors.Write(w, http.StatusConflict, "Large object segment missing: "+err.Error())
		return
	}
	r.serveBytes(w, req, spans, modified)
}

// checkContainer answers 404 unless the container exists.
func (r *Room) haveContainer(w http.ResponseWriter, project, cname string) bool {
	r.c.Lock()
	defer r.c.Unlock()
	if r.containerLocked(project, cname) == nil {
		swiftNotFound.Write(w)
		return false
	}
	return true
}

func (r *Room) swiftPut(w http.ResponseWriter, req *http.Request, project, cname, key string) {
	if !r.haveContainer(w, project, cname) {
		return
	}
	part, err := r.writeBlob(req.Body)
	if err != nil {
		core.SwiftErrors.Write(w, http.StatusInternalServerError, "write failed: "+err.Error())
		return
	}
	if want := strings.Trim(req.Header.Get("ETag"), `"`); want != "" && !strings.EqualFold(want, part.etag) {
		removeFile(part)
		core.SwiftErrors.Write(w, http.StatusUnprocessableEntity, "Unable to process the contained instructions")
		return
	}
	o := &object{key: key, size: part.size, contentType: contentType(req.Header, key),
		meta: userMeta(req.Header, "X-Object-Meta-"), etag: part.etag, files: []filePart{part}}
	if m := req.Header.Get("X-Object-Manifest"); m != "" {
		o.dlo = strings.TrimPrefix(m, "/")
	}
	if !r.commit(w, project, cname, o, part) {
		return
	}
	w.Header().Set("ETag", o.etag)
	w.Header().Set("Last-Modified", httpDate(o.modified))
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusCreated)
}

func removeFile(p filePart) { _ = removePath(p.path) }

// commit stores o (whose files are written) unless the container went
// away meanwhile.
func (r *Room) commit(w http.ResponseWriter, project, cname string, o *object, files ...filePart) bool {
	r.c.Lock()
	defer r.c.Unlock()
	ct := r.containerLocked(project, cname)
	if ct == nil {
		for _, f := range files {
			removeFile(f)
		}
		swiftNotFound.Write(w)
		return false
	}
	o.modified = r.c.Now()
	ct.putLocked(o)
	return true
}

// copyLocked makes a copy of the object at src ("container/key") named
// key; meta replaces the source's metadata when fresh, else adds to it.
// The files are linked after the lock is released (by finish).
func (r *Room) copySourceLocked(project, src string) (*object, *core.APIError) {
	cname, key, _ := strings.Cut(src, "/")
	ct := r.containerLocked(project, cname)
	if ct == nil || ct.objects[key] == nil {
		return nil, swiftNotFound
	}
	return ct.objects[key], nil
}

func (r *Room) swiftCopy(w http.ResponseWriter, req *http.Request, project, src, dst string) {
	r.c.Lock()
	so, aerr := r.copySourceLocked(project, src)
	var o object
	var spans []span
	var err error
	if aerr == nil {
		o = *so
		if so.slo != nil || so.dlo != "" {
			// Swift copies the assembled bytes of a large object.
			spans, err = r.openLocked(project, so)
			o.slo, o.dlo = nil, ""
		}
	}
	r.c.Unlock()
	if aerr != nil {
		aerr.Write(w)
		return
	}
	if err != nil {
		core.SwiftErrors.Write(w, http.StatusConflict, err.Error())
		return
	}
	dcname, dkey, _ := strings.Cut(dst, "/")
	if !r.haveContainer(w, project, dcname) {
		closeSpans(spans)
		return
	}
	if spans != nil {
		part, err := r.writeBlob(newSpansReader(spans))
		closeSpans(spans)
		if err != nil {
			core.SwiftErrors.Write(w, http.StatusInternalServerError, err.Error())
			return
		}
		o.files, o.etag, o.size = []filePart{part}, part.etag, part.size
	} else if o.files, err = r.linkFiles(o.files); err != nil {
		core.SwiftErrors.Write(w, http.StatusInternalServerError, err.Error())
		return
	}
	o.key = dkey
	if req.Header.Get("X-Fresh-Metadata") == "true" {
		o.meta = map[string]string{}
	} else {
		o.meta = cloneMeta(o.meta)
	}
	updateMeta(o.meta, req.Header, "Object")
	if ctype := req.Header.Get("Content-Type"); ctype != "" {
		o.contentType = ctype
	}
	srcModified := so.modified
	if !r.commit(w, project, dcname, &o, o.files...) {
		return
	}
	w.Header().Set("ETag", o.etag)
	w.Header().Set("X-Copied-From", src)
	w.Header().Set("X-Copied-From-Last-Modified", httpDate(srcModified))
	w.Header().Set("Last-Modified", httpDate(o.modified))
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusCreated)
}

func (r *Room) swiftPost(w http.ResponseWriter, req *http.Request, project, cname, key string) {
	r.c.Lock()
	defer r.c.Unlock()
	ct := r.containerLocked(project, cname)
	if ct == nil || ct.objects[key] == nil {
		swiftNotFound.Write(w)
		return
	}
	o := ct.objects[key]
	// POST replaces all user metadata (Swift's fast-POST).
	o.meta = map[string]string{}
	updateMeta(o.meta, req.Header, "Object")
	if c := req.Header.Get("Content-Type"); c != "" {
		o.contentType = c
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusAccepted)
}

func (r *Room) swiftDelete(w http.ResponseWriter, req *http.Request, project, cname, key string) {
	r.c.Lock()
	defer r.c.Unlock()
	ct := r.containerLocked(project, cname)
	if ct == nil || ct.objects[key] == nil {
		swiftNotFound.Write(w)
		return
	}
	o := ct.objects[key]
	if req.URL.Query().Get("multipart-manifest") == "delete" && o.slo != nil {
		for _, s := range o.slo {
			scname, skey, _ := strings.Cut(strings.TrimPrefix(s.Path, "/"), "/")
			if sct := r.containerLocked(project, scname); sct != nil {
				sct.deleteLocked(skey)
			}
		}
	}
	ct.deleteLocked(key)
	w.WriteHeader(http.StatusNoContent)
}

// swiftPutSLO stores a Static Large Object manifest.
func (r *Room) swiftPutSLO(w http.ResponseWriter, req *http.Request, project, cname, key string) {
	var segs []sloSegment
	body, err := io.ReadAll(io.LimitReader(req.Body, 8<<20))
	if err == nil {
		err = json.Unmarshal(body, &segs)
	}
	if err != nil || len(segs) == 0 {
		core.SwiftErrors.Write(w, http.StatusBadRequest, "Manifest must be valid JSON.")
		return
	}
	r.c.Lock()
	defer r.c.Unlock()
	ct := r.containerLocked(project, cname)
	if ct == nil {
		swiftNotFound.Write(w)
		return
	}
	var problems []string
	h := md5.New()
	var size int64
	for i, s := range segs {
		seg := r.segmentLocked(project, s.Path)
		switch {
		case seg == nil:
			problems = append(problems, fmt.Sprintf("%s, 404 Not Found", s.Path))
			continue
		case s.Etag != "" && strings.Trim(s.Etag, `"`) != seg.etag:
			problems = append(problems, fmt.Sprintf("%s, Etag Mismatch", s.Path))
		case s.Size != 0 && s.Size != seg.size:
			problems = append(problems, fmt.Sprintf("%s, Size Mismatch", s.Path))
		}
		segs[i].Etag, segs[i].Size = seg.etag, seg.size
		io.WriteString(h, seg.etag)
		size += seg.size
	}
	if len(problems) > 0 {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "Errors:\n%s", strings.Join(problems, "\n"))
		return
	}
	etag := hex.EncodeToString(h.Sum(nil))
	if want := strings.Trim(req.Header.Get("ETag"), `"`); want != "" && want != etag {
		core.SwiftErrors.Write(w, http.StatusUnprocessableEntity, "Unable to process the contained instructions")
		return
	}
	o := &object{key: key, size: size, contentType: contentType(req.Header, key),
		meta: userMeta(req.Header, "X-Object-Meta-"), etag: etag, slo: segs, modified: r.c.Now()}
	ct.putLocked(o)
	w.Header().Set("ETag", `"`+etag+`"`)
	w.Header().Set("Last-Modified", httpDate(o.modified))
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusCreated)
}
