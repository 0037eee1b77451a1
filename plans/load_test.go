package plans

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestWriteFileAndLoadRoundTrip(t *testing.T) {
	p := mustBuild(t, demoInventory(), demoTarget(), nil)
	path := filepath.Join(t.TempDir(), "plan.json")
	if err := WriteFile(path, p); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	q, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Marshal(p)
	b, _ := Marshal(q)
	if string(a) != string(b) {
		t.Error("the plan changed on its way through the file")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestBadPlans loads each malformed plan of testdata/bad and checks that
// the error names the file, the field and the value.
func TestBadPlans(t *testing.T) {
	for file, want := range map[string]string{
		"plan-unknown-field.json":      `unknown field "bogus"`,
		"plan-unknown-step-field.json": `unknown field "steps[0].colour"`,
		"plan-wrong-apiversion.json":   `apiVersion: "scs-migrate.io/v0" is not supported, want "scs-migrate.io/v1alpha1"`,
		"plan-wrong-kind.json":         `kind: "Inventory", want "Plan"`,
		"plan-no-id.json":              `id: missing`,
		"plan-no-inventory.json":       `inventory: missing`,
		"plan-bad-cutover.json":        `options.cutover: "warm"`,
		"plan-dangling.json":           `steps[1].dependsOn[0]: "network/nope" is not a step of the plan`,
		"plan-self.json":               `steps[0].dependsOn[0]: step "network/a" depends on itself`,
		"plan-cycle.json":              `steps: dependency cycle network/a → subnet/c → subnet/b → network/a`,
		"plan-duplicate.json":          `steps[1].id: "network/a" is also the id of steps[0]`,
		"plan-bad-kind.json":           `steps[0].kind: "teleport" is not a step kind`,
		"plan-no-step-id.json":         `steps[0].id: missing`,
		"plan-no-source.json":          `steps[0].sourceID: missing for step "network/a"`,
		"plan-negative-bytes.json":     `steps[0].bytes: -5 is negative`,
		"plan-bad-databasis.json":      `steps[0].dataBasis: "a guess", want "image size", "provisioned (upper bound)" or "object listing"`,
		"plan-type.json":               `steps.bytes: got a JSON string, want int64`,
		"plan-truncated.json":          `empty or truncated file`,
		"plan-trailing.json":           `trailing data after the plan`,
		"plan-empty.json":              `empty or truncated file`,
		"plan-not-json.json":           `line 1: not valid JSON`,
	} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("loaded")
			}
			if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), want) {
				t.Errorf("error\n  %v\nwant %s: …%s…", err, path, want)
			}
		})
	}
}

func TestExampleMapping(t *testing.T) {
	ov, err := LoadMapping("../examples/mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := ov.Check(demoInventory(), demoTarget()); err != nil {
		t.Fatalf("the example does not fit the demo tenant: %v", err)
	}
	p := mustBuild(t, demoInventory(), demoTarget(), ov)
	for _, c := range []struct {
		list        []Mapping
		src, target string
	}{
		{p.Mappings.Flavors, "alpha.c4.m12", "SCS-4C-16"},
		{p.Mappings.Images, "legacy-reporting", "Debian 12"},
		{p.Mappings.AvailabilityZones, "nova", "az2"},
	} {
		if m := mapping(t, c.list, c.src); m.TargetName != c.target || m.Rule != "override" || !strings.HasPrefix(m.Reason, "set in ../examples/mapping.yaml:") {
			t.Errorf("%s: %+v", c.src, m)
		}
	}
	if hasStep(p, "copy-image/img-legacy") {
		t.Error("an image mapped by override is still copied")
	}
	if len(p.Waves) != 1 || p.Waves[0].Name != "shop" || !slices.Equal(p.Waves[0].Servers, []string{"srv-web-1", "srv-db-1"}) ||
		!strings.HasPrefix(p.Waves[0].From, "../examples/mapping.yaml:") {
		t.Errorf("the example's waves: %+v", p.Waves)
	}
}

