package inventory

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
)

// bucketReaders bounds the containers read at once (each is a listing
// walk through S3 plus a few calls).
const bucketReaders = 8

// BucketName is the grammar of an S3 bucket name: 3–63 characters of
// lower-case letters, digits, dots and hyphens, starting and ending
// with a letter or digit.
var BucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// fetchContainers reads the object store: the containers Swift lists
// and the buckets S3 lists (the same on an SCS cloud), each with its
// Swift settings and, through S3, its objects counted and its settings.
func (c *collector) fetchContainers(ctx context.Context) (int, error) {
	swift, bucketsS3 := c.s.ObjectStore, c.s3
	byName := map[string]*Container{}
	var names []string
	add := func(name string) *Container {
		if ct := byName[name]; ct != nil {
			return ct
		}
		ct := &Container{Name: name}
		byName[name] = ct
		names = append(names, name)
		return ct
	}
	if swift != nil {
		infos, err := cloud.ListAll(ctx, containers.List(swift, containers.ListOpts{}), containers.ExtractInfo)
		if err != nil {
			return 0, cloud.Wrap("list the Swift containers", err)
		}
		for _, ci := range infos {
			ct := add(ci.Name)
			ct.Objects, ct.Bytes = ci.Count, ci.Bytes
		}
	}
	if bucketsS3 != nil {
		all, err := bucketsS3.Buckets(ctx)
		if err != nil {
			return 0, err
		}
		for _, n := range all {
			add(n)
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(bucketReaders)
	for _, name := range names {
		ct := byName[name]
		g.Go(func() error {
			if swift != nil {
				if err := readSwiftContainer(gctx, swift, ct); err != nil {
					return err
				}
			}
			if bucketsS3 == nil || !BucketName.MatchString(name) {
				return nil
			}
			if err := readBucket(gctx, bucketsS3, ct); err != nil {
				if s3.Code(err) != "AccessDenied" {
					return err
				}
				c.warn(KindObjectContainers, "bucket %s not read through S3: %s", name, describe(err))
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	for _, n := range names {
		c.raw.containers = append(c.raw.containers, *byName[n])
	}
	return len(names), nil
}

// readSwiftContainer reads a container's ACLs, metadata, versioning and
// website settings from its Swift HEAD. Temp-URL keys are secrets and
// are left out.
func readSwiftContainer(ctx context.Context, sc *gophercloud.ServiceClient, ct *Container) error {
	res := containers.Get(ctx, sc, ct.Name, nil)
	h, err := res.Extract()
	if err != nil {
		return cloud.Wrap("read Swift container "+ct.Name, err)
	}
	meta, err := res.ExtractMetadata()
	if err != nil {
		return fmt.Errorf("read the metadata of Swift container %s: %w", ct.Name, err)
	}
	ct.ReadACL, ct.WriteACL = strings.Join(h.Read, ","), strings.Join(h.Write, ",")
	ct.VersionsLocation = cmp.Or(h.VersionsLocation, h.HistoryLocation)
	for k, v := range meta {
		k = strings.ToLower(k)
		switch {
		case strings.HasPrefix(k, "temp-url-key"):
		case k == "web-index":
			ct.WebIndex = v
		default:
			if ct.Metadata == nil {
				ct.Metadata = map[string]string{}
			}
			ct.Metadata[k] = v
		}
	}
	return nil
}

// readBucket counts a bucket's objects through S3 and reads its
// settings.
func readBucket(ctx context.Context, c *s3.Client, ct *Container) error {
	var n, bytes, large, largest int64
	err := c.Walk(ctx, ct.Name, func(o s3.Object) error {
		n++
		bytes += o.Size
		largest = max(largest, o.Size)
		if o.Multipart() {
			large++
		}
		return nil
	})
	if err != nil {
		return err
	}
	set, err := c.Settings(ctx, ct.Name)
	if err != nil {
		return err
	}
	ct.S3, ct.Objects, ct.Bytes, ct.LargeObjects, ct.LargestObject, ct.Settings = true, n, bytes, large, largest, set
	return nil
}
