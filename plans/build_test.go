package plans

import (
	"slices"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// stepByID finds a step of a plan.
func stepByID(t *testing.T, p *Plan, id string) Step {
	t.Helper()
	for _, s := range p.Steps {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no step %s", id)
	return Step{}
}

func hasStep(p *Plan, id string) bool {
	return slices.ContainsFunc(p.Steps, func(s Step) bool { return s.ID == id })
}

func mustBuild(t *testing.T, inv *inventory.Document, tgt *Target, ov *Overrides) *Plan {
	t.Helper()
	p, err := buildDemo(inv, tgt, ov)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("the plan does not validate: %v", err)
	}
	return p
}

func mapping(t *testing.T, list []Mapping, source string) Mapping {
	t.Helper()
	for _, m := range list {
		if m.SourceName == source {
			return m
		}
	}
	t.Fatalf("no mapping for %s", source)
	return Mapping{}
}

func TestBuildDemoMappings(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	for _, c := range []struct {
		list                      []Mapping
		src, target, action, rule string
	}{
		{p.Mappings.Flavors, "alpha.c4.m12", "SCS-4V-12", "map", "covering"},
		{p.Mappings.Flavors, "SCS-2V-4-20s", "SCS-2V-4-20s", "map", "scs-name"},
		{p.Mappings.VolumeTypes, "ssd-encrypted", "LUKS", "map", "aspects"},
		{p.Mappings.VolumeTypes, "ssd", "standard", "map", "aspects"},
		{p.Mappings.VolumeTypes, "__DEFAULT__", "standard", "map", "default"},
		{p.Mappings.Images, "Ubuntu 24.04", "Ubuntu 24.04", "map", "standard-image"},
		{p.Mappings.Images, "Debian 12", "Debian 12", "map", "standard-image"},
		{p.Mappings.Images, "webshop-app-2026.11", "", "copy", "custom-image"},
		{p.Mappings.ExternalNetworks, "public", "ext-net", "map", "only-one"},
		{p.Mappings.AvailabilityZones, "nova", "az1", "map", "default"},
	} {
		m := mapping(t, c.list, c.src)
		if m.TargetName != c.target || m.Action != c.action || m.Rule != c.rule || m.Reason == "" {
			t.Errorf("%s: got %s %q by %s (%q), want %s %q by %s", c.src, m.Action, m.TargetName, m.Rule, m.Reason, c.action, c.target, c.rule)
		}
	}
	if hasStep(p, "copy-image/img-ubuntu2404") || hasStep(p, "copy-image/img-debian12") {
		t.Error("a standard image the target offers is copied")
	}
	if !hasStep(p, "copy-image/img-webshop") {
		t.Error("the tenant's image is not copied")
	}
}

func TestBuildDependencies(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	want := map[string][]string{
		// cold cutover: stop before the final copy of the server's disks
		"snapshot-server/srv-web-1":      {"stop-server/srv-web-1"},
		"copy-volume/vol-db-data":        {"stop-server/srv-db-1"},
		"copy-volume/vol-db-1-root":      {"stop-server/srv-db-1"},
		"copy-volume/vol-archive":        {}, // detached
		"copy-volume/vol-reporting-root": {}, // its server is already SHUTOFF
		// boot from volume: the root copy; ephemeral: the snapshot
		"server/srv-db-1":  {"copy-volume/vol-db-1-root", "keypair/ops", "port/port-db-1"},
		"server/srv-web-1": {"keypair/ops", "port/port-web-1", "server-group/sg-web-spread", "snapshot-server/srv-web-1"},
		// ports keep fixed IPs: after network, subnet, groups
		"port/port-reporting-0":              {"network/net-backend", "security-group/sg-db", "security-group/sg-web", "subnet/sub-backend-v4"},
		"attach-volume/srv-db-1/vol-db-data": {"copy-volume/vol-db-data", "server/srv-db-1"},
		// routes after every interface
		"router-routes/rtr-edge": {"router-interface/rtr-edge/sub-backend-v4", "router-interface/rtr-edge/sub-frontend-v4", "router/rtr-edge"},
		// rules after every group they reference
		"security-group-rules/sg-db":  {"security-group/sg-bastion", "security-group/sg-db", "security-group/sg-web"},
		"security-group-rules/sg-web": {"security-group/sg-bastion", "security-group/sg-web"},
		// the floating IP after its port and the interface that routes to it
		"floating-ip/fip-bastion": {"port/port-bastion", "router-interface/rtr-edge/sub-frontend-v4"},
		// the load balancer after its subnet and member servers
		"load-balancer/lb-shop": {"server/srv-web-1", "server/srv-web-2", "subnet/sub-frontend-v4"},
	}
	for id, deps := range want {
		if got := stepByID(t, p, id).DependsOn; !slices.Equal(got, deps) {
			t.Errorf("%s depends on %v, want %v", id, got, deps)
		}
	}
	if hasStep(p, "stop-server/srv-reporting") {
		t.Error("a SHUTOFF server is stopped again")
	}
	if s := stepByID(t, p, "security-group/sg-default"); !s.Target.Existing {
		t.Error("the default security group is created instead of adopted")
	}
	if s := stepByID(t, p, "copy-volume/vol-db-data"); s.Target.VolumeType != "LUKS" || s.Target.AvailabilityZone != "az1" || s.Bytes != 4*gib {
		t.Errorf("copy-volume db-data: %+v, %d bytes", s.Target, s.Bytes)
	}
	if s := stepByID(t, p, "server/srv-reporting"); s.Target.FlavorName != "SCS-4V-12" {
		t.Errorf("reporting gets flavor %q", s.Target.FlavorName)
	}
	if s := stepByID(t, p, "port/port-web-1"); !s.Target.KeepMAC {
		t.Error("ports should keep their MAC")
	}
}

// TestStepsAreTopological checks that every step comes after what it
// depends on, and that steps are unique.
func TestStepsAreTopological(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	seen := map[string]bool{}
	for _, s := range p.Steps {
		if seen[s.ID] {
			t.Fatalf("step %s twice", s.ID)
		}
		for _, d := range s.DependsOn {
			if !seen[d] {
				t.Errorf("%s comes before its dependency %s", s.ID, d)
			}
		}
		seen[s.ID] = true
	}
	q := mustBuild(t, demoInventory(), demoTarget(), nil)
	a, _ := Marshal(p)
	b, _ := Marshal(q)
	if string(a) != string(b) {
		t.Error("two builds of the same input differ")
	}
}

func TestAttachmentsChainInDeviceOrder(t *testing.T) {
	inv := demoInventory()
	srv := &inv.Servers[1] // db-1
	for _, v := range []string{"vol-uploads", "vol-archive"} {
		srv.BlockDevices = append(srv.BlockDevices, inventory.BlockDevice{VolumeID: v, BootIndex: -1})
	}
	inv.Servers[3].BlockDevices = nil // web-1 gives up uploads
	p := mustBuild(t, inv, demoTarget(), nil)
	chain := []string{"server/srv-db-1", "attach-volume/srv-db-1/vol-db-data", "attach-volume/srv-db-1/vol-uploads", "attach-volume/srv-db-1/vol-archive"}
	for i := 1; i < len(chain); i++ {
		if deps := stepByID(t, p, chain[i]).DependsOn; !slices.Contains(deps, chain[i-1]) {
			t.Errorf("%s does not wait for %s: %v", chain[i], chain[i-1], deps)
		}
	}
}

func TestLiveCutoverStopsNothing(t *testing.T) {
	p, err := Build(demoInventory(), demoTarget(), BuildOptions{Cutover: CutoverLive, ID: "x", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Steps {
		if s.Kind == StepStopServer {
			t.Fatalf("live cutover plans %s", s.ID)
		}
	}
	if got := stepByID(t, p, "snapshot-server/srv-web-1").DependsOn; len(got) != 0 {
		t.Errorf("snapshot depends on %v", got)
	}
}

func finding(p *Plan, kind, id string) (Finding, bool) {
	for _, f := range p.Blocked {
		if f.Kind == kind && f.SourceID == id {
			return f, true
		}
	}
	return Finding{}, false
}

func TestBlockedServerIsPrunedWithEverythingDownstream(t *testing.T) {
	inv := demoInventory()
	inv.Flavors[3].ExtraSpecs = map[string]string{"scs:cpu-type": "dedicated-core"} // alpha.c4.m12
	tgt := demoTarget()
	tgt.Flavors = slices.DeleteFunc(tgt.Flavors, func(f inventory.Flavor) bool { return f.Name == "SCS-4C-16" })
	p := mustBuild(t, inv, tgt, nil)
	if m := mapping(t, p.Mappings.Flavors, "alpha.c4.m12"); m.Action != "blocked" || !strings.Contains(m.Reason, "dedicated-core") {
		t.Fatalf("flavor: %+v", m)
	}
	for _, id := range []string{"server/srv-reporting", "copy-volume/vol-reporting-root", "port/port-reporting-0", "port/port-reporting-1"} {
		if hasStep(p, id) {
			t.Errorf("%s is still planned", id)
		}
	}
	f, ok := finding(p, "server", "srv-reporting")
	if !ok || !strings.Contains(f.Reason, "flavor alpha.c4.m12: no target flavor covers") {
		t.Errorf("server finding: %+v", f)
	}
	if f, ok := finding(p, "volume", "vol-reporting-root"); !ok || f.Reason != `part of blocked server "reporting"` {
		t.Errorf("volume finding: %+v", f)
	}
	if !hasStep(p, "server/srv-db-1") {
		t.Error("an unrelated server was removed")
	}
}

func TestBlockedMemberRemovesTheLoadBalancer(t *testing.T) {
	inv := demoInventory()
	inv.Servers[3].Status = "ERROR" // web-1
	p := mustBuild(t, inv, demoTarget(), nil)
	if hasStep(p, "load-balancer/lb-shop") || hasStep(p, "attach-volume/srv-web-1/vol-uploads") || hasStep(p, "stop-server/srv-web-1") {
		t.Error("steps downstream of the blocked server remain")
	}
	if f, ok := finding(p, "load-balancer", "lb-shop"); !ok || f.Reason != `depends on blocked server "web-1"` {
		t.Errorf("load balancer finding: %+v", f)
	}
	if f, ok := finding(p, "server", "srv-web-1"); !ok || !strings.Contains(f.Reason, "status ERROR") {
		t.Errorf("server finding: %+v", f)
	}
}

func TestAmbiguousExternalNetworkBlocksRouterAndFloatingIP(t *testing.T) {
	tgt := demoTarget()
	tgt.ExternalNetworks = []inventory.ExternalNetwork{{ID: "a", Name: "ext-a"}, {ID: "b", Name: "ext-b"}}
	p := mustBuild(t, demoInventory(), tgt, nil)
	for _, id := range []string{"router/rtr-edge", "router-interface/rtr-edge/sub-frontend-v4", "router-routes/rtr-edge", "floating-ip/fip-bastion"} {
		if hasStep(p, id) {
			t.Errorf("%s is still planned", id)
		}
	}
	if f, ok := finding(p, "router", "rtr-edge"); !ok || !strings.Contains(f.Reason, "choose one under externalNetworks") {
		t.Errorf("router finding: %+v", f)
	}
	// with an override, all is well
	ov, err := ParseMapping("m.yaml", []byte("apiVersion: scs-migrate.io/v1alpha1\nkind: Mapping\nexternalNetworks:\n  public: ext-b\n"))
	if err != nil {
		t.Fatal(err)
	}
	p = mustBuild(t, demoInventory(), tgt, ov)
	if s := stepByID(t, p, "router/rtr-edge"); s.Target.ExternalNetworkID != "b" {
		t.Errorf("router gateway on %q", s.Target.ExternalNetworkID)
	}
	if p.Options.MappingFile != "m.yaml" {
		t.Errorf("mapping file %q", p.Options.MappingFile)
	}
}

func TestMissingServiceBlocks(t *testing.T) {
	tgt := demoTarget()
	tgt.Services = slices.DeleteFunc(tgt.Services, func(s string) bool { return s == "load-balancer" })
	p := mustBuild(t, demoInventory(), tgt, nil)
	if hasStep(p, "load-balancer/lb-shop") {
		t.Error("load balancer planned on a target without Octavia")
	}
	if c := check(t, p, "service load-balancer"); c.OK {
		t.Errorf("service check passes: %+v", c)
	}
	if !slices.ContainsFunc(p.Warnings, func(f Finding) bool { return strings.Contains(f.Reason, "mandatory services: load-balancer") }) {
		t.Errorf("no scs-0123 warning: %+v", p.Warnings)
	}
}

func check(t *testing.T, p *Plan, name string) Check {
	t.Helper()
	for _, c := range p.Preflight {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q", name)
	return Check{}
}

func TestPreflight(t *testing.T) {
	tgt := demoTarget()
	for i, q := range tgt.Quotas {
		if q.Resource == "instances" {
			tgt.Quotas[i].Limit, tgt.Quotas[i].InUse = 4, 1
		}
	}
	tgt.Existing.Networks = []string{"frontend", "other"}
	tgt.Existing.Subnets = []ExistingSubnet{{Name: "legacy", CIDR: "10.10.0.0/16"}}
	tgt.Existing.Keypairs = []string{"ops"}
	p := mustBuild(t, demoInventory(), tgt, nil)
	for _, c := range []struct {
		name   string
		ok     bool
		detail string
	}{
		{"quota compute.instances", false, "needs 5 + 1 in use = 6 of 4: short by 2"},
		{"quota compute.cores", true, "needs 13 + 0 in use = 13 of 64"},
		{"quota volume.gigabytes", true, "needs 22 GB"},
		{"clash network names", false, "already in the target project: frontend"},
		{"clash keypair names", false, "already in the target project: ops"},
		{"clash server names", true, "none of 5 names taken"},
		{"clash subnet CIDRs", false, "10.10.1.0/24 (frontend-v4) overlaps 10.10.0.0/16 (legacy)"},
		{"service key-manager", true, "volume type LUKS is [scs:encrypted]"},
	} {
		got := check(t, p, c.name)
		if got.OK != c.ok || !strings.Contains(got.Detail, c.detail) {
			t.Errorf("%s: ok=%v %q, want ok=%v %q", c.name, got.OK, got.Detail, c.ok, c.detail)
		}
	}
	r := ReportFromPlan(p, fixedNow)
	if r.Verdict != VerdictBlocked || len(r.QuotaShortfalls) != 1 {
		t.Errorf("verdict %s, shortfalls %v", r.Verdict, r.QuotaShortfalls)
	}
}

func TestUnknownQuotasAreWarnedAbout(t *testing.T) {
	tgt := demoTarget()
	tgt.Quotas = nil
	p := mustBuild(t, demoInventory(), tgt, nil)
	if !slices.ContainsFunc(p.Warnings, func(f Finding) bool { return f.Kind == "quota" && strings.Contains(f.Reason, "compute.instances") }) {
		t.Errorf("warnings: %+v", p.Warnings)
	}
}

func TestNotMigratedIsWarnedAbout(t *testing.T) {
	inv := demoInventory()
	inv.Containers = []inventory.Container{{Name: "assets", Objects: 3, Bytes: 3 << 30, S3: true}}
	inv.VolumeSnapshots = []inventory.VolumeSnapshot{{ID: "s", VolumeID: "vol-db-data"}}
	inv.NotCollected = []string{"loadBalancers"}
	tgt := demoTarget()
	tgt.Services = append(tgt.Services, "object-store")
	p := mustBuild(t, inv, tgt, nil)
	if !slices.ContainsFunc(p.Steps, func(s Step) bool {
		return s.Kind == StepCopyBucket && s.Target.Bucket == "assets" && s.DataBytes == 3<<30
	}) {
		t.Errorf("no copy-bucket step for the container: %+v", p.Steps)
	}
	for _, want := range []string{"volume snapshots are not migrated", "could not read these"} {
		if !slices.ContainsFunc(p.Warnings, func(f Finding) bool { return strings.Contains(f.Reason, want) }) {
			t.Errorf("no warning %q in %+v", want, p.Warnings)
		}
	}
}

func TestBuildRejectsBadInput(t *testing.T) {
	if _, err := Build(nil, demoTarget(), BuildOptions{}); err == nil {
		t.Error("nil inventory accepted")
	}
	if _, err := Build(demoInventory(), demoTarget(), BuildOptions{Cutover: "warm"}); err == nil || !strings.Contains(err.Error(), `cutover "warm"`) {
		t.Errorf("bad cutover: %v", err)
	}
	ov, err := ParseMapping("m.yaml", []byte("apiVersion: scs-migrate.io/v1alpha1\nkind: Mapping\nflavors:\n  m1.tiny: SCS-1V-2\n  alpha.c4.m12: SCS-9V-99\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(demoInventory(), demoTarget(), BuildOptions{Overrides: ov})
	for _, want := range []string{
		`m.yaml:4: flavors: source flavor "m1.tiny" is not in the inventory (valid: SCS-1V-2-5, SCS-2V-4-20s, SCS-4V-16, alpha.c4.m12`,
		`m.yaml:5: flavors: "alpha.c4.m12": target flavor "SCS-9V-99" does not exist on the target`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not say %q", err, want)
		}
	}
}
