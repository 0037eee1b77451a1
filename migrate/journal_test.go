package migrate_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// smallPlan is a hand-made plan of one network.
func smallPlan(id string) *plans.Plan {
	return &plans.Plan{APIVersion: plans.APIVersion, Kind: plans.Kind, ID: id,
		Target:  plans.Endpoint{ProjectID: "target-project"},
		Options: plans.Options{Cutover: plans.CutoverCold},
		Steps:   []plans.Step{{ID: "network/n1", Kind: plans.StepNetwork, SourceID: "n1", Name: "frontend", DependsOn: []string{}}},
		Inventory: &inventory.Document{APIVersion: inventory.APIVersion, Kind: inventory.Kind,
			Networks: []inventory.Network{{ID: "n1", Name: "frontend"}}},
	}
}

func TestJournalRecordsAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json.journal")
	p := smallPlan("plan-1")
	j, err := migrate.CreateJournal(path, p, "source-project", "target-project", "https://target")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := j.UpdateStep("network/n1", func(r *migrate.StepRecord) { r.State = migrate.StateRunning }); err != nil {
		t.Fatal(err)
	}
	if err := j.MapID("network", "n1", "t1"); err != nil {
		t.Fatal(err)
	}
	if err := j.AddCreated(migrate.Created{Cloud: "target", Kind: "network", ID: "t1", StepID: "network/n1"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("journal mode %v, want 0600", st.Mode().Perm())
	}

	j, err = migrate.OpenJournal(path, p, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if got := j.Step("network/n1").State; got != migrate.StateRunning {
		t.Errorf("state %q, want running", got)
	}
	if id, _ := j.TargetID("network", "n1"); id != "t1" {
		t.Errorf("target ID %q, want t1", id)
	}
	if n := len(j.CreatedResources()); n != 1 {
		t.Errorf("%d created resources, want 1", n)
	}
}

func TestJournalRefusesOtherPlansAndDamage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json.journal")
	p := smallPlan("plan-1")
	j, err := migrate.CreateJournal(path, p, "src", "target-project", "https://target")
	if err != nil {
		t.Fatal(err)
	}
	j.Close()

	cases := []struct {
		name   string
		open   func() error
		target error
		msg    string
	}{
		{"another plan", func() error { _, err := migrate.OpenJournal(path, smallPlan("plan-2"), true); return err },
			migrate.ErrJournalMismatch, `belongs to plan "plan-1"`},
		{"changed steps", func() error {
			q := smallPlan("plan-1")
			q.Steps[0].Name = "changed"
			_, err := migrate.OpenJournal(path, q, true)
			return err
		}, migrate.ErrJournalMismatch, "changed since its migration started"},
		{"another target project", func() error {
			_, err := migrate.CreateJournal(path, p, "src", "other-project", "https://target")
			return err
		}, migrate.ErrJournalMismatch, "target credentials are for project other-project"},
		{"truncated", func() error {
			b, _ := os.ReadFile(path)
			bad := filepath.Join(dir, "truncated.journal")
			os.WriteFile(bad, b[:len(b)/3], 0o600)
			_, err := migrate.OpenJournal(bad, p, true)
			return err
		}, migrate.ErrJournalDamaged, ""},
		{"garbage", func() error {
			bad := filepath.Join(dir, "garbage.journal")
			os.WriteFile(bad, []byte(strings.Repeat("not a journal\n", 1000)), 0o600)
			_, err := migrate.CreateJournal(bad, p, "src", "target-project", "")
			return err
		}, migrate.ErrJournalDamaged, ""},
		{"empty", func() error {
			bad := filepath.Join(dir, "empty.journal")
			os.WriteFile(bad, nil, 0o600)
			_, err := migrate.CreateJournal(bad, p, "src", "target-project", "")
			return err
		}, migrate.ErrJournalDamaged, "empty"},
		{"missing", func() error { _, err := migrate.OpenJournal(filepath.Join(dir, "none"), p, true); return err },
			migrate.ErrNoJournal, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.open()
			if !errors.Is(err, c.target) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %v, want %v containing %q", err, c.target, c.msg)
			}
		})
	}
}

func TestJournalIsExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	p := smallPlan("plan-1")
	j, err := migrate.CreateJournal(path, p, "s", "target-project", "")
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if _, err := migrate.CreateJournal(path, p, "s", "target-project", ""); !errors.Is(err, migrate.ErrJournalLocked) {
		t.Errorf("second open: %v, want ErrJournalLocked", err)
	}
}

// FuzzOpenJournal feeds damaged journal files to the loader: it must
// answer with an error, never panic or fault.
func FuzzOpenJournal(f *testing.F) {
	dir := f.TempDir()
	p := smallPlan("plan-1")
	good := filepath.Join(dir, "good")
	j, err := migrate.CreateJournal(good, p, "s", "target-project", "")
	if err != nil {
		f.Fatal(err)
	}
	j.UpdateStep("network/n1", func(r *migrate.StepRecord) { r.State = migrate.StateFailed; r.Error = "x" })
	j.Close()
	b, _ := os.ReadFile(good)
	f.Add(b)
	f.Add(b[:4096])
	f.Add(b[:8192+100])
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "j")
		os.WriteFile(path, data, 0o600)
		if j, err := migrate.OpenJournal(path, p, true); err == nil {
			j.Close()
		}
	})
}