// TestBadMappings parses each malformed mapping of testdata/bad and,
// where it parses, checks it against the demo tenant.
func TestBadMappings(t *testing.T) {
	for file, want := range map[string]string{
		"mapping-unknown-field.yaml":        `:3: unknown field "flavours"`,
		"mapping-wrong-apiversion.yaml":     `:1: apiVersion: "v1" is not supported, want "scs-migrate.io/v1alpha1"`,
		"mapping-wrong-kind.yaml":           `:2: kind: "Plan" is not supported, want "Mapping"`,
		"mapping-list-apiversion.yaml":      `:1: apiVersion: a list is not supported, want "scs-migrate.io/v1alpha1"`,
		"mapping-missing-kind.yaml":         `:1: kind: missing`,
		"mapping-duplicate-source.yaml":     `:5: flavors: "alpha.c4.m12": duplicate source (first at line 4)`,
		"mapping-duplicate-section.yaml":    `:5: flavors: duplicate key (first at line 3)`,
		"mapping-list-section.yaml":         `:3: flavors: want a mapping of source name to target name, got a list`,
		"mapping-nested-target.yaml":        `:5: volumeTypes: "ssd": the target must be a non-empty name, got a mapping`,
		"mapping-empty-target.yaml":         `:4: images: "legacy-reporting": the target must be a non-empty name, got ""`,
		"mapping-null-target.yaml":          `:4: computeAZs: "nova": the target must be a non-empty name, got nothing`,
		"mapping-not-yaml.yaml":             `: not valid YAML`,
		"mapping-two-docs.yaml":             `: more than one YAML document`,
		"mapping-empty.yaml":                `: empty mapping file`,
		"mapping-top-list.yaml":             `:1: want a mapping with apiVersion, kind`,
		"mapping-unknown-source.yaml":       `:4: flavors: source flavor "m1.tiny" is not in the inventory (valid: SCS-1V-2-5, SCS-2V-4-20s, SCS-4V-16, alpha.c4.m12)`,
		"mapping-unknown-target.yaml":       `:4: volumeTypes: "ssd": target volume type "gold" does not exist on the target (valid: LUKS, local-nvme, standard)`,
		"mapping-unknown-zone.yaml":         `:4: volumeAZs: source volume zone "eu-de-1" is not in the inventory (valid: nova)`,
		"mapping-unknown-network.yaml":      `:4: externalNetworks: "public": target external network "internet" does not exist on the target (valid: ext-net)`,
		"mapping-waves-unknown-server.yaml": `:5: waves: "shop": server "web-9" is not in the inventory (valid: bastion, db-1, reporting, web-1, web-2)`,
		"mapping-waves-server-twice.yaml":   `:9: waves: "more": server "web-1" is already in wave "shop" (line 5)`,
		"mapping-waves-id-twice.yaml":       `:7: waves: "more": server "srv-web-1" is already in wave "shop"`,
		"mapping-waves-no-name.yaml":        `:4: waves[0]: name: missing`,
		"mapping-waves-not-list.yaml":       `:4: waves: want a list of waves ({name: …, servers: […]}), got a mapping`,
		"mapping-waves-unknown-field.yaml":  `:5: waves[0]: unknown field "members" (want name, servers)`,
		"mapping-waves-empty-servers.yaml":  `:5: waves: "shop": servers: want a non-empty list of server names, got an empty list`,
		"mapping-waves-duplicate.yaml":      `:6: waves: "shop": duplicate wave (first at line 4)`,
	} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", file)
			ov, err := LoadMapping(path)
			if err == nil {
				err = ov.Check(demoInventory(), demoTarget())
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), path) || !strings.Contains(err.Error(), want) {
				t.Errorf("error\n  %v\nwant %s…%s…", err, path, want)
			}
		})
	}
}

func FuzzLoadPlan(f *testing.F) {
	good, err := Marshal(mustBuildF(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	entries, _ := os.ReadDir(filepath.Join("testdata", "bad"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") {
			b, _ := os.ReadFile(filepath.Join("testdata", "bad", e.Name()))
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		// Whatever parses must be a valid DAG that survives a round trip.
		again, err := Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(again); err != nil {
			t.Fatalf("a parsed plan does not parse again: %v", err)
		}
	})
}

func mustBuildF(f *testing.F) *Plan {
	p, err := buildDemo(demoInventory(), demoTarget(), nil)
	if err != nil {
		f.Fatal(err)
	}
	return p
}

func FuzzLoadMapping(f *testing.F) {
	example, _ := os.ReadFile("../examples/mapping.yaml")
	f.Add(example)
	entries, _ := os.ReadDir(filepath.Join("testdata", "bad"))
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, _ := os.ReadFile(filepath.Join("testdata", "bad", e.Name()))
			f.Add(b)
		}
	}
	inv, tgt := demoInventory(), demoTarget()
	f.Fuzz(func(t *testing.T, b []byte) {
		ov, err := ParseMapping("fuzz.yaml", b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := ov.Check(inv, tgt); err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml:") {
				t.Fatalf("error does not name the file and line: %v", err)
			}
			return
		}
		// Overrides that check out must plan.
		if _, err := Build(inv, tgt, BuildOptions{Overrides: ov, ID: "f", Now: fixedNow}); err != nil {
			t.Fatalf("checked overrides do not plan: %v", err)
		}
	})
}

// TestLoadAcceptsBOM: a plan and a mapping file behind a UTF-8 byte
// order mark read as without one, as an inventory does.
func TestLoadAcceptsBOM(t *testing.T) {
	good, err := Marshal(mustBuild(t, demoInventory(), demoTarget(), nil))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(append([]byte("\ufeff"), good...))
	if err != nil {
		t.Fatalf("plan with a BOM: %v", err)
	}
	if again, _ := Marshal(p); string(again) != string(good) {
		t.Error("a plan with a BOM read as another plan")
	}
	example, err := os.ReadFile("../examples/mapping.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := ParseMapping("m.yaml", example)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseMapping("m.yaml", append([]byte("\ufeff"), example...))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("mapping with a BOM: %+v, %v", got, err)
	}
}
