package sim_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

const bucketFixture = `apiVersion: scs-migrate.io/v1alpha1
kind: Tenant
name: shop
buckets:
  - name: shop-assets
    versioning: true
    metadata: {team: web}
    objects:
      - {key: index.html, size: 2048, seed: 7, contentType: text/html, metadata: {page: home}}
      - {key: empty, size: 0}
      - {key: img/p-, count: 3, seed: 100}
  - name: shop-backups
`

func TestTenantBuckets(t *testing.T) {
	ten, err := sim.ParseTenant([]byte(bucketFixture))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sim.SeedTenant(ctx, c, ten); err != nil {
		t.Fatal(err)
	}
	access, secret, err := c.EC2Credential(c.Projects()[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := minio.New(c.S3Host(), &minio.Options{Creds: credentials.NewStaticV4(access, secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	buckets, err := mc.ListBuckets(ctx)
	if err != nil || len(buckets) != 2 || buckets[0].Name != "shop-assets" {
		t.Fatalf("buckets %+v %v", buckets, err)
	}
	var keys []string
	for o := range mc.ListObjects(ctx, "shop-assets", minio.ListObjectsOptions{Recursive: true}) {
		keys = append(keys, o.Key)
	}
	if strings.Join(keys, ",") != "empty,img/p-0000,img/p-0001,img/p-0002,index.html" {
		t.Fatalf("keys %v", keys)
	}
	obj, err := mc.GetObject(ctx, "shop-assets", "index.html", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(obj)
	want, _ := io.ReadAll(sim.ObjectContent(7, 2048))
	st, _ := obj.Stat()
	if !bytes.Equal(got, want) || st.ContentType != "text/html" || st.UserMetadata["Page"] != "home" {
		t.Fatalf("index.html: %d bytes, %+v", len(got), st)
	}
	st, err = mc.StatObject(ctx, "shop-assets", "img/p-0001", minio.StatObjectOptions{})
	if err != nil || st.Size != sim.DefaultObjectSize {
		t.Fatalf("generated object %+v %v", st, err)
	}
	if v, _ := mc.GetBucketVersioning(ctx, "shop-assets"); v.Status != "Enabled" {
		t.Fatalf("versioning %+v", v)
	}
}

func TestBadTenantBuckets(t *testing.T) {
	for _, tc := range []struct{ from, to, want string }{
		{"name: shop-backups", "name: Shop_Backups", `buckets[1].name: "Shop_Backups" is not a valid S3 bucket name`},
		{"{key: empty, size: 0}", "{key: index.html}", `buckets[0].objects[1].key: "index.html" is given twice`},
		{"size: 2048", "size: 99999999999", "buckets[0].objects[0].size"},
		{"name: shop-backups", "name: shop-assets", `bucket "shop-assets" is defined twice`},
	} {
		_, err := sim.ParseTenant([]byte(strings.Replace(bucketFixture, tc.from, tc.to, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s → %s: got %v, want %q", tc.from, tc.to, err, tc.want)
		}
	}
}
