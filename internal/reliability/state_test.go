package reliability

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// assertMigrated checks the final state on both clouds after a complete
// migration of p: verify passes (every resource present and equal,
// image checksums, no resource carrying the plan's marker twice); every
// planned resource exists exactly once by name on the target; no
// temporary copy is left on either cloud; the source lost and gained
// nothing; every copied volume holds the same bytes as its source.
func (w *world) assertMigrated(p *plans.Plan, planFile string) {
	w.t.Helper()
	w.assertVerified(p, planFile)
	w.assertOnce(p, w.inventory(w.dst))
	w.assertNoTemporaries()
	w.assertSourceUnchanged()
	w.assertVolumeData(p, planFile)
}

// assertVerified runs verify in-process and fails on any difference.
func (w *world) assertVerified(p *plans.Plan, planFile string) {
	w.t.Helper()
	j, err := migrate.OpenJournal(migrate.JournalPath(planFile), p, true)
	if err != nil {
		w.t.Fatalf("open the journal: %v", err)
	}
	defer j.Close()
	vr, err := migrate.Verify(w.ctx, p, j, w.dst, migrate.VerifyOptions{Buckets: w.buckets})
	if err != nil {
		w.t.Fatalf("verify: %v", err)
	}
	if !vr.OK() {
		var b strings.Builder
		vr.WriteDiff(&b)
		w.t.Errorf("verify found %d differences:\n%s", len(vr.Differences), b.String())
	}
}

// onceKinds are the step kinds whose resources have names that must
// appear exactly once on the target.
var onceKinds = []plans.StepKind{plans.StepNetwork, plans.StepRouter, plans.StepServerGroup, plans.StepKeypair,
	plans.StepServer, plans.StepLoadBalancer, plans.StepSecurityGroup, plans.StepCopyVolume}

// assertOnce checks that every named resource the plan makes exists
// exactly once by name on the target (keypairs and server groups carry
// no markers, so verify cannot see their duplicates).
func (w *world) assertOnce(p *plans.Plan, target *inventory.Document) {
	w.t.Helper()
	count := namesByKind(target)
	names := sourceNames(p.Inventory)
	for _, s := range p.Steps {
		name := names[s.SourceID]
		if name == "" || !slices.Contains(onceKinds, s.Kind) {
			continue
		}
		if n := count[string(s.Kind)+"/"+name]; n != 1 {
			w.t.Errorf("%s %q exists %d times on the target, want 1", s.Kind, name, n)
		}
	}
}

func namesByKind(d *inventory.Document) map[string]int {
	count := map[string]int{}
	add := func(kind plans.StepKind, name string) {
		if name != "" {
			count[string(kind)+"/"+name]++
		}
	}
	for _, x := range d.Networks {
		add(plans.StepNetwork, x.Name)
	}
	for _, x := range d.Routers {
		add(plans.StepRouter, x.Name)
	}
	for _, x := range d.ServerGroups {
		add(plans.StepServerGroup, x.Name)
	}
	for _, x := range d.Keypairs {
		add(plans.StepKeypair, x.Name)
	}
	for _, x := range d.Servers {
		add(plans.StepServer, x.Name)
	}
	for _, x := range d.Volumes {
		add(plans.StepCopyVolume, x.Name)
	}
	for _, x := range d.LoadBalancers {
		add(plans.StepLoadBalancer, x.Name)
	}
	for _, x := range d.SecurityGroups {
		add(plans.StepSecurityGroup, x.Name)
	}
	return count
}

// sourceNames maps the source IDs that steps name to resource names.
func sourceNames(d *inventory.Document) map[string]string {
	names := map[string]string{}
	for _, x := range d.Volumes {
		names[x.ID] = x.Name
	}
	for _, x := range d.Networks {
		names[x.ID] = x.Name
	}
	for _, x := range d.Routers {
		names[x.ID] = x.Name
	}
	for _, x := range d.ServerGroups {
		names[x.ID] = x.Name
	}
	for _, x := range d.Servers {
		names[x.ID] = x.Name
	}
	for _, x := range d.LoadBalancers {
		names[x.ID] = x.Name
	}
	for _, x := range d.SecurityGroups {
		if x.Name != "default" { // the target's own default group is used
			names[x.ID] = x.Name
		}
	}
	for _, x := range d.Keypairs {
		names[x.Name] = x.Name
	}
	return names
}

