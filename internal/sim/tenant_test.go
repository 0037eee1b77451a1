package sim_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

func TestExampleTenantIsValid(t *testing.T) {
	ten, err := sim.LoadTenant("../../examples/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ten.Servers) != 5 || len(ten.Networks) != 2 || len(ten.Images) != 2 {
		t.Errorf("example tenant: %d servers, %d networks, %d images", len(ten.Servers), len(ten.Networks), len(ten.Images))
	}
}

func TestBadTenantFixtures(t *testing.T) {
	base, err := os.ReadFile("../../examples/tenant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, from, to, want string
	}{
		{"typo in a field", "    flavor: SCS-1V-2-5", "    flavour: SCS-1V-2-5", "field flavour not found"},
		{"unknown network", "[{network: frontend, fixedIP: 10.10.1.5}]", "[{network: frontnd, fixedIP: 10.10.1.5}]", `servers[0].networks[0].network: no network "frontnd"`},
		{"unknown remote group", "remoteGroup: bastion}\n  - name: db", "remoteGroup: bastio}\n  - name: db", `securityGroups[1].rules[2].remoteGroup: no security group "bastio"`},
		{"bad cidr", "cidr: 10.10.1.0/24", "cidr: 10.10.1.0/33", `networks[0].subnets[0].cidr: "10.10.1.0/33" is not a CIDR`},
		{"duplicate", "  - name: web-2\n", "  - name: web-1\n", `servers[2].name: server "web-1" is defined twice`},
		{"wrong kind", "kind: Tenant", "kind: Tenat", "apiVersion/kind"},
		{"not yaml", "keypairs:", "keypairs: [", "line"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(base), tc.from) {
				t.Fatalf("fixture no longer contains %q", tc.from)
			}
			file := filepath.Join(t.TempDir(), "bad.yaml")
			os.WriteFile(file, []byte(strings.Replace(string(base), tc.from, tc.to, 1)), 0o600)
			_, err := sim.LoadTenant(file)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), file) {
				t.Fatalf("got %v, want an error naming %s and %q", err, file, tc.want)
			}
		})
	}
}

func TestTenant10kIsValid(t *testing.T) {
	ten, err := sim.LoadTenant("../../examples/tenant-10k.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if ten.Bulk == nil || ten.Bulk.Servers != 1000 || ten.Quotas == nil || *ten.Quotas.Instances != 1200 || ten.Quotas.Cores == nil {
		t.Errorf("bulk %+v quotas %+v", ten.Bulk, ten.Quotas)
	}
}

func TestBadTenantQuotasAndBulk(t *testing.T) {
	for _, tc := range []struct{ name, section, want string }{
		{"unknown quota", "quotas:\n  instance: 2\n", "field instance not found"},
		{"negative quota", "quotas:\n  gigabytes: -1\n", "quotas.gigabytes: -1 is negative"},
		{"quota not a number", "quotas:\n  ports: many\n", "cannot unmarshal"},
		{"unknown bulk field", "bulk:\n  server: 3\n", "field server not found"},
		{"negative bulk count", "bulk:\n  networks: 1\n  volumes: -2\n", "bulk.volumes: -2 is negative"},
		{"ports without networks", "bulk:\n  ports: 5\n", "bulk.ports: need networks"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := "apiVersion: scs-migrate.io/v1alpha1\nkind: Tenant\nname: t\n" + tc.section
			_, err := sim.ParseTenant([]byte(doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseQuotas(t *testing.T) {
	q, err := sim.ParseQuotas("instances=2, gigabytes=10,ramMiB=4096")
	if err != nil {
		t.Fatal(err)
	}
	got := q.Apply(sim.DefaultQuotas)
	want := sim.DefaultQuotas
	want.Instances, want.Gigabytes, want.RAMMiB = 2, 10, 4096
	if got != want {
		t.Errorf("applied %+v, want %+v", got, want)
	}
	for spec, msg := range map[string]string{
		"instance=2":    "NAME one of instances, cores, ramMiB",
		"instances":     "want NAME=NUMBER",
		"instances=two": `"two" is not a number`,
		"ports=-3":      "ports: -3 is negative",
	} {
		if _, err := sim.ParseQuotas(spec); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: got %v, want %q", spec, err, msg)
		}
	}
}

// TestTenantQuotasCoverQuotas keeps the fixture's quotas section in step
// with sim.Quotas: every quota can be set, under its lowerCamelCase name.
func TestTenantQuotasCoverQuotas(t *testing.T) {
	qt, ot := reflect.TypeFor[sim.Quotas](), reflect.TypeFor[sim.TenantQuotas]()
	if qt.NumField() != ot.NumField() {
		t.Fatalf("Quotas has %d fields, TenantQuotas %d", qt.NumField(), ot.NumField())
	}
	for i := range qt.NumField() {
		name := qt.Field(i).Name
		f, ok := ot.FieldByName(name)
		lower := strings.ToLower(name[:1]) + name[1:]
		if name == "RAMMiB" {
			lower = "ramMiB"
		}
		if !ok || f.Tag.Get("yaml") != lower {
			t.Errorf("Quotas.%s: TenantQuotas field %v, tag %q, want %q", name, ok, f.Tag.Get("yaml"), lower)
		}
	}
}

func TestUpdateQuotas(t *testing.T) {
	c, err := sim.New(sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	q, _ := sim.ParseQuotas("instances=2,gigabytes=10")
	if err := c.UpdateQuotas("tenant", q); err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateQuotas("nobody", q); err == nil {
		t.Error("quotas of an unknown project")
	}
}
