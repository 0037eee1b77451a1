package reliability

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// hostileCase is one malformed file fed to the real binary.
type hostileCase struct {
	// file is under testdata/hostile.
	file string
	// args of the command: %F is the file, %O an empty output directory,
	// %I a good inventory, %P a good plan.
	args []string
	// clouds: the file is the clouds.yaml (OS_CLIENT_CONFIG_FILE).
	clouds bool
	code   int
	// want is the error the binary prints after "scs-migrate: " (the
	// end of stderr); %F is the file; a final "…" makes it a prefix.
	want string
}

// hostileCases are the corpus in testdata/hostile and what each must
// answer: the exit code, and an error that names the file and the field
// or line and says what is wrong.
var hostileCases = []hostileCase{
	// Inventories, given to plan.
	{file: "inventory/empty.json", code: 2, want: "inventory %F: the file is empty"},
	{file: "inventory/truncated.json", code: 2, want: "inventory %F: truncated: the document ends early"},
	{file: "inventory/wrong-kind.yaml", code: 2, want: `inventory %F: kind is "Plan", want "Inventory"`},
	{file: "inventory/unknown-field.json", code: 2, want: `inventory %F: unknown field "volumes[0].mountpoint"`},
	{file: "inventory/wrong-type.json", code: 2, want: "inventory %F: field volumes.sizeGB: want int, the document has a JSON string"},
	{file: "inventory/huge-number.json", code: 2, want: "inventory %F: field volumes.sizeGB: want int, the document has a JSON number 1e400"},
	{file: "inventory/dangling-port.json", code: 2, want: `inventory %F: invalid document: servers[0] "web": ports[0]: "p-missing" is not in ports; ` +
		`servers[0] "web": bootFromVolume is false but imageID is ""`},
	{file: "inventory/alias-bomb.yaml", code: 2, want: "inventory %F: not valid YAML or JSON: yaml: document contains excessive aliasing"},
	{file: "inventory/deep.json", code: 2, want: "inventory %F: not valid JSON at byte 10074: invalid character '[' exceeded max depth"},
	{file: "inventory/binary.json", code: 2, want: "inventory %F: not valid YAML or JSON: yaml: control characters are not allowed"},
	// Plans, given to status and migrate.
	{file: "plan/empty.json", code: 2, want: "%F: empty or truncated file: not a plan"},
	{file: "plan/truncated.json", code: 2, want: "%F: empty or truncated file: not a plan"},
	// A UTF-8 byte order mark is dropped, as by every loader: what is
	// wrong behind it is found on the line it is on.
	{file: "plan/bom.json", code: 2, want: "%F: line 49: steps.bytes: got a JSON string, want int64"},
	{file: "plan/unknown-step-field.json", code: 2, want: `%F: unknown field "steps[1].colour"`},
	{file: "plan/cycle.json", code: 2, want: "%F: steps: dependency cycle network/a → subnet/a-v4 → network/a"},
	{file: "plan/dangling.json", code: 2, want: `%F: steps[1].dependsOn[0]: "network/gone" is not a step of the plan`},
	{file: "plan/bad-kind.json", code: 2, want: `%F: steps[0].kind: "teleport" is not a step kind`},
	{file: "plan/wrong-type.json", code: 2, want: "%F: line 49: steps.bytes: got a JSON string, want int64"},
	{file: "plan/no-inventory.json", code: 2, want: "%F: inventory: missing: a plan carries the source snapshot it was made from"},
	{file: "plan/duplicate-step.json", code: 2, want: `%F: steps[2].id: "network/a" is also the id of steps[0]`},
	{file: "plan/yaml.json", code: 2, want: "%F: line 1: not valid JSON: invalid character 'a' looking for beginning of value"},
	{file: "plan/binary.json", code: 2, want: `%F: line 1: not valid JSON: invalid character '\x00' looking for beginning of value`},
	// Mappings, given to plan with a good inventory and a live target.
	{file: "mapping/unknown-field.yaml", code: 2, want: `%F:3: unknown field "flavours" (want apiVersion, kind, flavors, images, …`},
	{file: "mapping/duplicate-source.yaml", code: 2, want: `%F:5: flavors: "alpha.c4.m12": duplicate source (first at line 4)`},
	{file: "mapping/empty-target.yaml", code: 2, want: `%F:4: images: "legacy-reporting": the target must be a non-empty name, got ""`},
	{file: "mapping/list-section.yaml", code: 2, want: "%F:3: flavors: want a mapping of source name to target name, got a list"},
	{file: "mapping/tab.yaml", code: 2, want: "%F: not valid YAML: yaml: line 4: found character that cannot start any token"},
	{file: "mapping/unknown-source.yaml", code: 2, want: `%F:4: flavors: source flavor "m1.tiny" is not in the inventory (valid: SCS-1V-2-5, SCS-2V-4-20s, SCS-4V-16, alpha.c4.m12)`},
	{file: "mapping/unknown-target.yaml", code: 2, want: `%F:4: volumeTypes: "ssd": target volume type "gold" does not exist on the target (valid: LUKS, local-nvme, standard)`},
	{file: "mapping/alias-bomb.yaml", code: 2, want: "%F:4: images: want a mapping of source name to target name, got a list"},
	{file: "mapping/empty.yaml", code: 2, want: "%F: empty mapping file: want apiVersion: scs-migrate.io/v1alpha1 and kind: Mapping"},
	// clouds.yaml files, given to inventory.
	// gophercloud's parser dereferences the missing auth section; this
	// crashed the binary until internal/cloud caught it.
	{file: "clouds/auth-outdented.yaml", clouds: true, code: 1,
		want: `cloud "x" in %F: the entry has no usable auth section (auth: auth_url, credentials)`},
	{file: "clouds/no-auth-url.yaml", clouds: true, code: 1, want: `cloud "x" in %F: auth.auth_url is missing`},
	{file: "clouds/cacert-missing.yaml", clouds: true, code: 1,
		want: `cloud "x" in %F: unable to compute TLS configuration: failed to open the CA cert file: open testdata/hostile/clouds/no-such-ca.pem: no such file or directory`},
	{file: "clouds/tab.yaml", clouds: true, code: 1, want: "read %F: not valid clouds.yaml: yaml: line 2: found character that cannot start any token"},
	{file: "clouds/other-cloud.yaml", clouds: true, code: 1, want: `cloud "x" in %F: cloud "x" not found in clouds.yaml`},
	{file: "clouds/verify-not-bool.yaml", clouds: true, code: 1,
		want: "read %F: not valid clouds.yaml: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `hostile...` into bool"},
	{file: "clouds/empty.yaml", clouds: true, code: 1, want: `read %F: the file is empty`},
	// Tenant fixtures, given to sim serve and demo.
	{file: "tenant/bad-cidr.yaml", code: 2, want: `tenant fixture %F: networks[0].subnets[0].cidr: "10.0.0.0/33" is not a CIDR`},
	{file: "tenant/dangling-network.yaml", code: 2, want: `tenant fixture %F: servers[0].networks[0].network: no network "nowhere" in the fixture`},
	{file: "tenant/data-too-big.yaml", code: 2, want: "tenant fixture %F: volumes[0].dataMiB: 2048 MiB do not fit in 1 GB"},
	{file: "tenant/unknown-field.yaml", code: 2, want: "tenant fixture %F: unmarshal errors:\n  line 6: field flavour not found in type sim.TenantServer"},
	{file: "tenant/negative-bulk.yaml", code: 2, want: "tenant fixture %F: bulk.servers: -5 is negative"},
	{file: "tenant/negative-quota.yaml", code: 2, want: "tenant fixture %F: quotas.instances: -1 is negative"},
	{file: "tenant/wrong-version.yaml", code: 2, want: `tenant fixture %F: apiVersion/kind: want scs-migrate.io/v1alpha1 Tenant, got "scs-migrate.io/v2" "Tenant"`},
	{file: "tenant/alias-bomb.yaml", code: 2, want: "tenant fixture %F: unmarshal errors:\n  line 4: cannot unmarshal !!seq into sim.TenantNetwork\n…"},
	{file: "tenant/empty.yaml", code: 2, want: "tenant fixture %F: the file is empty"},
}

