package identity_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
)

func TestKeystoneThroughGophercloud(t *testing.T) {
	c, err := sim.New(sim.Options{Projects: []sim.ProjectSpec{{
		Name: "tenant", User: "u", Password: "pw", AppCredName: "ci", AppCredSecret: "s3cret"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	file := filepath.Join(t.TempDir(), "clouds.yaml")
	entries := []sim.CloudEntry{
		{Name: "pw", Cloud: c, Project: c.Projects()[0]},
		{Name: "ac", Cloud: c, Project: c.Projects()[0], AppCred: true},
	}
	if err := sim.WriteCloudsYAML(file, entries); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, name := range []string{"pw", "ac"} {
		s, err := cloud.Open(ctx, name, cloud.Options{CloudsFile: file})
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		if s.ProjectName != "tenant" || s.ProjectID != c.ProjectID("tenant") {
			t.Errorf("%s: project %q/%q", name, s.ProjectName, s.ProjectID)
		}
		want := "block-storage compute identity image load-balancer network object-store object-store-s3 placement volumev3"
		if got := strings.Join(s.Services, " "); got != want {
			t.Errorf("%s: services %q, want %q", name, got, want)
		}
		if s.Compute == nil || s.Image == nil || s.BlockStorage == nil || s.Network == nil || s.LoadBalancer == nil {
			t.Errorf("%s: missing service client", name)
		}
	}
	entries[0].Project.Password = "wrong"
	if err := sim.WriteCloudsYAML(file, entries); err != nil {
		t.Fatal(err)
	}
	_, err = cloud.Open(ctx, "pw", cloud.Options{CloudsFile: file})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("bad password: got %v, want a 401 error", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Fatalf("error leaks the password: %v", err)
	}
}
