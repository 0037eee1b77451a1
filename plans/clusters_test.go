package plans

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/scs"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// planWithClusters builds a plan with the mapping file text as
// overrides, and reads it back as migrate would.
func planWithClusters(t *testing.T, inv *inventory.Document, tgt *Target, mapping string) *Plan {
	t.Helper()
	opts := BuildOptions{ID: "plan-clusters", Now: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	if mapping != "" {
		ov, err := ParseMapping("map.yaml", []byte(mapping))
		if err != nil {
			t.Fatal(err)
		}
		opts.Overrides = ov
	}
	p, err := Build(inv, tgt, opts)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(raw)
	if err != nil {
		t.Fatalf("the plan does not load back: %v", err)
	}
	return back
}

func clusterInventory() *inventory.Document {
	three := 3
	return &inventory.Document{
		APIVersion: inventory.APIVersion, Kind: inventory.Kind,
		Cloud: inventory.CloudInfo{ExternalNetworks: []inventory.ExternalNetwork{{ID: "ext-1", Name: "public"}}},
		Flavors: []inventory.Flavor{
			{ID: "f1", Name: "SCS-2V-4", VCPUs: 2, RAMMiB: 4096},
			{ID: "f2", Name: "SCS-4V-8", VCPUs: 4, RAMMiB: 8192},
		},
		Keypairs: []inventory.Keypair{{Name: "ops", PublicKey: "ssh-ed25519 AAAA"}},
		Networks: []inventory.Network{{ID: "n-app", Name: "app"}, {ID: "n-k8s", Name: "k8s-clusterapi-cluster-tenant-a-prod"}},
		Subnets: []inventory.Subnet{{ID: "s-app", Name: "app", NetworkID: "n-app", IPVersion: 4, CIDR: "10.0.0.0/24"},
			{ID: "s-k8s", Name: "k8s-clusterapi-cluster-tenant-a-prod", NetworkID: "n-k8s", IPVersion: 4, CIDR: "10.8.0.0/20"}},
		Ports: []inventory.Port{
			{ID: "p-web", NetworkID: "n-app", DeviceOwner: "compute:nova", DeviceID: "srv-web", FixedIPs: []inventory.FixedIP{{SubnetID: "s-app", IPAddress: "10.0.0.5"}}},
			{ID: "p-node", NetworkID: "n-k8s", DeviceOwner: "compute:nova", DeviceID: "srv-node", FixedIPs: []inventory.FixedIP{{SubnetID: "s-k8s", IPAddress: "10.8.0.5"}}},
		},
		Servers: []inventory.Server{
			{ID: "srv-web", Name: "web", Status: "ACTIVE", PowerState: "RUNNING", FlavorID: "f1", FlavorName: "SCS-2V-4", BootFromVolume: true, Ports: []string{"p-web"}, AvailabilityZone: "nova"},
			{ID: "srv-node", Name: "prod-control-plane-x7f", Status: "ACTIVE", PowerState: "RUNNING", FlavorID: "f1", FlavorName: "SCS-2V-4", BootFromVolume: true, Ports: []string{"p-node"}, AvailabilityZone: "nova"},
		},
		Clusters: []inventory.Cluster{
			{Namespace: "tenant-a", Name: "prod", Class: "openstack-scs2-1-32-v1", Version: "v1.32.5", ControlPlaneReplicas: three,
				Labels:  map[string]string{"managed-secret": "clouds-yaml"},
				Workers: []inventory.WorkerPool{{Name: "md-0", Class: "default-worker", Replicas: 3}},
				Variables: map[string]any{"controlPlaneFlavor": "SCS-2V-4", "workerFlavor": "SCS-4V-8", "networkExternalID": "ext-1",
					"controlPlaneServerGroupID": "sg-123", "sshKeyName": "ops", "controlPlaneAvailabilityZones": []any{"nova"},
					"workerRootDisk": float64(50), "dnsNameservers": []any{"9.9.9.9"}},
				Workload: &inventory.Workload{Namespaces: []string{"default", "kube-system", "shop"}, Velero: true,
					DefaultStorageClass: "csi-cinder-sc-delete",
					StorageClasses: []inventory.StorageClass{{Name: "csi-cinder-sc-delete", Provisioner: "cinder.csi.openstack.org", Default: true},
						{Name: "local-path", Provisioner: "rancher.io/local-path"}},
					PVCs: []inventory.PVC{{Namespace: "shop", Name: "db", StorageClass: "csi-cinder-sc-delete", Size: "10Gi"},
						{Namespace: "shop", Name: "cache", StorageClass: "local-path", Size: "1Gi"}, {Namespace: "shop", Name: "logs", Size: "1Gi"}},
					BackupLocations: []inventory.BackupStorageLocation{{Name: "default", Provider: "aws", Bucket: "backups", AccessMode: "ReadWrite"}}}},
			{Namespace: "tenant-a", Name: "dev", Class: "openstack-scs2-1-31-v0-sha.abcdefg", Version: "v1.31.2",
				Workload: &inventory.Workload{Namespaces: []string{"default"}}},
			{Namespace: "tenant-a", Name: "future", Class: "openstack-scs2-1-35-v1", Version: "v1.35.1"},
			{Namespace: "tenant-a", Name: "handmade", Class: "my-class", Version: "v1.32.5"},
		},
	}
}

func clusterTarget() *Target {
	return &Target{
		Flavors: []inventory.Flavor{{ID: "t1", Name: "SCS-2V-4", VCPUs: 2, RAMMiB: 4096}, {ID: "t2", Name: "SCS-4V-16", VCPUs: 4, RAMMiB: 16384},
			{ID: "t3", Name: "SCS-8V-32", VCPUs: 8, RAMMiB: 32768}},
		ExternalNetworks: []inventory.ExternalNetwork{{ID: "ext-9", Name: "ext-net"}},
		ComputeAZs:       []string{"az1", "az2"},
		Images:           []inventory.Image{{ID: "i1", Name: "ubuntu-capi-image-v1.33.10", Status: "active"}},
		ClusterClasses: []string{"tenant-b/openstack-scs-1-33-v1", "tenant-b/openstack-scs2-1-31-v1", "tenant-b/openstack-scs2-1-33-v2",
			"tenant-b/openstack-scs2-1-33-v3", "tenant-b/openstack-scs2-1-33-v4-alpha.0", "tenant-b/openstack-scs2-1-34-v1"},
	}
}

func TestPlanClusters(t *testing.T) {
	p := planWithClusters(t, clusterInventory(), clusterTarget(), "")

	wantSteps := map[string][]string{
		"cluster/tenant-a/prod":        {"keypair/ops"},
		"velero-backup/tenant-a/prod":  {"cluster/tenant-a/prod"},
		"velero-restore/tenant-a/prod": {"velero-backup/tenant-a/prod"},
	}
	for _, s := range p.Steps {
		if strings.Contains(s.ID, "srv-node") || strings.Contains(s.ID, "n-k8s") || strings.Contains(s.ID, "s-k8s") || strings.Contains(s.ID, "p-node") {
			t.Errorf("step %s moves a resource the cluster's KaaS made", s.ID)
		}
		if deps, ok := wantSteps[s.ID]; ok {
			if !slices.Equal(s.DependsOn, deps) {
				t.Errorf("%s depends on %v, want %v", s.ID, s.DependsOn, deps)
			}
			delete(wantSteps, s.ID)
		}
		if strings.Contains(s.ID, "tenant-a/dev") || strings.Contains(s.ID, "future") || strings.Contains(s.ID, "handmade") {
			t.Errorf("blocked cluster has step %s", s.ID)
		}
	}
	if len(wantSteps) != 0 {
		t.Errorf("missing steps %v", wantSteps)
	}
	if !slices.ContainsFunc(p.Steps, func(s Step) bool { return s.ID == "server/srv-web" }) {
		var ids []string
		for _, s := range p.Steps {
			ids = append(ids, s.ID)
		}
		t.Errorf("the tenant's own server lost its step: %v\nblocked %+v", ids, p.Blocked)
	}

	m := mappingsByKey(p.Mappings.ClusterClasses)
	checkMapping(t, m, "cluster-class||openstack-scs2-1-32-v1", "openstack-scs2-1-33-v3", "newer-minor")
	checkMapping(t, m, "kubernetes-version|tenant-a/prod|v1.32.5", "v1.33", "class-release")
	checkMapping(t, m, "cluster|tenant-a/prod|prod", "prod", "rebuild")
	checkMapping(t, m, "storage-class|tenant-a/prod|csi-cinder-sc-delete", "", "default")
	checkMapping(t, m, "storage-class|tenant-a/prod|local-path", "", "default")
	checkMapping(t, m, "cluster-class||openstack-scs2-1-31-v0-sha.abcdefg", "openstack-scs2-1-31-v1", "same-minor")
	checkMapping(t, m, "cluster|tenant-a/dev|dev", "", "blocked")
	checkMapping(t, m, "cluster-class||openstack-scs2-1-35-v1", "", "blocked")
	checkMapping(t, m, "cluster|tenant-a/handmade|handmade", "", "blocked")

	spec, err := ClusterSpecOf(p, "tenant-a/prod")
	if err != nil {
		t.Fatal(err)
	}
	want := &ClusterSpec{SourceID: "tenant-a/prod", Namespace: "tenant-b", Name: "prod", Class: "openstack-scs2-1-33-v3", Version: "v1.33",
		ControlPlaneReplicas: 3, Workers: []inventory.WorkerPool{{Name: "md-0", Class: "default-worker", Replicas: 3}},
		Labels: map[string]string{"managed-secret": "clouds-yaml"},
		Variables: map[string]any{"controlPlaneFlavor": "SCS-2V-4", "workerFlavor": "SCS-4V-16", "networkExternalID": "ext-9",
			"sshKeyName": "ops", "controlPlaneAvailabilityZones": []any{"az1"}, "workerRootDisk": float64(50), "dnsNameservers": []any{"9.9.9.9"}},
		StorageClasses: map[string]string{"csi-cinder-sc-delete": "", "local-path": ""}, Namespaces: map[string]string{}}
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("spec =\n%#v\nwant\n%#v", spec, want)
	}
	cl := m["cluster|tenant-a/prod|prod"]
	for _, c := range []string{"version v1.32.5 → v1.33", "cluster stack scs2 v1 → v3", "workerFlavor SCS-4V-8 → SCS-4V-16", "controlPlaneServerGroupID dropped: it holds source-cloud IDs",
		"networkExternalID ext-1 (public) → ext-9 (ext-net)", "controlPlaneAvailabilityZones: zone nova → az1"} {
		if !slices.Contains(cl.Changes, c) {
			t.Errorf("cluster changes %q lack %q", cl.Changes, c)
		}
	}
	for _, w := range []string{"on node-local storage class local-path", "no storage class mapping for csi-cinder-sc-delete (2 PVCs), local-path (1 PVC)",
		"belong to cluster tenant-a/prod", "Velero must be installed in the new cluster with a BackupStorageLocation on aws bucket \"backups\""} {
		if !slices.ContainsFunc(p.Warnings, func(f Finding) bool { return strings.Contains(f.Reason, w) }) {
			t.Errorf("no warning %q", w)
		}
	}
	for id, why := range map[string]string{
		"tenant-a/dev":      "Velero is not installed in the source cluster",
		"tenant-a/future":   "only for lower Kubernetes versions (openstack-scs2-1-31-v1, openstack-scs2-1-33-v2, openstack-scs2-1-33-v3, openstack-scs2-1-33-v4-alpha.0, openstack-scs2-1-34-v1) than the source's 1.35",
		"tenant-a/handmade": "not built from a cluster-stack ClusterClass",
	} {
		if !slices.ContainsFunc(p.Blocked, func(f Finding) bool { return f.SourceID == id && strings.Contains(f.Reason, why) }) {
			t.Errorf("%s is not blocked with %q: %+v", id, why, p.Blocked)
		}
	}
	if got := pvcBytes(clusterInventory().Clusters[0].Workload); got != 12*gib {
		t.Errorf("the PVCs hold 12 GiB, not %d bytes", got)
	}
	d := newBuilder(p.Inventory, clusterTarget(), BuildOptions{}).d
	need := map[string]int{}
	for _, q := range addClusterDemands(p, d, []quotaDemand{{service: "compute", resource: "cores", need: 2}}) {
		need[q.service+"."+q.resource] = q.need
	}
	// 3 control plane nodes SCS-2V-4, 3 workers SCS-4V-16 with 50 GB root
	// volumes (the control plane's default is 50 GB too), 3 PVCs.
	wantNeed := map[string]int{"compute.cores": 2 + 3*2 + 3*4, "compute.ram": 3*4096 + 3*16384, "compute.instances": 6,
		"volume.volumes": 6 + 3, "volume.gigabytes": 6*50 + 12, "network.network": 1, "load-balancer.load_balancer": 1}
	for k, v := range wantNeed {
		if need[k] != v {
			t.Errorf("demand %s = %d, want %d", k, need[k], v)
		}
	}
	r := ReportFromPlan(p, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	if !slices.ContainsFunc(r.Items, func(it Item) bool { return it.Kind == "cluster" && it.Name == "dev" && it.Status == StatusBlocked }) {
		t.Error("the audit does not show dev as blocked")
	}
	if !slices.ContainsFunc(r.Items, func(it Item) bool { return it.Kind == "cluster" && it.Name == "prod" && it.Status == StatusChange }) {
		t.Error("the audit does not show prod as moving with changes")
	}
}

func TestPlanClusterOverrides(t *testing.T) {
	p := planWithClusters(t, clusterInventory(), clusterTarget(), `apiVersion: scs-migrate.io/v1alpha1
kind: Mapping
clusterClasses:
  openstack-scs2-1-32-v1: openstack-scs2-1-34-v1
storageClasses:
  local-path: csi-cinder-sc-retain
namespaces:
  shop: shop-v2
`)
	m := mappingsByKey(p.Mappings.ClusterClasses)
	checkMapping(t, m, "cluster-class||openstack-scs2-1-32-v1", "openstack-scs2-1-34-v1", "override")
	checkMapping(t, m, "storage-class|tenant-a/prod|local-path", "csi-cinder-sc-retain", "override")
	checkMapping(t, m, "namespace|tenant-a/prod|shop", "shop-v2", "override")
	spec, err := ClusterSpecOf(p, "tenant-a/prod")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Class != "openstack-scs2-1-34-v1" || spec.StorageClasses["local-path"] != "csi-cinder-sc-retain" || spec.Namespaces["shop"] != "shop-v2" {
		t.Errorf("spec = %+v", spec)
	}

	bad := ClusterOverrides{File: "map.yaml",
		ClusterClasses: []Override{{Source: "openstack-scs2-1-32-v1", Target: "openstack-scs2-1-30-v1", Field: "clusterClasses", Line: 3}},
		StorageClasses: []Override{{Source: "nfs", Target: "x", Field: "storageClasses", Line: 4}}}
	err = bad.Check(clusterInventory(), clusterTarget())
	for _, want := range []string{`map.yaml:4: storageClasses: source storage class "nfs" is not in the inventory`,
		`map.yaml:3: clusterClasses: "openstack-scs2-1-32-v1": target ClusterClass "openstack-scs2-1-30-v1" is not offered`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check() = %v, want %q", err, want)
		}
	}
}