// commandsFor are the commands a corpus file is given to, by directory.
var commandsFor = map[string][][]string{
	"inventory": {{"plan", "--inventory", "%F", "--target", "sim-target", "--output", "%O/plan.json"}},
	"plan":      {{"status", "--plan", "%F"}, {"migrate", "--plan", "%F"}},
	"mapping":   {{"plan", "--inventory", "%I", "--mapping", "%F", "--target", "sim-target", "--output", "%O/plan.json"}},
	"clouds":    {{"inventory", "--source", "x", "--output", "%O/inventory.json"}},
	"tenant":    {{"sim", "serve", "--tenant", "%F", "--write-clouds", "%O/clouds.yaml"}, {"demo", "--tenant", "%F", "--workdir", "%O/demo"}},
}

// TestHostileInput runs the real binary on every file of the corpus:
// each run exits with the documented code and exactly the expected
// message, does not panic, and writes nothing.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	good := w.file("inventory.json")
	if err := inventory.WriteFile(good, w.sourceBefore, "json"); err != nil {
		t.Fatal(err)
	}
	_, goodPlan := w.buildPlan("plan.json")
	files, err := filepath.Glob("testdata/hostile/*/*")
	if err != nil {
		t.Fatal(err)
	}
	var known []string
	for _, c := range hostileCases {
		known = append(known, "testdata/hostile/"+c.file)
	}
	for _, f := range files {
		if filepath.Base(filepath.Dir(f)) != "journal" && !slices.Contains(known, f) {
			t.Errorf("%s has no expected outcome in hostileCases", f)
		}
	}
	for _, c := range hostileCases {
		file := "testdata/hostile/" + c.file
		for _, cmd := range commandsFor[strings.Split(c.file, "/")[0]] {
			t.Run(c.file+"/"+cmd[0], func(t *testing.T) {
				out := t.TempDir()
				args := make([]string, len(cmd))
				for i, a := range cmd {
					args[i] = strings.NewReplacer("%F", file, "%O", out, "%I", good, "%P", goodPlan).Replace(a)
				}
				clouds := w.clouds
				if c.clouds {
					clouds = file
				}
				r := runCLI(w.ctx, t, cliEnv(w.home, clouds), nil, args...)
				if r.panicked() {
					t.Fatalf("crashed: %s", r)
				}
				want := strings.ReplaceAll(c.want, "%F", file)
				if r.code != c.code || !matches(errorText(r.stderr), want) {
					t.Errorf("got %s\nwant exit %d and the error\n%s", r, c.code, want)
				}
				assertEmptyDir(t, out)
			})
		}
	}
}

