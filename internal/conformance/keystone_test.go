package conformance

import (
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

func TestTokenCarriesProjectAndCatalog(t *testing.T) {
	e := Open(t)
	id, err := openstack.NewIdentityV3(e.S.Provider, e.S.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	res := tokens.Get(e.Ctx, id, e.S.Provider.Token())
	p, err := res.ExtractProject()
	if err != nil {
		t.Fatalf("validate token: %v", err)
	}
	if p.ID != e.S.ProjectID {
		t.Errorf("token project %q, session project %q", p.ID, e.S.ProjectID)
	}
	for _, want := range []string{"compute", "identity", "image", "network"} {
		found := false
		for _, s := range e.S.Services {
			found = found || s == want
		}
		if !found {
			t.Errorf("catalog lacks %q: %v", want, e.S.Services)
		}
	}
}
