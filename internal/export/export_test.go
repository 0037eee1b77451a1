package export_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/export"
	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// migrated is the example tenant migrated between two simulated clouds.
type migrated struct {
	ctx      context.Context
	clouds   string
	dst      *cloud.Session
	plan     *plans.Plan
	planFile string
}

func migrateExample(t *testing.T) *migrated {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	delay := sim.Options{AsyncDelay: 5 * time.Millisecond}
	pair, err := sim.NewPair(sim.PairOptions{Source: delay, Target: delay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pair.Close() })
	tenant, err := sim.LoadTenant("../../examples/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.SeedTenant(ctx, pair.Source, tenant); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m := &migrated{ctx: ctx, clouds: filepath.Join(dir, "clouds.yaml"), planFile: filepath.Join(dir, "plan.json")}
	if err := sim.WriteCloudsYAML(m.clouds, pair.Entries()); err != nil {
		t.Fatal(err)
	}
	open := func(name string) *cloud.Session {
		s, err := cloud.Open(ctx, name, cloud.Options{CloudsFile: m.clouds})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	src, dst := open("sim-source"), open("sim-target")
	m.dst = dst
	bucket := func(s *cloud.Session) *s3.Client {
		c, err := s3.Open(ctx, s, s3.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	buckets := &transfer.BucketCopier{Source: bucket(src), Target: bucket(dst)}
	inv, err := inventory.Collect(ctx, src, inventory.Options{S3: buckets.Source})
	if err != nil {
		t.Fatal(err)
	}
	tgt, err := plans.ReadTarget(ctx, dst)
	if err != nil {
		t.Fatal(err)
	}
	if m.plan, err = plans.Build(inv, tgt, plans.BuildOptions{SourceCloud: "sim-source", TargetCloud: "sim-target"}); err != nil {
		t.Fatal(err)
	}
	if err := plans.WriteFile(m.planFile, m.plan); err != nil {
		t.Fatal(err)
	}
	_, err = migrate.Run(ctx, m.plan, src, dst, migrate.Options{JournalPath: migrate.JournalPath(m.planFile),
		Poll: 20 * time.Millisecond, Timeout: time.Minute, Buckets: buckets,
		Data: &transfer.Copier{Source: src, Target: dst, Poll: 20 * time.Millisecond}})
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return m
}

// uuids are the IDs the simulator made, different in each run.
var (
	uuids   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	stepIDs = regexp.MustCompile(`((?:plan-|step=|"scs-migrate\.step" = ")\s*)[0-9a-f]{16}`)
	macs    = regexp.MustCompile(`fa:16:3e(:[0-9a-f]{2}){3}`)
)

// TestOpenTofuExample exports the migrated example tenant, compares the
// code with the golden file and, where the toolchain of
// hack/tofu/build.sh is there, imports it with OpenTofu and the
// OpenStack provider against the simulated target: the plan after the
// import must show no changes.
func TestOpenTofuExample(t *testing.T) {
	m := migrateExample(t)
	res, err := export.Plan(m.ctx, m.planFile, m.plan, m.dst, export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Skipped {
		t.Logf("not written: %s", s)
	}
	for _, want := range []string{"openstack_networking_network_v2", "openstack_networking_subnet_v2",
		"openstack_networking_router_v2", "openstack_networking_router_interface_v2",
		"openstack_networking_secgroup_v2", "openstack_networking_secgroup_rule_v2",
		"openstack_compute_keypair_v2", "openstack_compute_servergroup_v2", "openstack_blockstorage_volume_v3",
		"openstack_compute_instance_v2", "openstack_compute_volume_attach_v2", "openstack_networking_floatingip_v2",
		"openstack_networking_floatingip_associate_v2", "openstack_networking_port_v2",
		"openstack_networking_subnet_route_v2", "openstack_networking_router_route_v2",
		"openstack_lb_loadbalancer_v2", "openstack_lb_listener_v2", "openstack_lb_pool_v2",
		"openstack_lb_member_v2", "openstack_lb_monitor_v2"} {
		if res.Counts[want] == 0 {
			t.Errorf("no %s written", want)
		}
	}

	// The golden file: the three files with the run's IDs numbered in
	// order of appearance.
	var all bytes.Buffer
	for _, name := range []string{"providers.tf", "main.tf", "imports.tf"} {
		all.WriteString("### " + name + "\n")
		all.Write(res.Files[name])
	}
	seen := map[string]string{}
	golden := macs.ReplaceAllString(stepIDs.ReplaceAllString(all.String(), "${1}0123456789abcdef"), "fa:16:3e:00:00:00")
	golden = uuids.ReplaceAllStringFunc(golden, func(id string) string {
		if _, ok := seen[id]; !ok {
			seen[id] = fmt.Sprintf("00000000-0000-0000-0000-%012d", len(seen)+1)
		}
		return seen[id]
	})
	goldenFile := filepath.Join("testdata", "example.tf.golden")
	if *update {
		if err := os.WriteFile(goldenFile, []byte(golden), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(want) != golden {
		got := filepath.Join(os.TempDir(), "scs-migrate-example.tf.got")
		os.WriteFile(got, []byte(golden), 0o644)
		t.Errorf("the code (in %s) differs from %s; go test -update rewrites it", got, goldenFile)
	}

	dir := filepath.Join(t.TempDir(), "tofu")
	if err := export.WriteDir(dir, res.Files, false); err != nil {
		t.Fatal(err)
	}
	if err := export.WriteDir(dir, res.Files, false); !errors.Is(err, export.ErrNotEmpty) {
		t.Errorf("a second write without force: %v, want ErrNotEmpty", err)
	}
	if err := export.WriteDir(dir, res.Files, true); err != nil {
		t.Errorf("a second write with force: %v", err)
	}
	tofuRoundTrip(t, m, dir)
}

// tofuRoundTrip runs tofu init, apply (imports only) and plan in dir.
func tofuRoundTrip(t *testing.T, m *migrated, dir string) {
	tofu, rc := os.Getenv("SCS_MIGRATE_TOFU"), os.Getenv("TF_CLI_CONFIG_FILE")
	if tofu == "" || rc == "" {
		msg := "no OpenTofu round trip: run eval \"$(hack/tofu/build.sh)\" to build tofu and the OpenStack provider (SCS_MIGRATE_TOFU, TF_CLI_CONFIG_FILE)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	run := func(args ...string) (string, int) {
		t.Helper()
		cmd := exec.CommandContext(m.ctx, tofu, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "OS_CLIENT_CONFIG_FILE="+m.clouds,
			"TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "TF_INPUT=0", "TF_DATA_DIR="+filepath.Join(dir, ".terraform"))
		out, err := cmd.CombinedOutput()
		code := 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatalf("tofu %s: %v", args[0], err)
		}
		return string(out), code
	}
	if out, code := run("init", "-no-color"); code != 0 {
		t.Fatalf("tofu init: exit %d\n%s", code, out)
	}
	// With the import blocks pending, the plan must only import.
	out, code := run("plan", "-no-color", "-detailed-exitcode")
	summary := regexp.MustCompile(`Plan: \d+ to import, 0 to add, 0 to change, 0 to destroy\.`).FindString(out)
	if code == 1 || summary == "" {
		t.Fatalf("tofu plan with the imports: exit %d, want imports only\n%s", code, out)
	}
	t.Log("tofu plan with the import blocks: " + summary)
	if out, code := run("apply", "-no-color", "-auto-approve"); code != 0 || !strings.Contains(out, " 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("tofu apply (imports only): exit %d\n%s", code, out)
	}
	if out, code := run("plan", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Fatalf("tofu plan -detailed-exitcode after the import: exit %d, want 0 (no changes)\n%s", code, out)
	}
	t.Log("tofu plan -detailed-exitcode after the import: exit 0, no changes")
}