// assertEmptyDir fails if anything was written to dir.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("%s was written to %s", e.Name(), dir)
	}
}

// errorText is the error main printed: stderr from its last line that
// starts with "scs-migrate: " (progress lines come before it), without
// that prefix and the final newline.
func errorText(stderr string) string {
	i := strings.LastIndex("\n"+stderr, "\nscs-migrate: ")
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(stderr[i:], "scs-migrate: "), "\n")
}

// matches compares an error with a want that may end in "…" (a prefix).
func matches(got, want string) bool {
	if p, ok := strings.CutSuffix(want, "…"); ok {
		return strings.HasPrefix(got, p)
	}
	return got == want
}

// journalCase is a damaged or foreign journal beside a good plan.
type journalCase struct {
	name string
	// make writes the journal to path, from the static file of the
	// corpus or from a real journal of plan p.
	make func(t *testing.T, w *world, p *plans.Plan, path string)
	// status and migrate are the errors of the two commands (after
	// "scs-migrate: "), exit 1; %J is the journal's path.
	status, migrate string
	// records: the journal must keep its records, not its bytes.
	records bool
}

var journalCases = []journalCase{
	{name: "garbage", make: staticJournal("garbage.journal"),
		status:  "%J: journal is damaged: not a journal (first meta page: bad magic number; second: the file is truncated)",
		migrate: "%J: journal is damaged: not a journal (first meta page: bad magic number; second: the file is truncated)"},
	{name: "empty", make: staticJournal("empty.journal"),
		status:  "%J: journal is damaged: the file is empty",
		migrate: "%J: journal is damaged: the file is empty"},
	{name: "truncated", make: realJournal(func(b []byte) []byte { return b[:3*4096] }),
		status:  "%J: journal is damaged: the file is truncated: 12288 bytes, its last commit needs …",
		migrate: "%J: journal is damaged: the file is truncated: 12288 bytes, its last commit needs …"},
	{name: "meta-pages-flipped", make: realJournal(func(b []byte) []byte {
		b[16+40] ^= 0xff // the high-water page of both meta pages
		b[4096+16+40] ^= 0xff
		return b
	}),
		status:  "%J: journal is damaged: not a journal (first meta page: bad meta checksum; second: bad meta checksum)",
		migrate: "%J: journal is damaged: not a journal (first meta page: bad meta checksum; second: bad meta checksum)"},
	{name: "in-use", make: heldJournal,
		status:  "%J: journal is in use: another scs-migrate process (migrate or rollback) has it open",
		migrate: "%J: journal is in use: another scs-migrate process (migrate or rollback) has it open"},
	{name: "other-plan", make: foreignJournal, records: true,
		status:  `%J: journal does not match: it belongs to plan "other-plan", not to plan "%P"`,
		migrate: `%J: journal does not match: it belongs to plan "other-plan", not to plan "%P"`},
}

