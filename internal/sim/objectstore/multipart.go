package objectstore

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// S3 multipart uploads: parts are files of their own; completing an
// upload makes an object of the listed parts (no bytes are copied) with
// the ETag md5(concatenated binary part MD5s)-N.

// upload is an S3 multipart upload in progress.
type upload struct {
	id, key     string
	initiated   time.Time
	contentType string
	meta        map[string]string
	parts       map[int]uploadPart
}

type uploadPart struct {
	filePart
	modified time.Time
}

func (u *upload) removeFiles() {
	for _, p := range u.parts {
		os.Remove(p.path)
	}
}

const (
	minPartSize = 5 << 20
	maxParts    = 10000
)

var errNoSuchUpload = s3Error(http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")

// uploadLocked finds the upload the call's uploadId names.
func (s *S3) uploadLocked(c *call) (*container, *upload, *core.APIError) {
	ct, aerr := s.bucketLocked(c)
	if aerr != nil {
		return nil, nil, aerr
	}
	u := ct.uploads[c.q.Get("uploadId")]
	if u == nil || u.key != c.key {
		return nil, nil, errNoSuchUpload
	}
	return ct, u, nil
}

func (s *S3) createUpload(c *call) {
	s.withBucket(c, func(ct *container) {
		u := &upload{id: strings.ReplaceAll(core.NewID(), "-", ""), key: c.key, initiated: s.r.c.Now(),
			contentType: s3ContentType(c.r.Header), meta: userMeta(c.r.Header, "X-Amz-Meta-"), parts: map[int]uploadPart{}}
		ct.uploads[u.id] = u
		c.xml(http.StatusOK, struct {
			XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
			NS       string   `xml:"xmlns,attr"`
			Bucket   string   `xml:"Bucket"`
			Key      string   `xml:"Key"`
			UploadID string   `xml:"UploadId"`
		}{NS: s3NS, Bucket: c.bucket, Key: c.key, UploadID: u.id})
	})
}

func (s *S3) uploadPart(c *call) {
	n, err := strconv.Atoi(c.q.Get("partNumber"))
	if err != nil || n < 1 || n > maxParts {
		c.fail(s3Error(http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"))
		return
	}
	part, ok := s.receive(c, func() *core.APIError { _, _, aerr := s.uploadLocked(c); return aerr })
	if !ok {
		return
	}
	s.r.c.Lock()
	defer s.r.c.Unlock()
	_, u, aerr := s.uploadLocked(c)
	if aerr != nil {
		removeFile(part)
		c.fail(aerr)
		return
	}
	if old, ok := u.parts[n]; ok {
		os.Remove(old.path)
	}
	u.parts[n] = uploadPart{part, s.r.c.Now()}
	c.w.Header().Set("ETag", `"`+part.etag+`"`)
	c.w.WriteHeader(http.StatusOK)
}

func (s *S3) completeUpload(c *call) {
	var req struct {
		Parts []struct {
			PartNumber int    `xml:"PartNumber"`
			ETag       string `xml:"ETag"`
		} `xml:"Part"`
	}
	body, ok := c.readDocument(4 << 20)
	if !ok {
		return
	}
	if xml.Unmarshal(body, &req) != nil || len(req.Parts) == 0 {
		c.fail(errMalformedXML)
		return
	}
	s.r.c.Lock()
	defer s.r.c.Unlock()
	ct, u, aerr := s.uploadLocked(c)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	h := md5.New()
	var files []filePart
	var size int64
	for i := 1; i < len(req.Parts); i++ {
		if req.Parts[i].PartNumber <= req.Parts[i-1].PartNumber {
			c.fail(s3Error(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number."))
			return
		}
	}
	for i, p := range req.Parts {
		up, ok := u.parts[p.PartNumber]
		if !ok || strings.Trim(p.ETag, `"`) != up.etag {
			c.fail(s3Error(http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag."))
			return
		}
		if i < len(req.Parts)-1 && up.size < minPartSize {
			c.fail(s3Error(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size."))
			return
		}
		sum, _ := hex.DecodeString(up.etag)
		h.Write(sum)
		files = append(files, up.filePart)
		size += up.size
	}
	for _, p := range req.Parts {
		delete(u.parts, p.PartNumber)
	}
	u.removeFiles() // the parts not listed
	delete(ct.uploads, u.id)
	o := &object{key: c.key, size: size, contentType: u.contentType, meta: u.meta, modified: s.r.c.Now(),
		etag: fmt.Sprintf("%s-%d", hex.EncodeToString(h.Sum(nil)), len(files)), files: files}
	ct.putLocked(o)
	c.xml(http.StatusOK, struct {
		XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
		NS       string   `xml:"xmlns,attr"`
		Location string   `xml:"Location"`
		Bucket   string   `xml:"Bucket"`
		Key      string   `xml:"Key"`
		ETag     string   `xml:"ETag"`
	}{NS: s3NS, Location: s.r.c.URL() + "/" + c.bucket + "/" + c.key, Bucket: c.bucket, Key: c.key, ETag: s3ETag(o)})
}

func (s *S3) abortUpload(c *call) {
	s.r.c.Lock()
	defer s.r.c.Unlock()
	ct, u, aerr := s.uploadLocked(c)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	u.removeFiles()
	delete(ct.uploads, u.id)
	c.w.WriteHeader(http.StatusNoContent)
}

func (s *S3) listUploads(c *call) {
	type up struct {
		Key          string `xml:"Key"`
		UploadID     string `xml:"UploadId"`
		Initiator    owner  `xml:"Initiator"`
		Owner        owner  `xml:"Owner"`
		StorageClass string `xml:"StorageClass"`
		Initiated    string `xml:"Initiated"`
	}
	s.withBucket(c, func(ct *container) {
		prefix := c.q.Get("prefix")
		var ups []up
		for _, u := range ct.uploads {
			if strings.HasPrefix(u.key, prefix) {
				o := owner{c.project, c.project}
				ups = append(ups, up{u.key, u.id, o, o, "STANDARD", s3Time(u.initiated)})
			}
		}
		sort.Slice(ups, func(i, j int) bool {
			return ups[i].Key < ups[j].Key || ups[i].Key == ups[j].Key && ups[i].Initiated < ups[j].Initiated
		})
		c.xml(http.StatusOK, struct {
			XMLName        xml.Name `xml:"ListMultipartUploadsResult"`
			NS             string   `xml:"xmlns,attr"`
			Bucket         string   `xml:"Bucket"`
			KeyMarker      string   `xml:"KeyMarker"`
			UploadIDMarker string   `xml:"UploadIdMarker"`
			Prefix         string   `xml:"Prefix"`
			MaxUploads     int      `xml:"MaxUploads"`
			IsTruncated    bool     `xml:"IsTruncated"`
			Uploads        []up     `xml:"Upload"`
		}{NS: s3NS, Bucket: c.bucket, Prefix: prefix, MaxUploads: 1000, Uploads: ups})
	})
}

func (s *S3) listParts(c *call) {
	type part struct {
		PartNumber   int    `xml:"PartNumber"`
		LastModified string `xml:"LastModified"`
		ETag         string `xml:"ETag"`
		Size         int64  `xml:"Size"`
	}
	maxParts := 1000
	if m := c.q.Get("max-parts"); m != "" {
		if n, err := strconv.Atoi(m); err == nil && n >= 0 {
			maxParts = min(n, 1000)
		}
	}
	marker, _ := strconv.Atoi(c.q.Get("part-number-marker"))
	s.r.c.Lock()
	defer s.r.c.Unlock()
	_, u, aerr := s.uploadLocked(c)
	if aerr != nil {
		c.fail(aerr)
		return
	}
	var nums []int
	for n := range u.parts {
		if n > marker {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	truncated := len(nums) > maxParts
	if truncated {
		nums = nums[:maxParts]
	}
	var parts []part
	next := 0
	for _, n := range nums {
		p := u.parts[n]
		parts = append(parts, part{n, s3Time(p.modified), `"` + p.etag + `"`, p.size})
		next = n
	}
	o := owner{c.project, c.project}
	c.xml(http.StatusOK, struct {
		XMLName              xml.Name `xml:"ListPartsResult"`
		NS                   string   `xml:"xmlns,attr"`
		Bucket               string   `xml:"Bucket"`
		Key                  string   `xml:"Key"`
		UploadID             string   `xml:"UploadId"`
		Initiator            owner    `xml:"Initiator"`
		Owner                owner    `xml:"Owner"`
		StorageClass         string   `xml:"StorageClass"`
		PartNumberMarker     int      `xml:"PartNumberMarker"`
		NextPartNumberMarker int      `xml:"NextPartNumberMarker"`
		MaxParts             int      `xml:"MaxParts"`
		IsTruncated          bool     `xml:"IsTruncated"`
		Parts                []part   `xml:"Part"`
	}{NS: s3NS, Bucket: c.bucket, Key: c.key, UploadID: u.id, Initiator: o, Owner: o, StorageClass: "STANDARD",
		PartNumberMarker: marker, NextPartNumberMarker: next, MaxParts: maxParts, IsTruncated: truncated, Parts: parts})
}

// deleteObjects answers DeleteObjects (POST ?delete).
func (s *S3) deleteObjects(c *call) {
	var req struct {
		Quiet   bool `xml:"Quiet"`
		Objects []struct {
			Key string `xml:"Key"`
		} `xml:"Object"`
	}
	body, ok := c.readDocument(4 << 20)
	if !ok {
		return
	}
	if m := c.r.Header.Get("Content-Md5"); m != "" {
		sum := md5.Sum(body)
		if base64.StdEncoding.EncodeToString(sum[:]) != m {
			c.fail(s3Error(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received."))
			return
		}
	}
	if xml.Unmarshal(body, &req) != nil || len(req.Objects) > 1000 {
		c.fail(errMalformedXML)
		return
	}
	type deleted struct {
		Key string `xml:"Key"`
	}
	s.withBucket(c, func(ct *container) {
		var out []deleted
		for _, o := range req.Objects {
			ct.deleteLocked(o.Key)
			if !req.Quiet {
				out = append(out, deleted{o.Key})
			}
		}
		c.xml(http.StatusOK, struct {
			XMLName xml.Name  `xml:"DeleteResult"`
			NS      string    `xml:"xmlns,attr"`
			Deleted []deleted `xml:"Deleted"`
		}{NS: s3NS, Deleted: out})
	})
}