// temporaries lists the temporary copies (images, volumes, snapshots
// named with transfer.TempPrefix) on both clouds.
func (w *world) temporaries() []string {
	w.t.Helper()
	var out []string
	for _, s := range []*cloud.Session{w.src, w.dst} {
		doc := w.inventory(s)
		for _, x := range doc.Images {
			if strings.HasPrefix(x.Name, transfer.TempPrefix) {
				out = append(out, s.Name+" image "+x.Name)
			}
		}
		for _, x := range doc.Volumes {
			if strings.HasPrefix(x.Name, transfer.TempPrefix) {
				out = append(out, s.Name+" volume "+x.Name)
			}
		}
		for _, x := range doc.VolumeSnapshots {
			if strings.HasPrefix(x.Name, transfer.TempPrefix) {
				out = append(out, s.Name+" snapshot "+x.Name)
			}
		}
	}
	return out
}

func (w *world) assertNoTemporaries() {
	w.t.Helper()
	if tmp := w.temporaries(); len(tmp) > 0 {
		w.t.Errorf("temporary copies left: %v", tmp)
	}
}

// assertSourceUnchanged compares the source with its inventory before
// the migration: the same resources of every kind (servers may have been
// stopped by the cold cutover, nothing else changes).
func (w *world) assertSourceUnchanged() {
	w.t.Helper()
	now := w.inventory(w.src)
	ids := func(d *inventory.Document) []string {
		var out []string
		for _, k := range inventory.Kinds {
			out = append(out, fmt.Sprintf("%s=%d", k, d.Count(k)))
		}
		for _, x := range d.Servers {
			out = append(out, "server "+x.ID)
		}
		for _, x := range d.Volumes {
			out = append(out, "volume "+x.ID)
		}
		for _, x := range d.Images {
			if x.OwnedByTenant {
				out = append(out, "image "+x.ID+" "+x.Checksum)
			}
		}
		for _, x := range d.Ports {
			out = append(out, "port "+x.ID)
		}
		slices.Sort(out)
		return out
	}
	if a, b := ids(w.sourceBefore), ids(now); !slices.Equal(a, b) {
		w.t.Errorf("the source changed:\nbefore %v\nafter  %v", a, b)
	}
}

// assertVolumeData compares the bytes of every copied volume with its
// source, by the checksum of a qcow2 upload of each (the simulator
// encodes by content, so equal bytes give equal checksums).
func (w *world) assertVolumeData(p *plans.Plan, planFile string) {
	w.t.Helper()
	j, err := migrate.OpenJournal(migrate.JournalPath(planFile), p, true)
	if err != nil {
		w.t.Fatalf("open the journal: %v", err)
	}
	defer j.Close()
	n := 0
	for _, s := range p.Steps {
		if s.Kind != plans.StepCopyVolume {
			continue
		}
		target := j.Step(s.ID).TargetID
		if target == "" {
			w.t.Errorf("%s: no target volume in the journal", s.ID)
			continue
		}
		if a, b := w.volumeDigest(w.src, s.SourceID), w.volumeDigest(w.dst, target); a != b {
			w.t.Errorf("%s: the target volume %s holds other bytes than the source %s", s.ID, target, s.SourceID)
		}
		n++
	}
	w.t.Logf("%d copied volumes hold the same bytes as their sources", n)
}

// volumeDigest uploads a volume to a qcow2 image, reads its checksum
// and deletes the image again.
func (w *world) volumeDigest(s *cloud.Session, volumeID string) string {
	w.t.Helper()
	up, err := volumes.UploadImage(w.ctx, s.BlockStorage, volumeID, volumes.UploadImageOpts{
		ImageName: "reliability-digest-" + volumeID, DiskFormat: "qcow2", ContainerFormat: "bare", Force: true}).Extract()
	if err != nil {
		w.t.Fatalf("upload volume %s of %s: %v", volumeID, s.Name, err)
	}
	var sum string
	w.poll("image "+up.ImageID+" active", func() (bool, error) {
		img, err := images.Get(w.ctx, s.Image, up.ImageID).Extract()
		if err != nil {
			return false, err
		}
		sum = img.Checksum
		return img.Status == images.ImageStatusActive, nil
	})
	w.poll("volume "+volumeID+" settled", func() (bool, error) {
		v, err := volumes.Get(w.ctx, s.BlockStorage, volumeID).Extract()
		return err == nil && (v.Status == "available" || v.Status == "in-use"), err
	})
	if err := images.Delete(w.ctx, s.Image, up.ImageID).ExtractErr(); err != nil {
		w.t.Fatal(err)
	}
	return sum
}

// poll calls check until it reports done, for at most a minute.
func (w *world) poll(what string, check func() (bool, error)) {
	w.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		done, err := check()
		if err != nil {
			w.t.Fatalf("wait for %s: %v", what, err)
		}
		if done {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.t.Fatalf("wait for %s: timed out", what)
}