func staticJournal(name string) func(*testing.T, *world, *plans.Plan, string) {
	return func(t *testing.T, _ *world, _ *plans.Plan, path string) {
		b, err := os.ReadFile(filepath.Join("testdata/hostile/journal", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// realJournal writes a journal of p with every step recorded, then
// damages its bytes.
func realJournal(damage func([]byte) []byte) func(*testing.T, *world, *plans.Plan, string) {
	return func(t *testing.T, w *world, p *plans.Plan, path string) {
		j, err := migrate.CreateJournal(path, p, w.src.ProjectID, w.dst.ProjectID, w.dst.AuthURL)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range p.Steps {
			if _, err := j.UpdateStep(s.ID, func(r *migrate.StepRecord) { r.State = migrate.StateSucceeded }); err != nil {
				t.Fatal(err)
			}
		}
		j.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, damage(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// heldJournal is a good journal that another process (this test) has
// open for writing while the commands run, as a running migrate has.
func heldJournal(t *testing.T, w *world, p *plans.Plan, path string) {
	realJournal(func(b []byte) []byte { return b })(t, w, p, path)
	j, err := migrate.OpenJournal(path, p, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
}

// foreignJournal is the journal of another plan.
func foreignJournal(t *testing.T, w *world, p *plans.Plan, path string) {
	j, err := migrate.CreateJournal(path, otherPlan(p), w.src.ProjectID, w.dst.ProjectID, w.dst.AuthURL)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
}

// otherPlan is p under another ID: the plan of a foreign journal.
func otherPlan(p *plans.Plan) *plans.Plan {
	other := *p
	other.ID = "other-plan"
	return &other
}

// journalState is what a journal of plan p records, as status reads it,
// or, unless records, its bytes.
func journalState(t *testing.T, path string, p *plans.Plan, records bool) string {
	t.Helper()
	if records {
		j, err := migrate.OpenJournal(path, p, true)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		b, err := json.Marshal(migrate.Status(p, j))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHostileJournals puts damaged, busy and foreign journals beside a
// good plan: status and migrate refuse each with a message that names the
// journal and what is wrong, exit 1, do not panic and leave the journal
// as it was: a damaged one byte for byte, a foreign one with the same
// records (migrate opens it for writing and commits its buckets before
// it reads the header: reported).
func TestHostileJournals(t *testing.T) {
	t.Parallel()
	w := newWorld(t, worldOptions{})
	p, goodPlan := w.buildPlan("plan.json")
	plan, err := os.ReadFile(goodPlan)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range journalCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			planFile := filepath.Join(dir, "plan.json")
			if err := os.WriteFile(planFile, plan, 0o600); err != nil {
				t.Fatal(err)
			}
			journal := migrate.JournalPath(planFile)
			c.make(t, w, p, journal)
			owner := p
			if c.records {
				owner = otherPlan(p)
			}
			before := journalState(t, journal, owner, c.records)
			for _, run := range []struct{ cmd, want string }{{"status", c.status}, {"migrate", c.migrate}} {
				r := w.cli(run.cmd, "--plan", planFile)
				want := strings.NewReplacer("%J", journal, "%P", p.ID).Replace(run.want)
				if r.panicked() || r.code != 1 || !matches(errorText(r.stderr), want) {
					t.Errorf("%s: got %s\nwant exit 1 and the error\n%s", run.cmd, r, want)
				}
			}
			if after := journalState(t, journal, owner, c.records); after != before {
				t.Errorf("the journal was changed:\nbefore %.300q\nafter  %.300q", before, after)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 2 {
				t.Errorf("the plan's directory holds %d files, want the plan and its journal", len(entries))
			}
		})
	}
}
