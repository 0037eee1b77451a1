package s3

import (
	"context"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Object is one entry of a bucket listing.
type Object struct {
	Key          string
	Size         int64
	ETag         string // without quotes
	LastModified time.Time
}

// Multipart reports an ETag of the multipart form "<hex>-<parts>": it
// is not the MD5 of the content.
func (o Object) Multipart() bool { return strings.Contains(o.ETag, "-") }

// listPage is how many keys one ListObjectsV2 call asks for (S3's and
// Swift's maximum).
const listPage = 1000

// Walk calls fn for every object of bucket in key order (byte order,
// as S3 lists), page by page: memory stays bounded by one page. fn's
// error ends the walk and is returned.
func (c *Client) Walk(ctx context.Context, bucket string, fn func(Object) error) error {
	token := ""
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := c.core.ListObjectsV2(bucket, "", "", token, "", listPage)
		if err != nil {
			return Wrap("list the objects of bucket "+bucket, err)
		}
		for _, o := range res.Contents {
			if err := fn(fromInfo(o)); err != nil {
				return err
			}
		}
		if !res.IsTruncated || res.NextContinuationToken == "" {
			return nil
		}
		token = res.NextContinuationToken
	}
}

func fromInfo(o minio.ObjectInfo) Object {
	return Object{Key: o.Key, Size: o.Size, ETag: strings.Trim(o.ETag, `"`), LastModified: o.LastModified}
}

// Buckets lists the buckets the credentials own, sorted by name.
func (c *Client) Buckets(ctx context.Context) ([]string, error) {
	all, err := c.core.ListBuckets(ctx)
	if err != nil {
		return nil, Wrap("list buckets at "+c.Endpoint, err)
	}
	names := make([]string, len(all))
	for i, b := range all {
		names[i] = b.Name
	}
	return names, nil
}

// Uploads lists the incomplete multipart uploads of bucket as key and
// upload ID.
func (c *Client) Uploads(ctx context.Context, bucket string) ([][2]string, error) {
	var out [][2]string
	key, id := "", ""
	for {
		res, err := c.core.ListMultipartUploads(ctx, bucket, "", key, id, "", 1000)
		if err != nil {
			return out, Wrap("list the unfinished uploads of bucket "+bucket, err)
		}
		for _, u := range res.Uploads {
			out = append(out, [2]string{u.Key, u.UploadID})
		}
		if !res.IsTruncated || (res.NextKeyMarker == key && res.NextUploadIDMarker == id) {
			return out, nil
		}
		key, id = res.NextKeyMarker, res.NextUploadIDMarker
	}
}

// Info is what a HEAD of an object says.
type Info struct {
	Size        int64
	ETag        string
	ContentType string
	// Metadata is the user metadata, by canonical header name without
	// the X-Amz-Meta- prefix.
	Metadata map[string]string
}

// Stat reads an object's size, ETag, content type and user metadata.
func (c *Client) Stat(ctx context.Context, bucket, key string) (Info, error) {
	oi, err := c.core.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, Wrap("read object "+key+" of bucket "+bucket, err)
	}
	return Info{Size: oi.Size, ETag: strings.Trim(oi.ETag, `"`), ContentType: oi.ContentType, Metadata: oi.UserMetadata}, nil
}
