package objectstore

import (
	"encoding/xml"
	"net/http"
)

// Bucket sub-resources as Swift 2.30's s3api has them: versioning is a
// flag (objects keep no versions); an ACL reads as the owner's full
// control; tagging reads as an empty tag set and cannot be set; CORS,
// policies, websites, notifications, payment and torrents are not
// implemented. Lifecycle and object-lock configurations are no
// sub-resources of s3api: such requests are taken as plain bucket
// requests (a GET lists the bucket, a PUT is a bucket creation whose body
// is no CreateBucketConfiguration: MalformedXML).

var errMalformedXML = s3Error(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")

// unsupported are the sub-resources s3api answers with 501, for buckets
// and objects, whatever the method.
var unsupported = []string{"notification", "policy", "requestPayment", "torrent", "website", "cors", "restore"}

// unsupportedCall answers a request for an unimplemented sub-resource;
// it reports false when the request names none. s3api picks these
// controllers after the ones it implements.
func (s *S3) unsupportedCall(c *call) bool {
	for _, k := range []string{"acl", "delete", "location", "logging", "partNumber", "uploadId", "uploads", "versioning", "tagging"} {
		if c.q.Has(k) {
			return false
		}
	}
	for _, k := range unsupported {
		if c.q.Has(k) {
			c.fail(errNotImplemented)
			return true
		}
	}
	return false
}

// subresource answers a bucket sub-resource request; it reports false
// when the request names none.
func (s *S3) subresource(c *call) bool {
	q := c.q
	switch {
	case q.Has("versioning"):
		s.versioning(c)
	case q.Has("tagging"):
		s.tagging(c)
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
		return false
	}
	return true
}

// tagging answers ?tagging of a bucket or an object: s3api's
// TaggingController reads an empty tag set and refuses to set one.
func (s *S3) tagging(c *call) {
	if c.r.Method != http.MethodGet {
		c.fail(errNotImplemented)
		return
	}
	s.withBucket(c, func(ct *container) {
		if c.key != "" && ct.objects[c.key] == nil {
			c.fail(errNoSuchKey)
			return
		}
		c.xml(http.StatusOK, struct {
			XMLName xml.Name `xml:"Tagging"`
			TagSet  struct{} `xml:"TagSet"`
		}{})
	})
}

func (s *S3) versioning(c *call) {
	switch c.r.Method {
	case http.MethodPut:
		var req struct {
			Status string `xml:"Status"`
		}
		body, ok := c.readDocument(1 << 20)
		if !ok {
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
