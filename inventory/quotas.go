package inventory

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/quotasets"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/limits"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/quotas"
)

// fetchQuotas reads the limits and usage of each service with one call
// each: Nova's /limits, Cinder's quota set with usage and Neutron's
// quota details. A service that refuses is left out and noted.
func (c *collector) fetchQuotas(ctx context.Context) (int, error) {
	var (
		mu sync.Mutex
		wg sync.WaitGroup
		sc = c.s
	)
	for _, f := range []struct {
		service string
		ok      bool
		read    func(context.Context) ([]Quota, error)
	}{
		{"compute", sc.Compute != nil, c.computeQuotas},
		{"block-storage", sc.BlockStorage != nil, c.volumeQuotas},
		{"network", sc.Network != nil, c.networkQuotas},
	} {
		if !f.ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, err := f.read(ctx)
			if err != nil && ctx.Err() == nil {
				c.warn(KindQuotas, "%s quotas not collected: %s", f.service, describe(err))
			}
			mu.Lock()
			c.raw.quotas = append(c.raw.quotas, q...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return len(c.raw.quotas), ctx.Err()
}

// computeQuotas reads Nova's absolute limits: the limits with their
// usage where Nova reports it.
func (c *collector) computeQuotas(ctx context.Context) ([]Quota, error) {
	l, err := limits.Get(ctx, c.s.Compute, nil).Extract()
	if err != nil {
		return nil, err
	}
	a := l.Absolute
	return []Quota{
		{Service: "compute", Resource: "cores", Limit: a.MaxTotalCores, InUse: a.TotalCoresUsed},
		{Service: "compute", Resource: "instances", Limit: a.MaxTotalInstances, InUse: a.TotalInstancesUsed},
		{Service: "compute", Resource: "ram", Limit: a.MaxTotalRAMSize, InUse: a.TotalRAMUsed},
		{Service: "compute", Resource: "server_groups", Limit: a.MaxServerGroups, InUse: a.TotalServerGroupsUsed},
	}, nil
}

// volumeQuotas reads Cinder's quota set with usage; it also holds the
// per-volume-type limits (volumes_<type>, gigabytes_<type>, …).
func (c *collector) volumeQuotas(ctx context.Context) ([]Quota, error) {
	var body struct {
		QuotaSet map[string]json.RawMessage `json:"quota_set"`
	}
	if err := quotasets.GetUsage(ctx, c.s.BlockStorage, c.s.ProjectID).ExtractInto(&body); err != nil {
		return nil, err
	}
	var out []Quota
	for res, v := range body.QuotaSet {
		var u struct {
			Limit *int `json:"limit"`
			InUse int  `json:"in_use"`
		}
		if json.Unmarshal(v, &u) == nil && u.Limit != nil {
			out = append(out, Quota{Service: "block-storage", Resource: res, Limit: *u.Limit, InUse: u.InUse})
		}
	}
	return out, nil
}

// networkQuotas reads Neutron's quota details (limit, used, reserved).
func (c *collector) networkQuotas(ctx context.Context) ([]Quota, error) {
	var body struct {
		Quota map[string]struct {
			Limit int `json:"limit"`
			Used  int `json:"used"`
		} `json:"quota"`
	}
	if err := quotas.GetDetail(ctx, c.s.Network, c.s.ProjectID).ExtractInto(&body); err != nil {
		return nil, err
	}
	out := make([]Quota, 0, len(body.Quota))
	for res, q := range body.Quota {
		out = append(out, Quota{Service: "network", Resource: res, Limit: q.Limit, InUse: q.Used})
	}
	return out, nil
}
