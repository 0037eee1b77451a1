package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	bsservices "github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/services"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/hypervisors"
	novaservices "github.com/gophercloud/gophercloud/v2/openstack/compute/v2/services"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

// waitReady polls until every service answers and the agents that do the
// work (nova-compute with its hypervisor, cinder-volume) report up.
func waitReady(ctx context.Context, pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts) error {
	var last []string
	lastPrint := time.Time{}
	for {
		problems := readiness(ctx, pc, eo)
		if len(problems) == 0 {
			logf("wait: all services ready")
			return nil
		}
		if time.Since(lastPrint) > 15*time.Second || !slices.Equal(problems, last) {
			logf("wait: not ready yet: %s", strings.Join(problems, "; "))
			last, lastPrint = problems, time.Now()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("services not ready: %s", strings.Join(problems, "; "))
		case <-time.After(2 * time.Second):
		}
	}
}

func readiness(ctx context.Context, pc *gophercloud.ProviderClient, eo gophercloud.EndpointOpts) []string {
	var problems []string
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	compute, err := openstack.NewComputeV2(pc, eo)
	if err != nil {
		return []string{"catalog: " + err.Error()}
	}
	if pages, err := novaservices.List(compute, nil).AllPages(cctx); err != nil {
		problems = append(problems, "nova os-services: "+short(err))
	} else {
		svcs, _ := novaservices.ExtractServices(pages)
		up := map[string]bool{}
		for _, s := range svcs {
			if s.State == "up" && s.Status == "enabled" && !s.UpdatedAt.Before(since.Time) {
				up[s.Binary] = true
			}
		}
		for _, b := range []string{"nova-conductor", "nova-scheduler", "nova-compute"} {
			if !up[b] {
				problems = append(problems, b+" not up")
			}
		}
	}
	if pages, err := hypervisors.List(compute, nil).AllPages(cctx); err != nil {
		problems = append(problems, "nova os-hypervisors: "+short(err))
	} else if hs, _ := hypervisors.ExtractHypervisors(pages); len(hs) == 0 {
		problems = append(problems, "no hypervisor registered")
	}
	volume, err := openstack.NewBlockStorageV3(pc, eo)
	if err != nil {
		return append(problems, "catalog: "+err.Error())
	}
	if pages, err := bsservices.List(volume, nil).AllPages(cctx); err != nil {
		problems = append(problems, "cinder os-services: "+short(err))
	} else {
		svcs, _ := bsservices.ExtractServices(pages)
		up := map[string]bool{}
		for _, s := range svcs {
			if s.State == "up" && s.Status == "enabled" && !s.UpdatedAt.Before(since.Time) {
				up[s.Binary] = true
			}
		}
		for _, b := range []string{"cinder-scheduler", "cinder-volume", "cinder-backup"} {
			if !up[b] {
				problems = append(problems, b+" not up")
			}
		}
	}
	image, err := openstack.NewImageV2(pc, eo)
	if err != nil {
		return append(problems, "catalog: "+err.Error())
	}
	if err := images.List(image, images.ListOpts{Limit: 1}).EachPage(cctx, func(context.Context, pagination.Page) (bool, error) { return false, nil }); err != nil {
		problems = append(problems, "glance: "+short(err))
	}
	network, err := openstack.NewNetworkV2(pc, eo)
	if err != nil {
		return append(problems, "catalog: "+err.Error())
	}
	if _, err := networks.List(network, networks.ListOpts{Limit: 1}).AllPages(cctx); err != nil {
		problems = append(problems, "neutron: "+short(err))
	}
	return problems
}
