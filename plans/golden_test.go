package plans

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./plans -update and review the diff.\n--- got:\n%s", path, got)
	}
}

func TestGoldenPlan(t *testing.T) {
	for _, c := range []struct {
		name string
		mk   func() (*Plan, error)
	}{
		{"plan", func() (*Plan, error) { return buildDemo(demoInventory(), demoTarget(), nil) }},
		{"plan-blocked", func() (*Plan, error) { inv, tgt := troubled(); return buildDemo(inv, tgt, nil) }},
		{"plan-mapping", func() (*Plan, error) {
			ov, err := LoadMapping("../examples/mapping.yaml")
			if err != nil {
				return nil, err
			}
			return buildDemo(demoInventory(), demoTarget(), ov)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.mk()
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Render(&b, p, RenderOptions{BandwidthMbps: 200}); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".txt", b.Bytes())
			js, err := Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".json", js)
		})
	}
}

func TestGoldenAudit(t *testing.T) {
	blockedInv, blockedTgt := troubled()
	for _, c := range []struct {
		name string
		r    *Report
	}{
		{"audit-standards", AuditWith(demoInventory(), nil, AuditOptions{Now: fixedNow})},
		{"audit-target", AuditWith(demoInventory(), demoTarget(), AuditOptions{Now: fixedNow})},
		{"audit-blocked", AuditWith(blockedInv, blockedTgt, AuditOptions{Now: fixedNow})},
	} {
		for _, format := range []struct{ name, ext string }{{"table", "txt"}, {"json", "json"}, {"markdown", "md"}, {"html", "html"}} {
			t.Run(c.name+"."+format.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := c.r.Write(&b, format.name); err != nil {
					t.Fatal(err)
				}
				golden(t, c.name+"."+format.ext, b.Bytes())
			})
		}
	}
}

// TestRenderLargePlanStaysShort: long lists are cut at MaxList.
func TestRenderLargePlanStaysShort(t *testing.T) {
	p, err := Build(bigInventory(), demoTarget(), BuildOptions{ID: "big", Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Render(&b, p, RenderOptions{MaxList: 5}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if lines := bytes.Count(b.Bytes(), []byte("\n")); lines > 200 {
		t.Errorf("%d lines for %d steps", lines, len(p.Steps))
	}
	for _, want := range []string{"… 1795 more", "  +  1800  server", "Estimated duration at 1000 Mbit/s"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("rendering lacks %q:\n%s", want, out)
		}
	}
}