func TestPlanClustersSameTargetName(t *testing.T) {
	inv := clusterInventory()
	twin := inv.Clusters[0]
	twin.Namespace = "tenant-z"
	inv.Clusters = append(inv.Clusters, twin)
	p := planWithClusters(t, inv, clusterTarget(), "")
	if !slices.ContainsFunc(p.Blocked, func(f Finding) bool {
		return f.SourceID == "tenant-z/prod" && strings.Contains(f.Reason, "cluster tenant-a/prod already becomes tenant-b/prod")
	}) {
		t.Errorf("blocked = %+v", p.Blocked)
	}
}

func TestMapClusterClassNeverLower(t *testing.T) {
	src, _ := scs.ParseClusterClassName("openstack-scs2-1-33-v1")
	offered := parseOffered([]string{"openstack-scs2-1-32-v9"})
	ov := &Override{Source: src.String(), Target: "openstack-scs2-1-32-v9"}
	for _, m := range []Mapping{mapClusterClass(src, offered, nil, ""), mapClusterClass(src, offered, ov, "map.yaml:2")} {
		if m.Action != "blocked" || !strings.Contains(m.Reason, "Velero cannot restore into an older Kubernetes") {
			t.Errorf("mapping = %+v", m)
		}
	}
	if m := mapKubernetesVersion("a/b", "v1.34.1", mustClass(t, "openstack-scs2-1-33-v1")); m.Action != "blocked" {
		t.Errorf("a lower minor version: %+v", m)
	}
	if m := mapKubernetesVersion("a/b", "v1.33.4", mustClass(t, "openstack-scs2-1-33-v1")); m.TargetName != "v1.33.4" || m.Rule != "same-minor" {
		t.Errorf("same minor: %+v", m)
	}
}

