package cloud

import (
	"fmt"
	"sort"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// catalogEndpoint is one URL of the catalog, for naming calls in traces.
type catalogEndpoint struct{ typ, url string }

type tokenFacts struct {
	endpoints                      []catalogEndpoint
	projectID, projectName, userID string
	services                       []string
}

// tokenInfo reads the project, user and catalog out of a Keystone v3
// authentication result.
func tokenInfo(res gophercloud.AuthResult) (tokenFacts, error) {
	cr, ok := res.(tokens.CreateResult)
	if !ok {
		return tokenFacts{}, fmt.Errorf("unexpected authentication result %T: only Keystone v3 is supported", res)
	}
	var f tokenFacts
	p, err := cr.ExtractProject()
	if err != nil {
		return f, fmt.Errorf("read project from token: %w", err)
	}
	if p == nil {
		return f, fmt.Errorf("the token is not scoped to a project: set project_name or project_id in clouds.yaml")
	}
	f.projectID, f.projectName = p.ID, p.Name
	if u, err := cr.ExtractUser(); err == nil && u != nil {
		f.userID = u.ID
	}
	cat, err := cr.ExtractServiceCatalog()
	if err != nil {
		return f, fmt.Errorf("read service catalog from token: %w", err)
	}
	seen := map[string]bool{}
	for _, e := range cat.Entries {
		if !seen[e.Type] {
			seen[e.Type] = true
			f.services = append(f.services, e.Type)
		}
		for _, ep := range e.Endpoints {
			f.endpoints = append(f.endpoints, catalogEndpoint{typ: e.Type, url: ep.URL})
		}
	}
	sort.Strings(f.services)
	return f, nil
}
