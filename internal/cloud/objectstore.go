package cloud

import (
	"errors"
	"fmt"
	"net/url"
)

// ErrNoS3 means the catalog names no S3 endpoint and no Swift endpoint
// whose host could answer S3.
var ErrNoS3 = errors.New("the catalog has no object-store-s3 or object-store endpoint")

// S3Endpoint is the root URL (scheme://host[:port]) where the cloud
// answers S3: the catalog's object-store-s3 endpoint (the name of the
// scs-0123 v2 draft), else the host of its Swift endpoint, which on an
// SCS cloud must answer S3 too (scs-0123). S3 clients address buckets
// path-style below that root; a path in the catalog's URL is dropped,
// since S3 signs paths from the root.
func (s *Session) S3Endpoint() (string, error) {
	eo := s.Endpoint
	eo.Type = "object-store-s3"
	raw, err := s.Provider.EndpointLocator(eo)
	if err != nil || raw == "" {
		if s.ObjectStore == nil {
			return "", ErrNoS3
		}
		raw = s.ObjectStore.Endpoint
	}
	return S3Root(raw)
}

// S3Root reduces an endpoint URL to its scheme and host.
func S3Root(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf("S3 endpoint %q: want http(s)://host[:port]", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
