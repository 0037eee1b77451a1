package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// readBucketsExisting lists the target project's containers: a bucket
// the plan would make under a taken name is a clash.
func readBucketsExisting(ctx context.Context, s *cloud.Session, t *Target) error {
	names, err := cloud.ListAll(ctx, containers.List(s.ObjectStore, containers.ListOpts{}), containers.ExtractNames)
	if err != nil {
		return err
	}
	slices.Sort(names)
	t.Existing.Buckets = names
	return nil
}

// readObjectStoreInfo reads Swift's capabilities from its /info
// document, which sits at the proxy's root: the endpoint up to /v1/.
func readObjectStoreInfo(ctx context.Context, s *cloud.Session, t *Target) error {
	base, _, ok := strings.Cut(s.ObjectStore.Endpoint, "/v1/")
	if !ok {
		return fmt.Errorf("object-store endpoint %s: no /v1/ in it, so no /info below it", s.ObjectStore.Endpoint)
	}
	var info map[string]json.RawMessage
	_, err := s.ObjectStore.Get(ctx, base+"/info", &info, &gophercloud.RequestOpts{OmitHeaders: []string{"X-Auth-Token"}})
	if err != nil {
		return cloud.Wrap("read the object store's /info", err)
	}
	var sw struct {
		Version string `json:"version"`
	}
	json.Unmarshal(info["swift"], &sw)
	_, s3 := info["s3api"]
	_, vw := info["versioned_writes"]
	_, ov := info["object_versioning"]
	t.ObjectStore = &ObjectStoreInfo{Version: sw.Version, S3: s3, Versioning: vw || ov}
	return nil
}
