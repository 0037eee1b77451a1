package s3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/ec2credentials"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// Options say how to reach one cloud's S3. Zero fields are found out:
// the endpoint from the catalog, the region from the session (else
// us-east-1, Swift's s3api default), the credentials minted for the run.
type Options struct {
	Endpoint  string // http(s)://host[:port]
	Region    string
	AccessKey string
	SecretKey Secret
}

// Given reports whether credentials were given (both halves).
func (o Options) Given() bool { return o.AccessKey != "" && o.SecretKey != "" }

// Client is S3 on one cloud, as the tenant.
type Client struct {
	// Endpoint and Region are what the client talks to; AccessKey is
	// the (public) half of its credentials.
	Endpoint, Region, AccessKey string
	// Minted reports that the credentials were made for this client and
	// are revoked by Close.
	Minted bool

	core    minio.Core
	sess    *cloud.Session
	revoked sync.Once
}

// ErrHalfCredentials is an access key without its secret or the reverse.
var ErrHalfCredentials = errors.New("give both the S3 access key and its secret, or neither (then EC2 credentials are made for the run)")

// Open connects to the S3 of sess's cloud. Without given credentials it
// creates EC2 credentials for the session's user in its project, which
// Close deletes again.
func Open(ctx context.Context, sess *cloud.Session, o Options) (*Client, error) {
	if (o.AccessKey == "") != (o.SecretKey == "") {
		return nil, ErrHalfCredentials
	}
	endpoint := o.Endpoint
	if endpoint == "" {
		var err error
		if endpoint, err = sess.S3Endpoint(); err != nil {
			return nil, err
		}
	} else if _, err := cloud.S3Root(endpoint); err != nil {
		return nil, err
	}
	region := o.Region
	if region == "" {
		region = sess.Region
	}
	if region == "" {
		region = "us-east-1"
	}
	c := &Client{Endpoint: endpoint, Region: region, AccessKey: o.AccessKey, sess: sess}
	secret := o.SecretKey
	if !o.Given() {
		access, s, err := Mint(ctx, sess)
		if err != nil {
			return nil, err
		}
		c.AccessKey, secret, c.Minted = access, s, true
	}
	u, _ := url.Parse(endpoint)
	mc, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, secret.Reveal(), ""),
		Secure:       u.Scheme == "https",
		Region:       region,
		Transport:    keepAlive(sess.DataTransport()),
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		c.Close(ctx)
		return nil, fmt.Errorf("S3 client for %s: %w", endpoint, err)
	}
	c.core = minio.Core{Client: mc}
	return c, nil
}

// Close revokes minted credentials (once); given ones are kept.
func (c *Client) Close(ctx context.Context) error {
	var err error
	c.revoked.Do(func() {
		if c.Minted {
			err = Revoke(ctx, c.sess, c.AccessKey)
		}
	})
	return err
}

// Mint creates EC2 credentials for the session's user in its project,
// as `openstack ec2 credentials create` does.
func Mint(ctx context.Context, sess *cloud.Session) (access string, secret Secret, err error) {
	if sess.Identity == nil {
		return "", "", errors.New("create EC2 credentials: the catalog has no identity endpoint")
	}
	cred, err := ec2credentials.Create(ctx, sess.Identity, sess.UserID, ec2credentials.CreateOpts{TenantID: sess.ProjectID}).Extract()
	if err != nil {
		return "", "", cloud.Wrap("create EC2 credentials for S3 (give them with the S3 access and secret key settings if the user may not)", err)
	}
	return cred.Access, Secret(cred.Secret), nil
}

// Revoke deletes EC2 credentials by their access key; credentials that
// are gone already are no error.
func Revoke(ctx context.Context, sess *cloud.Session, access string) error {
	err := ec2credentials.Delete(ctx, sess.Identity, sess.UserID, access).ExtractErr()
	if err != nil && !cloud.IsNotFound(err) {
		return cloud.Wrap("delete the EC2 credentials "+access+" made for this run", err)
	}
	return nil
}

// Core is the low-level minio-go client, for the copier.
func (c *Client) Core() minio.Core { return c.core }

// idleConns is how many connections to the store stay open between
// requests: more than the requests in flight, so that a copy of many
// small objects does not open a connection per request (Go's default
// keeps two per host: 10,000 objects cost 10,000 TCP, and over HTTPS
// TLS, handshakes).
const idleConns = 128

// keepAlive is the session's transport (TLS, timeouts) with room for
// idle connections.
func keepAlive(rt http.RoundTripper) http.RoundTripper {
	t, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	t = t.Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 2*idleConns, idleConns
	return t
}
