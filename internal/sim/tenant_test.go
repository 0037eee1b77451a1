package sim_test

import (
	"os"
	"path/filepath"
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
