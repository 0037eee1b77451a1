package sim

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/objects"
)

// TenantBucket is an object storage container (an S3 bucket: the same
// thing on an SCS cloud) with generated objects.
type TenantBucket struct {
	Name       string            `yaml:"name"`
	Versioning bool              `yaml:"versioning"`
	Metadata   map[string]string `yaml:"metadata"`
	Objects    []TenantObject    `yaml:"objects"`
}

// TenantObject is an object whose bytes are generated from Seed
// (ObjectContent). With Count > 0 it is Count objects named Key
// followed by a four-digit number, the n-th with seed Seed+n.
type TenantObject struct {
	Key         string            `yaml:"key"`
	Size        int64             `yaml:"size"` // bytes; 0 means DefaultObjectSize
	Seed        uint64            `yaml:"seed"`
	Count       int               `yaml:"count"`
	ContentType string            `yaml:"contentType"`
	Metadata    map[string]string `yaml:"metadata"`
}

// DefaultObjectSize is the size of a fixture object that gives none.
const DefaultObjectSize = 1024

// maxFixtureObject keeps seeding fast: fixtures describe shapes, not
// volumes of data.
const maxFixtureObject = 64 << 20

var fixtureBucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// ObjectContent is the content of a generated object: size bytes of a
// stream determined by seed.
func ObjectContent(seed uint64, size int64) io.Reader {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	return io.LimitReader(rand.NewChaCha8(key), size)
}

func (t *Tenant) validateBuckets(v *validator) {
	for i, b := range t.Buckets {
		at := fmt.Sprintf("buckets[%d]", i)
		v.define(at, "bucket", b.Name)
		v.require(fixtureBucketName.MatchString(b.Name), "%s.name: %q is not a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-')", at, b.Name)
		keys := map[string]bool{}
		for j, o := range b.Objects {
			oat := fmt.Sprintf("%s.objects[%d]", at, j)
			v.require(o.Key != "", "%s.key: required", oat)
			v.require(!keys[o.Key], "%s.key: %q is given twice", oat, o.Key)
			keys[o.Key] = true
			v.require(o.Size >= 0 && o.Size <= maxFixtureObject, "%s.size: %d is not between 0 and 64 MiB", oat, o.Size)
			v.require(o.Count >= 0 && o.Count <= 10000, "%s.count: %d is not between 0 and 10000", oat, o.Count)
		}
	}
}

// buckets creates the fixture's buckets through Swift, as the tenant's
// user.
func (s *seeder) buckets(ctx context.Context) error {
	if len(s.t.Buckets) == 0 {
		return nil
	}
	sc, err := openstack.NewObjectStorageV1(s.compute.ProviderClient, gophercloud.EndpointOpts{Region: s.c.opts.Profile.Region})
	if err != nil {
		return err
	}
	for _, b := range s.t.Buckets {
		if err := containers.Create(ctx, sc, b.Name, containers.CreateOpts{Metadata: b.Metadata, VersionsEnabled: b.Versioning}).Err; err != nil {
			return fmt.Errorf("bucket %s: %w", b.Name, err)
		}
		for _, o := range b.Objects {
			size := o.Size
			if size == 0 {
				size = DefaultObjectSize
			}
			if o.Count == 0 {
				if err := putObject(ctx, sc, b.Name, o.Key, o, o.Seed, size); err != nil {
					return err
				}
				continue
			}
			for n := range o.Count {
				if err := putObject(ctx, sc, b.Name, fmt.Sprintf("%s%04d", o.Key, n), o, o.Seed+uint64(n), size); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func putObject(ctx context.Context, sc *gophercloud.ServiceClient, bucket, key string, o TenantObject, seed uint64, size int64) error {
	// In memory (at most maxFixtureObject): a seekable body survives the
	// re-authentication of a short-lived token, a consumed stream not.
	data, err := io.ReadAll(ObjectContent(seed, size))
	if err != nil {
		return err
	}
	sum := md5.Sum(data)
	err = objects.Create(ctx, sc, bucket, key, objects.CreateOpts{Content: bytes.NewReader(data),
		ContentType: o.ContentType, Metadata: o.Metadata, ETag: hex.EncodeToString(sum[:])}).Err
	if err != nil {
		return fmt.Errorf("object %s/%s: %w", bucket, key, err)
	}
	return nil
}
