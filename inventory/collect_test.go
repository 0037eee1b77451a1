package inventory_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func collect(t testing.TB, e *simEnv) *inventory.Document {
	t.Helper()
	s3c, err := s3.Open(e.ctx, e.s, s3.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s3c.Close(e.ctx)
	doc, err := inventory.Collect(e.ctx, e.s, inventory.Options{S3: s3c})
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return doc
}

func marshal(t testing.TB, doc *inventory.Document) []byte {
	t.Helper()
	b, err := inventory.Marshal(doc, "json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCollectWebshop compares the inventory of the example tenant with
// testdata/webshop.golden.json, after replacing what differs from run to
// run (IDs, MACs, times, floating addresses, the cloud's URL) by stable
// placeholders. Run with -update to rewrite it.
func TestCollectWebshop(t *testing.T) {
	e := webshop(t)
	doc := collect(t, e)
	if err := doc.Validate(); err != nil {
		t.Fatalf("the collected document does not validate: %v", err)
	}
	got := placeholders(marshal(t, doc), e.cloud.URL())
	const golden = "testdata/webshop.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCollectWebshop -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("inventory differs from %s (go test -update rewrites it):\n%s", golden, lineDiff(want, got))
	}
}

var (
	uuidPattern  = regexp.MustCompile(`\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b`)
	macPattern   = regexp.MustCompile(`\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b`)
	floatPattern = regexp.MustCompile(`\b203\.0\.113\.\d{1,3}\b`)
	// dhcpPattern is the host part of a DHCP port's device_id,
	// dhcp<host hash>-<network ID>.
	dhcpPattern = regexp.MustCompile(`"dhcp[0-9a-f]+-`)
)

// placeholders replaces each distinct ID, MAC and floating address by a
// numbered placeholder in order of first appearance. Times stay: the
// simulated cloud's clock stands still at epoch.
func placeholders(b []byte, baseURL string) []byte {
	b = bytes.ReplaceAll(b, []byte(baseURL), []byte("http://sim.example"))
	b = dhcpPattern.ReplaceAll(b, []byte(`"dhcpHOST-`))
	for _, p := range []struct {
		re     *regexp.Regexp
		prefix string
	}{{uuidPattern, "ID"}, {macPattern, "MAC"}, {floatPattern, "FLOATING"}} {
		seen := map[string]string{}
		b = p.re.ReplaceAllFunc(b, func(m []byte) []byte {
			if _, ok := seen[string(m)]; !ok {
				seen[string(m)] = fmt.Sprintf("%s-%d", p.prefix, len(seen)+1)
			}
			return []byte(seen[string(m)])
		})
	}
	return b
}

// lineDiff shows the first lines that differ, enough to see what moved.
func lineDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 30; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, a, b))
		}
	}
	return strings.Join(out, "\n")
}

// TestCollectDeterministic: the same tenant, read twice, gives the same
// bytes, without any placeholder.
func TestCollectDeterministic(t *testing.T) {
	e := webshop(t)
	a, b := marshal(t, collect(t, e)), marshal(t, collect(t, e))
	if !bytes.Equal(a, b) {
		t.Errorf("two inventories of the same tenant differ:\n%s", lineDiff(a, b))
	}
}

