package objectstore

import (
	"bufio"
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

// verify checks the signature of r, whose path without the room's
// prefix is path, against the secret; it returns the signing key and
// the seed signature for a streaming body.
func (s *sigRequest) verify(r *http.Request, secret string) ([]byte, bool) {
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if s.presigned || payload == "" {
		payload = unsignedPayload
	}
	canon := strings.Join([]string{r.Method, s3Escape(r.URL.Path, true), canonicalQuery(r.URL.Query(), s.presigned),
		canonicalHeaders(r, s.signedHeaders), strings.Join(s.signedHeaders, ";"), payload}, "\n")
	toSign := strings.Join([]string{sigV4Algorithm, s.amzDate.Format(amzDateFormat), s.scope(), sha256Hex([]byte(canon))}, "\n")
	key := signingKey(secret, s)
	want := hex.EncodeToString(hmacSHA256(key, toSign))
	return key, subtle.ConstantTimeCompare([]byte(want), []byte(s.signature)) == 1
}

// s3Auth verifies the signature of a request and returns the
// credential it was signed with.
func (s3 *S3) auth(r *http.Request) (core.EC2Credential, *sigRequest, []byte, *core.APIError) {
	s, aerr := parseSig(r)
	if aerr != nil {
		return core.EC2Credential{}, nil, nil, aerr
	}
	s3.r.c.Lock()
	cred, ok := s3.r.creds.EC2CredentialLocked(s.access)
	s3.r.c.Unlock()
	if !ok {
		return cred, nil, nil, s3Error(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	}
	if !cred.Authorized {
		return cred, nil, nil, errAccessDenied
	}
	if s.presigned {
		exp, _ := strconv.Atoi(r.URL.Query().Get("X-Amz-Expires"))
		if time.Now().After(s.amzDate.Add(time.Duration(exp) * time.Second)) { // wall clock: clients sign with theirs
			return cred, nil, nil, s3Error(http.StatusForbidden, "AccessDenied", "Request has expired")
		}
	} else if d := time.Since(s.amzDate); d > 15*time.Minute || d < -15*time.Minute { // wall clock: clients sign with theirs
		return cred, nil, nil, s3Error(http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
	}
	key, ok := s.verify(r, cred.Secret)
	if !ok {
		return cred, nil, nil, s3Error(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
	}
	return cred, s, key, nil
}

// body is the payload of a request: aws-chunked bodies are decoded and
// their chunk signatures checked; a signed payload hash is checked when
// the body ends.
func (s3 *S3) body(r *http.Request, s *sigRequest, key []byte) io.Reader {
	payload := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case strings.HasPrefix(payload, streamingPrefix):
		want, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
		if err != nil {
			want = -1
		}
		return &chunkedReader{br: bufio.NewReaderSize(r.Body, 64<<10), signed: strings.HasPrefix(payload, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
			key: key, prev: s.signature, scope: s.scope(), date: s.amzDate.Format(amzDateFormat), want: want}
	case payload == "" || payload == unsignedPayload || s.presigned:
		return r.Body
	default:
		return &hashCheckReader{r: r.Body, h: sha256.New(), want: payload}
	}
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

var errChunk = errors.New("SignatureDoesNotMatch: bad chunk")

// chunkedReader decodes an aws-chunked body: "<hex size>;chunk-signature=<sig>\r\n<data>\r\n"…
// up to a chunk of size 0 and optional trailers up to an empty line.
type chunkedReader struct {
	br                *bufio.Reader
	signed            bool
	key               []byte
	prev, scope, date string
	left              int64
	chunkSig          string
	h                 hash.Hash // of the chunk being read; nil between chunks
	done              bool
	n, want           int64 // bytes decoded; x-amz-decoded-content-length or -1
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	for c.left == 0 {
		if c.done {
			if c.want >= 0 && c.n != c.want {
				return 0, io.ErrUnexpectedEOF
			}
			return 0, io.EOF
		}
		if c.h != nil {
			if err := c.endChunk(); err != nil {
				return 0, err
			}
			if crlf, err := c.br.Peek(2); err != nil || string(crlf) != "\r\n" {
				return 0, errChunk
			}
			c.br.Discard(2)
			c.h = nil
		}
		if err := c.startChunk(); err != nil {
			return 0, err
		}
	}
	n, err := c.br.Read(p[:min(int64(len(p)), c.left)])
	c.left -= int64(n)
	c.n += int64(n)
	c.h.Write(p[:n])
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (c *chunkedReader) startChunk() error {
	line, err := c.br.ReadString('\n')
	if err != nil {
		return io.ErrUnexpectedEOF
	}
	size, ext, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
	n, err := strconv.ParseInt(size, 16, 64)
	if err != nil || n < 0 {
		return errChunk
	}
	c.chunkSig = strings.TrimPrefix(ext, "chunk-signature=")
	c.left, c.h = n, sha256.New()
	if n > 0 {
		return nil
	}
	if err := c.endChunk(); err != nil {
		return err
	}
	c.done, c.h = true, nil
	for { // trailers, up to an empty line
		l, err := c.br.ReadString('\n')
		if err != nil || strings.TrimRight(l, "\r\n") == "" {
			return nil
		}
	}
}

// endChunk checks the signature of the chunk just read.
func (c *chunkedReader) endChunk() error {
	if !c.signed {
		return nil
	}
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256-PAYLOAD", c.date, c.scope, c.prev,
		sha256Hex(nil), hex.EncodeToString(c.h.Sum(nil))}, "\n")
	sig := hex.EncodeToString(hmacSHA256(c.key, toSign))
	if subtle.ConstantTimeCompare([]byte(sig), []byte(c.chunkSig)) != 1 {
		return errChunk
	}
	c.prev = sig
	return nil
}
