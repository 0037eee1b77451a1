package plans

import (
	"slices"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/inventory"
)

func bucketStep(p *Plan, name string) (Step, bool) {
	i := slices.IndexFunc(p.Steps, func(s Step) bool { return s.Kind == StepCopyBucket && s.SourceID == name })
	if i < 0 {
		return Step{}, false
	}
	return p.Steps[i], true
}

func TestBucketsBlockedAloneWithTheReason(t *testing.T) {
	inv := demoInventory()
	inv.Containers = append(inv.Containers,
		inventory.Container{Name: "Legacy_Files", Objects: 4, Bytes: 400},    // Swift allows it, S3 cannot address it
		inventory.Container{Name: "unread", Objects: 1, Bytes: 1, S3: false}) // S3 refused the inventory
	p := mustBuild(t, inv, demoTarget(), nil)
	for name, want := range map[string]string{"Legacy_Files": "not a valid S3 bucket name", "unread": "not read through S3"} {
		if !slices.ContainsFunc(p.Blocked, func(f Finding) bool { return f.Name == name && strings.Contains(f.Reason, want) }) {
			t.Errorf("bucket %s: no blocker %q in %+v", name, want, p.Blocked)
		}
		if _, ok := bucketStep(p, name); ok {
			t.Errorf("bucket %s is blocked but has a step", name)
		}
	}
	if _, ok := bucketStep(p, "webshop-assets"); !ok {
		t.Error("a blocked bucket took the others with it")
	}
	if len(p.Steps) < 40 {
		t.Errorf("a blocked bucket blocked the servers: %d steps", len(p.Steps))
	}
}

func TestBucketsNeedAnObjectStoreOnTheTarget(t *testing.T) {
	tgt := demoTarget()
	tgt.Services = slices.DeleteFunc(tgt.Services, func(s string) bool { return s == "object-store" })
	p := mustBuild(t, demoInventory(), tgt, nil)
	if !slices.ContainsFunc(p.Blocked, func(f Finding) bool {
		return f.Name == "webshop-assets" && strings.Contains(f.Reason, "the target has no object store") && strings.Contains(f.Reason, "202 objects")
	}) {
		t.Errorf("blocked: %+v", p.Blocked)
	}
}

func TestBucketNameClashAndRename(t *testing.T) {
	tgt := demoTarget()
	tgt.Existing.Buckets = []string{"webshop-assets"}
	p := mustBuild(t, demoInventory(), tgt, nil)
	i := slices.IndexFunc(p.Preflight, func(c Check) bool { return c.Name == "clash bucket names" })
	if i < 0 || p.Preflight[i].OK || !strings.Contains(p.Preflight[i].Detail, "webshop-assets") || !strings.Contains(p.Preflight[i].Detail, "buckets:") {
		t.Fatalf("clash check: %+v", p.Preflight)
	}
	ov, err := ParseMapping("m.yaml", []byte("apiVersion: scs-migrate.io/v1alpha1\nkind: Mapping\nbuckets:\n  webshop-assets: webshop-assets-2\n"))
	if err != nil {
		t.Fatal(err)
	}
	p = mustBuild(t, demoInventory(), tgt, ov)
	s, _ := bucketStep(p, "webshop-assets")
	if s.Target.Bucket != "webshop-assets-2" {
		t.Errorf("renamed step targets %q", s.Target.Bucket)
	}
	if i := slices.IndexFunc(p.Preflight, func(c Check) bool { return c.Name == "clash bucket names" }); !p.Preflight[i].OK {
		t.Errorf("the rename did not resolve the clash: %+v", p.Preflight[i])
	}
}

func TestBucketRenameIsChecked(t *testing.T) {
	for yaml, want := range map[string]string{
		"buckets:\n  nope: x-bucket\n":           `source bucket "nope" is not in the inventory`,
		"buckets:\n  webshop-assets: Bad_Name\n": `target bucket name "Bad_Name" is not a valid S3 bucket name`,
	} {
		ov, err := ParseMapping("m.yaml", []byte("apiVersion: scs-migrate.io/v1alpha1\nkind: Mapping\n"+yaml))
		if err != nil {
			t.Fatal(err)
		}
		if err := ov.Check(demoInventory(), demoTarget()); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "m.yaml:4") {
			t.Errorf("%q: got %v, want %s at m.yaml:4", yaml, err, want)
		}
	}
}

func TestBucketChangesAreWarned(t *testing.T) {
	inv := demoInventory()
	inv.Containers = []inventory.Container{{Name: "vault", Objects: 1, Bytes: 1, S3: true, ReadACL: ".r:*", WebIndex: "index.html",
		Settings: s3.Settings{ObjectLock: "GOVERNANCE 30 DAYS", Policy: `{"Statement":[]}`, CORS: "<CORSConfiguration/>"}}}
	p := mustBuild(t, inv, demoTarget(), nil)
	for _, want := range []string{"object lock (GOVERNANCE 30 DAYS) is not kept", "bucket policy", "Swift ACLs", "static website", "CORS rules are copied"} {
		if !slices.ContainsFunc(p.Warnings, func(f Finding) bool { return f.Name == "vault" && strings.Contains(f.Reason, want) }) {
			t.Errorf("no warning %q in %+v", want, p.Warnings)
		}
	}
}

func TestBucketsAndTheTargetsObjectStore(t *testing.T) {
	tgt := demoTarget()
	tgt.ObjectStore = &inventory.ObjectStoreInfo{Version: "2.30.1", S3: true, Versioning: false}
	p := mustBuild(t, demoInventory(), tgt, nil)
	if !slices.ContainsFunc(p.Warnings, func(f Finding) bool {
		return f.Name == "webshop-backups" && strings.Contains(f.Reason, "does not offer versioning")
	}) {
		t.Errorf("no warning about the target's versioning: %+v", p.Warnings)
	}
	tgt.ObjectStore.S3 = false
	p = mustBuild(t, demoInventory(), tgt, nil)
	if !slices.ContainsFunc(p.Blocked, func(f Finding) bool {
		return f.Name == "webshop-assets" && strings.Contains(f.Reason, "does not speak S3")
	}) {
		t.Errorf("a target Swift without s3api must block the buckets: %+v", p.Blocked)
	}
}

func TestSegmentContainersAreNotCopied(t *testing.T) {
	inv := demoInventory()
	inv.Containers = append(inv.Containers, inventory.Container{Name: "webshop-assets_segments", Objects: 2, Bytes: 72 << 20})
	p := mustBuild(t, inv, demoTarget(), nil)
	if len(p.Blocked) != 0 {
		t.Errorf("a segment container blocked the plan: %+v", p.Blocked)
	}
	if _, ok := bucketStep(p, "webshop-assets_segments"); ok {
		t.Error("the segments are copied twice: inside the large objects and as a container")
	}
	if !slices.ContainsFunc(p.Warnings, func(f Finding) bool {
		return f.Name == "webshop-assets_segments" && strings.Contains(f.Reason, "segments of the large objects in webshop-assets")
	}) {
		t.Errorf("no warning that says why: %+v", p.Warnings)
	}
}
