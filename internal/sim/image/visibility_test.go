package image_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/members"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

// twoTenants starts a cloud with two projects and opens a session to
// each.
func twoTenants(t *testing.T) (a, b *cloud.Session) {
	t.Helper()
	c, err := sim.New(sim.Options{Projects: []sim.ProjectSpec{
		{Name: "alpha", User: "alice", Password: "pw-a"},
		{Name: "beta", User: "bob", Password: "pw-b"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	file := filepath.Join(t.TempDir(), "clouds.yaml")
	err = sim.WriteCloudsYAML(file, []sim.CloudEntry{
		{Name: "a", Cloud: c, Project: c.Projects()[0]},
		{Name: "b", Cloud: c, Project: c.Projects()[1]},
	})
	if err != nil {
		t.Fatal(err)
	}
	open := func(name string) *cloud.Session {
		s, err := cloud.Open(context.Background(), name, cloud.Options{CloudsFile: file})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return open("a"), open("b")
}

func listNames(t *testing.T, s *cloud.Session, opts images.ListOpts) map[string]bool {
	t.Helper()
	pages, err := images.List(s.Image, opts).AllPages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	list, _ := images.ExtractImages(pages)
	out := map[string]bool{}
	for _, im := range list {
		out[im.Name] = true
	}
	return out
}

func TestImageVisibilityBetweenProjects(t *testing.T) {
	a, b := twoTenants(t)
	ctx := context.Background()
	vis := func(v images.ImageVisibility) *images.ImageVisibility { return &v }
	private, err := images.Create(ctx, a.Image, images.CreateOpts{Name: "a-private", Visibility: vis(images.ImageVisibilityPrivate)}).Extract()
	if err != nil {
		t.Fatal(err)
	}
	community, _ := images.Create(ctx, a.Image, images.CreateOpts{Name: "a-community", Visibility: vis(images.ImageVisibilityCommunity)}).Extract()
	shared, _ := images.Create(ctx, a.Image, images.CreateOpts{Name: "a-shared"}).Extract()
	if shared.Visibility != images.ImageVisibilityShared {
		t.Errorf("default visibility %q, want shared", shared.Visibility)
	}
	if _, err := images.Get(ctx, b.Image, private.ID).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("other project's private image: got %v, want 404", err)
	}
	if _, err := images.Get(ctx, b.Image, community.ID).Extract(); err != nil {
		t.Errorf("community image: %v", err)
	}
	names := listNames(t, b, images.ListOpts{})
	if names["a-private"] || names["a-community"] || names["a-shared"] || !names["Ubuntu 24.04"] {
		t.Errorf("default list of the other project: %v", names)
	}
	if !listNames(t, b, images.ListOpts{Visibility: images.ImageVisibilityCommunity})["a-community"] {
		t.Error("visibility=community does not list the community image")
	}
	if _, err := members.Create(ctx, a.Image, shared.ID, b.ProjectID).Extract(); err != nil {
		t.Fatalf("share: %v", err)
	}
	if _, err := images.Get(ctx, b.Image, shared.ID).Extract(); err != nil {
		t.Errorf("shared image for a pending member: %v", err)
	}
	if listNames(t, b, images.ListOpts{})["a-shared"] {
		t.Error("pending share listed by default")
	}
	if _, err := members.Update(ctx, b.Image, shared.ID, b.ProjectID, members.UpdateOpts{Status: "accepted"}).Extract(); err != nil {
		t.Fatalf("accept: %v", err)
	}
	if !listNames(t, b, images.ListOpts{})["a-shared"] {
		t.Error("accepted share not listed")
	}
	if err := images.Delete(ctx, b.Image, shared.ID).ExtractErr(); !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("member deletes the shared image: got %v, want 403", err)
	}
	pub := images.ImageVisibilityPublic
	if _, err := images.Create(ctx, a.Image, images.CreateOpts{Name: "a-public", Visibility: &pub}).Extract(); !gophercloud.ResponseCodeIs(err, http.StatusForbidden) {
		t.Errorf("member creates a public image: got %v, want 403", err)
	}
}