func TestClusterOwned(t *testing.T) {
	inv := clusterInventory()
	inv.LoadBalancers = []inventory.LoadBalancer{{ID: "lb-api", Name: "k8s-clusterapi-cluster-tenant-a-prod-kubeapi", VIPPortID: "p-vip"},
		{ID: "lb-web", Name: "web", VIPNetworkID: "n-app", VIPPortID: "p-webvip"}}
	inv.FloatingIPs = []inventory.FloatingIP{{ID: "fip-api", PortID: "p-vip"}, {ID: "fip-web", PortID: "p-web"}}
	inv.Volumes = []inventory.Volume{{ID: "pv-1", Metadata: map[string]string{csiClusterKey: "prod"}}, {ID: "data", Metadata: map[string]string{}}}
	own := clusterOwned(inv)
	for _, id := range []string{"n-k8s", "s-k8s", "p-node", "srv-node", "lb-api", "fip-api", "pv-1"} {
		if own[id] != "tenant-a/prod" {
			t.Errorf("%s is not owned by the cluster", id)
		}
	}
	for _, id := range []string{"n-app", "s-app", "p-web", "srv-web", "lb-web", "fip-web", "data", ""} {
		if own[id] != "" {
			t.Errorf("%s is owned by %s", id, own[id])
		}
	}
}

func mustClass(t *testing.T, s string) scs.ClusterClassName {
	t.Helper()
	c, err := scs.ParseClusterClassName(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mappingsByKey(list []Mapping) map[string]Mapping {
	out := map[string]Mapping{}
	for _, m := range list {
		out[m.Kind+"|"+m.SourceID+"|"+m.SourceName] = m
	}
	return out
}

func checkMapping(t *testing.T, m map[string]Mapping, key, target, rule string) {
	t.Helper()
	got, ok := m[key]
	if !ok {
		t.Errorf("no mapping %s", key)
		return
	}
	if got.TargetName != target || got.Rule != rule {
		t.Errorf("mapping %s → %q (%s: %s), want %q by %s", key, got.TargetName, got.Rule, got.Reason, target, rule)
	}
}
