package sim

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/pagination"
)

func flavorsList(c *gophercloud.ServiceClient) pagination.Pager {
	return flavors.ListDetail(c, flavors.ListOpts{AccessType: flavors.AllAccess})
}

func flavorsExtract(p pagination.Page) ([]flavors.Flavor, error) { return flavors.ExtractFlavors(p) }
