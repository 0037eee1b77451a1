package objectstore

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// AWS Signature Version 4, as S3 checks it: the Authorization header
// (or the X-Amz-* query of a presigned URL), the canonical request, the
// signing key derived from the secret, date, region and service.

const (
	sigV4Algorithm  = "AWS4-HMAC-SHA256"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	streamingPrefix = "STREAMING-"
	amzDateFormat   = "20060102T150405Z"
)

// IsSigV4 reports whether a request is signed for S3 (which is how the
// cloud tells S3 requests at its root from the other services').
func IsSigV4(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), sigV4Algorithm) || r.URL.Query().Get("X-Amz-Algorithm") == sigV4Algorithm
}

// sigRequest is what a request's signature claims.
type sigRequest struct {
	access, date, region, service string
	signedHeaders                 []string
	signature                     string
	amzDate                       time.Time
	presigned                     bool
}

func (s *sigRequest) scope() string {
	return s.date + "/" + s.region + "/" + s.service + "/aws4_request"
}

var errMalformed = s3Error(http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed.")

func parseSig(r *http.Request) (*sigRequest, *core.APIError) {
	s := &sigRequest{}
	var cred, signed, date string
	if q := r.URL.Query(); q.Get("X-Amz-Algorithm") == sigV4Algorithm {
		s.presigned = true
		cred, signed, s.signature, date = q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature"), q.Get("X-Amz-Date")
	} else {
		if r.Header.Get("Authorization") == "" {
			// Anonymous access: no bucket of the simulator is public.
			return nil, s3Error(http.StatusForbidden, "AccessDenied", "Access Denied")
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), sigV4Algorithm) {
			return nil, s3Error(http.StatusBadRequest, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
		}
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), sigV4Algorithm)
		for _, part := range strings.Split(auth, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				cred = v
			case "SignedHeaders":
				signed = v
			case "Signature":
				s.signature = v
			}
		}
		date = r.Header.Get("X-Amz-Date")
		if date == "" {
			date = r.Header.Get("Date")
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || signed == "" || s.signature == "" {
		return nil, errMalformed
	}
	s.access, s.date, s.region, s.service = parts[0], parts[1], parts[2], parts[3]
	s.signedHeaders = strings.Split(signed, ";")
	t, err := time.Parse(amzDateFormat, date)
	if err != nil {
		if t, err = http.ParseTime(date); err != nil {
			return nil, s3Error(http.StatusForbidden, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
		}
	}
	s.amzDate = t.UTC()
	return s, nil
}

// s3Escape encodes a string as SigV4 wants: everything but the
// unreserved characters, and '/' too unless keepSlash.
func s3Escape(s string, keepSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func canonicalQuery(q url.Values, presigned bool) string {
	var pairs []string
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			pairs = append(pairs, s3Escape(k, false)+"="+s3Escape(v, false))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

func canonicalHeaders(r *http.Request, names []string) string {
	var b strings.Builder
	for _, n := range names {
		var v string
		switch n {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		case "transfer-encoding":
			v = strings.Join(r.TransferEncoding, ",")
		default:
			vals := r.Header.Values(n)
			for i := range vals {
				vals[i] = strings.Join(strings.Fields(vals[i]), " ")
			}
			v = strings.Join(vals, ",")
		}
		b.WriteString(n + ":" + v + "\n")
	}
	return b.String()
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func signingKey(secret string, s *sigRequest) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), s.date)
	k = hmacSHA256(k, s.region)
	k = hmacSHA256(k, s.service)
	return hmacSHA256(k, "aws4_request")
}

// verify checks the signature of r against the secret.
func (s *sigRequest) verify(r *http.Request, secret string) bool {
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if s.presigned || payload == "" {
		payload = unsignedPayload
	}
	canon := strings.Join([]string{r.Method, s3Escape(r.URL.Path, true), canonicalQuery(r.URL.Query(), s.presigned),
		canonicalHeaders(r, s.signedHeaders), strings.Join(s.signedHeaders, ";"), payload}, "\n")
	toSign := strings.Join([]string{sigV4Algorithm, s.amzDate.Format(amzDateFormat), s.scope(), sha256Hex([]byte(canon))}, "\n")
	want := hex.EncodeToString(hmacSHA256(signingKey(secret, s), toSign))
	return subtle.ConstantTimeCompare([]byte(want), []byte(s.signature)) == 1
}

// scopeError is Swift's s3api's refusal of a signature whose credential
// scope names another region or service than the endpoint's, or "" when
// the scope is right. Like S3 it names the expected region in the error
// document, and minio-go, signing for us-east-1 before it knows better,
// retries with that region. A lowercase region name passes (s3api lets
// the AWS .NET SDK do that).
func scopeError(s *sigRequest, region string) (code, msg string) {
	code, where := "AuthorizationHeaderMalformed", "The authorization header is malformed;"
	if s.presigned {
		code, where = "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter;"
	}
	switch {
	case s.region != region && s.region != strings.ToLower(region):
		return code, fmt.Sprintf("%s the region '%s' is wrong; expecting '%s'", where, s.region, region)
	case s.service != "s3":
		return code, fmt.Sprintf(`%s incorrect service "%s". This endpoint belongs to "s3".`, where, s.service)
	}
	return "", ""
}

// s3Auth verifies the signature of a request and returns the
// credential it was signed with.
func (s3 *S3) auth(r *http.Request) (core.EC2Credential, *sigRequest, *core.APIError) {
	s, aerr := parseSig(r)
	if aerr != nil {
		return core.EC2Credential{}, nil, aerr
	}
	s3.r.c.Lock()
	cred, ok := s3.r.creds.EC2CredentialLocked(s.access)
	s3.r.c.Unlock()
	if !ok {
		return cred, nil, s3Error(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	}
	if !cred.Authorized {
		return cred, nil, errAccessDenied
	}
	if s.presigned {
		exp, _ := strconv.Atoi(r.URL.Query().Get("X-Amz-Expires"))
		if time.Now().After(s.amzDate.Add(time.Duration(exp) * time.Second)) { // wall clock: clients sign with theirs
			return cred, nil, s3Error(http.StatusForbidden, "AccessDenied", "Request has expired")
		}
	} else if d := time.Since(s.amzDate); d > 15*time.Minute || d < -15*time.Minute { // wall clock: clients sign with theirs
		return cred, nil, s3Error(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
	}
	if !s.verify(r, cred.Secret) {
		return cred, nil, s3Error(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	}
	return cred, s, nil
}

// body is the payload of a request: a signed payload hash is checked
// when the body ends. (aws-chunked payloads are refused before, as
// Swift's s3api does: see validateHeaders.)
func (s3 *S3) body(r *http.Request, s *sigRequest) io.Reader {
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" || payload == unsignedPayload || s.presigned {
		return r.Body
	}
	return &hashCheckReader{r: r.Body, h: sha256.New(), want: payload}
}

var errBadDigest = errors.New("XAmzContentSHA256Mismatch")

type hashCheckReader struct {
	r    io.Reader
	h    hash.Hash
	want string
}

func (c *hashCheckReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	if err == io.EOF && hex.EncodeToString(c.h.Sum(nil)) != c.want {
		return n, errBadDigest
	}
	return n, err
}