// TestCollectWhatMigrationsLose checks the facts tools classically lose:
// fixed IPs and MACs, hw_* image properties, volume_image_metadata,
// rules that point at other groups, boot-from-volume mappings.
func TestCollectWhatMigrationsLose(t *testing.T) {
	e := webshop(t)
	doc := collect(t, e)
	byName := func(kind string, n int, name func(int) string, want string) int {
		for i := range n {
			if name(i) == want {
				return i
			}
		}
		t.Fatalf("no %s %q", kind, want)
		return -1
	}
	ports := map[string]inventory.Port{}
	for _, p := range doc.Ports {
		ports[p.ID] = p
	}
	bastion := doc.Servers[byName("server", len(doc.Servers), func(i int) string { return doc.Servers[i].Name }, "bastion")]
	if len(bastion.Ports) != 1 || ports[bastion.Ports[0]].FixedIPs[0].IPAddress != "10.10.1.5" || ports[bastion.Ports[0]].MACAddress == "" {
		t.Errorf("bastion: ports %v, want one at 10.10.1.5 with a MAC", bastion.Ports)
	}
	db := doc.Servers[byName("server", len(doc.Servers), func(i int) string { return doc.Servers[i].Name }, "db-1")]
	if !db.BootFromVolume || db.ImageID != "" || len(db.BlockDevices) != 2 || db.BlockDevices[0].BootIndex != 0 || db.BlockDevices[1].BootIndex != -1 {
		t.Errorf("db-1: boot from volume %v, image %q, block devices %+v", db.BootFromVolume, db.ImageID, db.BlockDevices)
	}
	app := doc.Images[byName("image", len(doc.Images), func(i int) string { return doc.Images[i].Name }, "webshop-app-2026.11")]
	if !app.OwnedByTenant || app.Properties["hw_scsi_model"] != "virtio-scsi" || len(app.UsedBy) != 2 {
		t.Errorf("webshop image: owned %v, properties %v, used by %v", app.OwnedByTenant, app.Properties, app.UsedBy)
	}
	ubuntu := doc.Images[byName("image", len(doc.Images), func(i int) string { return doc.Images[i].Name }, "Ubuntu 24.04")]
	if ubuntu.OwnedByTenant || ubuntu.Visibility != "public" {
		t.Errorf("Ubuntu 24.04: owned %v, visibility %q; want a referenced public image", ubuntu.OwnedByTenant, ubuntu.Visibility)
	}
	root := db.BlockDevices[0].VolumeID
	for _, v := range doc.Volumes {
		if v.ID == root && (v.SourceImageID != ubuntu.ID || v.ImageMetadata["image_id"] != ubuntu.ID || !v.Bootable) {
			t.Errorf("root volume of db-1: source image %q, image metadata %v", v.SourceImageID, v.ImageMetadata)
		}
	}
	groups := map[string]string{}
	for _, g := range doc.SecurityGroups {
		groups[g.ID] = g.Name
	}
	var remote []string
	for _, g := range doc.SecurityGroups {
		for _, r := range g.Rules {
			if r.RemoteGroupID != "" {
				remote = append(remote, g.Name+"<-"+groups[r.RemoteGroupID])
			}
		}
	}
	for _, want := range []string{"web<-bastion", "db<-web", "db<-bastion", "db<-db"} {
		if !slices.Contains(remote, want) {
			t.Errorf("rule %s missing; remote-group rules: %v", want, remote)
		}
	}
	if len(doc.Warnings) != 0 || len(doc.NotCollected) != 0 {
		t.Errorf("warnings on a healthy cloud: %v, not collected %v", doc.Warnings, doc.NotCollected)
	}
}

// TestCollectNothingSecret: the inventory holds no token and no password.
func TestCollectNothingSecret(t *testing.T) {
	e := webshop(t)
	b := marshal(t, collect(t, e))
	tok, err := e.s.Provider.GetAuthResult().(interface{ ExtractTokenID() (string, error) }).ExtractTokenID()
	if err != nil {
		t.Fatal(err)
	}
	for what, secret := range map[string]string{"token": tok, "password": e.cloud.Projects()[0].Password} {
		if bytes.Contains(b, []byte(secret)) {
			t.Errorf("the inventory contains the %s", what)
		}
	}
	if bytes.Contains(b, []byte("PRIVATE KEY")) {
		t.Error("the inventory contains a private key")
	}
}

// TestCollectEmptyProject: a project with nothing gives empty lists,
// not nulls, and the provider's external network.
func TestCollectEmptyProject(t *testing.T) {
	e := startSim(t, sim.Options{})
	doc := collect(t, e)
	b := marshal(t, doc)
	if bytes.Contains(b, []byte("null")) {
		t.Errorf("null in the inventory of an empty project:\n%s", b)
	}
	if len(doc.Cloud.ExternalNetworks) == 0 || len(doc.Cloud.APIVersions) < 4 {
		t.Errorf("cloud info: %+v", doc.Cloud)
	}
}

type fakeClusters struct{}

func (fakeClusters) Clusters(context.Context) ([]inventory.Cluster, []inventory.Warning, error) {
	return []inventory.Cluster{{Namespace: "tenant", Name: "prod", Class: "openstack-scs-1-33-v1", Version: "v1.33.2", ControlPlaneReplicas: 3,
			Workers: []inventory.WorkerPool{{Name: "md-0", Class: "default-worker", Replicas: 3}}}},
		[]inventory.Warning{{Kind: "clusters", Message: "workload cluster tenant/prod: no kubeconfig"}}, nil
}

// TestCollectClusters: a ClusterSource fills the clusters section and its
// warnings next to the OpenStack kinds.
func TestCollectClusters(t *testing.T) {
	e := startSim(t, sim.Options{})
	doc, err := inventory.Collect(e.ctx, e.s, inventory.Options{Clusters: fakeClusters{}})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Clusters) != 1 || doc.Clusters[0].Variables == nil || !hasWarning(doc, "clusters", "workload cluster tenant/prod") {
		t.Errorf("clusters %+v, warnings %+v", doc.Clusters, doc.Warnings)
	}
}
