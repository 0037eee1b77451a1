package inventory

import (
	"context"
	"encoding/json"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/pagination"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// novaServer is a server of GET /servers/detail at microversion 2.79.
type novaServer struct {
	ID          string                  `json:"id"`
	Name        string                  `json:"name"`
	Status      string                  `json:"status"`
	PowerState  int                     `json:"OS-EXT-STS:power_state"`
	Flavor      novaEmbeddedFlavor      `json:"flavor"`
	Image       json.RawMessage         `json:"image"` // "" when booted from volume, else {"id": …}
	Volumes     []novaAttachedVol       `json:"os-extended-volumes:volumes_attached"`
	SecGroups   []struct{ Name string } `json:"security_groups"`
	KeyName     string                  `json:"key_name"`
	AZ          string                  `json:"OS-EXT-AZ:availability_zone"`
	Metadata    map[string]string       `json:"metadata"`
	Tags        []string                `json:"tags"`
	ConfigDrive flexBool                `json:"config_drive"`
	Description *string                 `json:"description"`
}

// novaEmbeddedFlavor is the flavor a server was built with (2.47+).
type novaEmbeddedFlavor struct {
	ID           string            `json:"id"` // before 2.47 only
	OriginalName string            `json:"original_name"`
	VCPUs        int               `json:"vcpus"`
	RAM          int               `json:"ram"`
	Disk         int               `json:"disk"`
	Ephemeral    int               `json:"ephemeral"`
	Swap         flexInt           `json:"swap"`
	ExtraSpecs   map[string]string `json:"extra_specs"`
}

type novaAttachedVol struct {
	ID                  string `json:"id"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
}

// imageID reads the server's image reference.
func (s novaServer) imageID() string {
	var ref struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(s.Image, &ref) == nil {
		return ref.ID
	}
	return ""
}

// novaFlavor is a flavor of GET /flavors/detail (extra_specs at 2.61+).
type novaFlavor struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	VCPUs      int               `json:"vcpus"`
	RAM        int               `json:"ram"`
	Disk       int               `json:"disk"`
	Ephemeral  int               `json:"OS-FLV-EXT-DATA:ephemeral"`
	Swap       flexInt           `json:"swap"`
	Public     bool              `json:"os-flavor-access:is_public"`
	ExtraSpecs map[string]string `json:"extra_specs"`
}

type novaKeypair struct {
	Keypair struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		PublicKey   string `json:"public_key"`
		Fingerprint string `json:"fingerprint"`
	} `json:"keypair"`
}

type novaServerGroup struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Policy   string         `json:"policy"`   // 2.64+
	Policies []string       `json:"policies"` // before 2.64
	Rules    map[string]int `json:"rules"`
	Members  []string       `json:"members"`
}

func (c *collector) fetchServers(ctx context.Context) (int, error) {
	var err error
	c.raw.servers, err = cloud.ListAll(ctx, servers.List(c.s.Compute, servers.ListOpts{}), cloud.ExtractAs[novaServer]("servers"))
	c.raw.servers = uniqueServers(c.raw.servers)
	return len(c.raw.servers), err
}

// uniqueServers drops repeated servers: Nova can list a server that is
// still being scheduled on two pages, as its build request and as its
// instance.
func uniqueServers(all []novaServer) []novaServer {
	seen := make(map[string]bool, len(all))
	out := all[:0]
	for _, s := range all {
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, s)
		}
	}
	return out
}

func (c *collector) fetchFlavors(ctx context.Context) (int, error) {
	var err error
	pager := flavors.ListDetail(c.s.Compute, flavors.ListOpts{AccessType: flavors.AllAccess})
	c.raw.flavors, err = cloud.ListAll(ctx, pager, cloud.ExtractAs[novaFlavor]("flavors"))
	return len(c.raw.flavors), err
}

// fetchKeypairs follows keypairs_links (2.35+), which gophercloud's
// single-page keypair pager ignores.
func (c *collector) fetchKeypairs(ctx context.Context) (int, error) {
	url := c.s.Compute.ServiceURL("os-keypairs")
	pager := pagination.NewPager(c.s.Compute, url, func(r pagination.PageResult) pagination.Page {
		return linkedPage{LinkedPageBase: pagination.LinkedPageBase{PageResult: r, LinkPath: []string{"keypairs_links"}}, label: "keypairs"}
	})
	var err error
	c.raw.keypairs, err = cloud.ListAll(ctx, pager, cloud.ExtractAs[novaKeypair]("keypairs"))
	return len(c.raw.keypairs), err
}

// serverGroupPage is how many server groups are asked for at once; Nova
// pages them by limit and offset, without links.
const serverGroupPage = 1000

func (c *collector) fetchServerGroups(ctx context.Context) (int, error) {
	for offset := 0; ; offset += serverGroupPage {
		opts := servergroups.ListOpts{Limit: serverGroupPage, Offset: offset}
		page, err := cloud.ListAll(ctx, servergroups.List(c.s.Compute, opts), cloud.ExtractAs[novaServerGroup]("server_groups"))
		if err != nil {
			return 0, err
		}
		c.raw.serverGroups = append(c.raw.serverGroups, page...)
		if len(page) < serverGroupPage {
			return len(c.raw.serverGroups), nil
		}
	}
}

// linkedPage is a page of a list that links to the next one, for lists
// gophercloud pages wrongly or not at all.
type linkedPage struct {
	pagination.LinkedPageBase
	label string
}

func (p linkedPage) IsEmpty() (bool, error) {
	if p.StatusCode == 204 {
		return true, nil
	}
	var items []json.RawMessage
	err := p.ExtractIntoSlicePtr(&items, p.label)
	return len(items) == 0, err
}

var _ pagination.Page = linkedPage{}

// getJSON reads one document from url into v.
func getJSON(ctx context.Context, sc *gophercloud.ServiceClient, url string, v any, okCodes ...int) error {
	if len(okCodes) == 0 {
		okCodes = []int{200}
	}
	_, err := sc.Get(ctx, url, v, &gophercloud.RequestOpts{OkCodes: okCodes})
	return err
}
