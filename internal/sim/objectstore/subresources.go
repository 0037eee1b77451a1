package objectstore

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
)

// Bucket sub-resources: versioning is a flag (objects keep no versions);
// policy, CORS, lifecycle and tagging are documents kept as given.

// docKinds are the stored documents: the query key, the error when
// there is none, and whether the body is JSON (else XML).
var docKinds = []struct {
	key, code, msg string
	json           bool
	putStatus      int
}{
	{"policy", "NoSuchBucketPolicy", "The bucket policy does not exist", true, http.StatusNoContent},
	{"cors", "NoSuchCORSConfiguration", "The CORS configuration does not exist", false, http.StatusOK},
	{"lifecycle", "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", false, http.StatusOK},
	{"tagging", "NoSuchTagSet", "The TagSet does not exist", false, http.StatusNoContent},
}

var errMalformedXML = s3Error(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")

// subresource answers a bucket sub-resource request; it reports false
// when the request names none.
func (s *S3) subresource(c *call) bool {
	q := c.q
	switch {
	case q.Has("versioning"):
		s.versioning(c)
	case q.Has("object-lock"):
		s.withBucket(c, func(*container) {
			if c.r.Method == http.MethodPut {
				c.fail(s3Error(http.StatusConflict, "InvalidBucketState", "Object Lock configuration cannot be enabled on existing buckets"))
				return
			}
			c.fail(s3Error(http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket"))
		})
	case q.Has("acl") && c.r.Method == http.MethodGet:
		s.withBucket(c, func(*container) {
			type grant struct {
				Grantee struct {
					XSI  string `xml:"xmlns:xsi,attr"`
					Type string `xml:"xsi:type,attr"`
					owner
				} `xml:"Grantee"`
				Permission string `xml:"Permission"`
			}
			g := grant{Permission: "FULL_CONTROL"}
			g.Grantee.XSI, g.Grantee.Type, g.Grantee.owner = "http://www.w3.org/2001/XMLSchema-instance", "CanonicalUser", owner{c.project, c.project}
			c.xml(http.StatusOK, struct {
				XMLName xml.Name `xml:"AccessControlPolicy"`
				NS      string   `xml:"xmlns,attr"`
				Owner   owner    `xml:"Owner"`
				Grants  []grant  `xml:"AccessControlList>Grant"`
			}{NS: s3NS, Owner: owner{c.project, c.project}, Grants: []grant{g}})
		})
	default:
		for _, k := range docKinds {
			if q.Has(k.key) {
				s.document(c, k.key, k.code, k.msg, k.json, k.putStatus)
				return true
			}
		}
		return false
	}
	return true
}

func (s *S3) versioning(c *call) {
	switch c.r.Method {
	case http.MethodPut:
		var req struct {
			Status string `xml:"Status"`
		}
		body, err := io.ReadAll(io.LimitReader(c.body, 1<<20))
		if err != nil {
			c.fail(bodyError(err))
			return
		}
		if xml.Unmarshal(body, &req) != nil || (req.Status != "Enabled" && req.Status != "Suspended") {
			c.fail(errMalformedXML)
			return
		}
		s.withBucket(c, func(ct *container) {
			ct.versioning = req.Status
			c.w.WriteHeader(http.StatusOK)
		})
	case http.MethodGet:
		s.withBucket(c, func(ct *container) {
			c.xml(http.StatusOK, struct {
				XMLName xml.Name `xml:"VersioningConfiguration"`
				NS      string   `xml:"xmlns,attr"`
				Status  string   `xml:"Status,omitempty"`
			}{NS: s3NS, Status: ct.versioning})
		})
	default:
		c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
	}
}

// document answers PUT, GET and DELETE of a stored bucket document.
func (s *S3) document(c *call, key, code, msg string, isJSON bool, putStatus int) {
	switch c.r.Method {
	case http.MethodPut:
		body, err := io.ReadAll(io.LimitReader(c.body, 1<<20))
		if err != nil {
			c.fail(bodyError(err))
			return
		}
		if isJSON && !json.Valid(body) {
			c.fail(s3Error(http.StatusBadRequest, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"))
			return
		}
		if !isJSON && xml.Unmarshal(body, new(struct{})) != nil {
			c.fail(errMalformedXML)
			return
		}
		s.withBucket(c, func(ct *container) {
			ct.docs[key] = body
			c.w.WriteHeader(putStatus)
		})
	case http.MethodGet:
		s.withBucket(c, func(ct *container) {
			doc, ok := ct.docs[key]
			if !ok {
				c.fail(s3Error(http.StatusNotFound, code, msg))
				return
			}
			ctype := "application/xml"
			if isJSON {
				ctype = "application/json"
			}
			c.w.Header().Set("Content-Type", ctype)
			c.w.WriteHeader(http.StatusOK)
			c.w.Write(doc)
		})
	case http.MethodDelete:
		s.withBucket(c, func(ct *container) {
			delete(ct.docs, key)
			c.w.WriteHeader(http.StatusNoContent)
		})
	default:
		c.fail(s3Error(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource."))
	}
}
