package migrate_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/attachinterfaces"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// events records what a run tells its observer.
type events struct {
	mu   sync.Mutex
	list []migrate.Event
}

func (e *events) StepChanged(ev migrate.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}
func (*events) TransferStarted(string, string, int64) {}
func (*events) TransferProgress(string, int64)        {}
func (*events) TransferFinished(string, error)        {}
func (*events) Close()                                {}

// writes are the calls that change a cloud: anything but a read, and
// but the token requests every session makes.
func writes(c *sim.Cloud) []string {
	var out []string
	for _, r := range c.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" && !strings.HasPrefix(r.Path, "/identity/") {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// TestCutoverStopsEachServerWhenItsTwinCanBeBuilt: in the events of a
// migration of the demo tenant, every stop-server of a server starts
// after the steps making its ports, networks, subnets, security groups
// and keypair succeeded; the report gives every server's downtime, each
// shorter than the whole run.
func TestCutoverStopsEachServerWhenItsTwinCanBeBuilt(t *testing.T) {
	e := newEnv(t)
	var ev events
	opts := e.options()
	opts.Observer = &ev
	rep, err := migrate.Run(e.ctx, e.plan, e.src, e.dst, opts)
	if err != nil {
		t.Fatal(err)
	}
	succeeded, started := map[string]int{}, map[string]int{}
	for i, x := range ev.list {
		switch x.To {
		case migrate.StateSucceeded:
			succeeded[x.Step] = i
		case migrate.StateRunning:
			started[x.Step] = i
		}
	}
	ix := map[string]plans.Step{}
	for _, s := range e.plan.Steps {
		ix[s.ID] = s
	}
	for _, srv := range e.plan.Inventory.Servers {
		stop := "stop-server/" + srv.ID
		at, ok := started[stop]
		if !ok {
			continue
		}
		need := []string{"keypair/" + srv.KeyName}
		for _, p := range srv.Ports {
			need = append(need, "port/"+p)
			for _, port := range e.plan.Inventory.Ports {
				if port.ID != p {
					continue
				}
				need = append(need, "network/"+port.NetworkID)
				for _, ip := range port.FixedIPs {
					need = append(need, "subnet/"+ip.SubnetID)
				}
				for _, g := range port.SecurityGroups {
					need = append(need, "security-group/"+g)
				}
			}
		}
		for _, id := range need {
			if _, inPlan := ix[id]; !inPlan {
				continue
			}
			if done, ok := succeeded[id]; !ok || done > at {
				t.Errorf("%s started before %s succeeded", stop, id)
			}
		}
	}
	run := rep.FinishedAt.Sub(rep.StartedAt)
	if len(rep.Servers) == 0 {
		t.Fatal("the report has no per-server downtime")
	}
	for _, c := range rep.Servers {
		if c.Downtime <= 0 || c.Downtime >= run || c.Estimate <= 0 || c.ActiveAt.Before(c.StoppedAt) {
			t.Errorf("server %s: downtime %v (estimate %v) in a run of %v", c.Name, c.Downtime, c.Estimate, run)
		}
	}
	longest, _ := rep.LongestDowntime()
	t.Logf("longest downtime %v (%s) of a %v run: %.2f×", longest.Downtime, longest.Name, run, float64(longest.Downtime)/float64(run))
	var cutovers int
	for _, x := range ev.list {
		if x.Cutover != nil && x.Cutover.Downtime > 0 {
			cutovers++
		}
	}
	if cutovers != len(rep.Servers) {
		t.Errorf("%d server events carry their cutover, want %d", cutovers, len(rep.Servers))
	}

	// The cutover report: downtime per server, the new addresses, and the
	// commands that remove what is left on the source.
	var md, js strings.Builder
	c := migrate.NewCutoverReport(e.plan, rep)
	if err := migrate.WriteCutoverReport(&md, c, "markdown"); err != nil {
		t.Fatal(err)
	}
	if err := migrate.WriteCutoverReport(&js, c, "json"); err != nil {
		t.Fatal(err)
	}
	for _, srv := range rep.Servers {
		if !strings.Contains(md.String(), "| "+srv.Name+" | ") {
			t.Errorf("the cutover report lacks server %s:\n%s", srv.Name, md.String())
		}
	}
	for _, a := range rep.AddressChanges {
		if !strings.Contains(md.String(), "| "+a.Old+" | "+a.New+" |") {
			t.Errorf("the cutover report lacks %s → %s", a.Old, a.New)
		}
	}
	if len(rep.AddressChanges) == 0 || !strings.Contains(md.String(), "server delete --wait "+rep.Servers[0].ServerID) ||
		!strings.Contains(md.String(), "root disk") || !strings.Contains(js.String(), `"leftOnSource": [`) {
		t.Errorf("cutover report:\n%s", md.String())
	}
}

// TestQuotaHitAfterStopStartsTheSourceAgain: the target's instance quota
// drops to nothing once the first server is stopped; every server whose
// twin then cannot be made runs again on the source, and the report says
// so.
func TestQuotaHitAfterStopStartsTheSourceAgain(t *testing.T) {
	e := newEnv(t)
	reg := migrate.DefaultRegistry()
	stop := reg[plans.StepStopServer]
	var once sync.Once
	reg[plans.StepStopServer] = migrate.ExecutorFunc(func(ctx context.Context, sc *migrate.StepContext) (migrate.Outcome, error) {
		out, err := stop.Execute(ctx, sc)
		once.Do(func() {
			q := sim.DefaultQuotas
			q.Instances = 0
			if err := e.pair.Target.SetQuotas(e.pair.Target.Projects()[0].Name, q); err != nil {
				t.Error(err)
			}
		})
		return out, err
	})
	opts := e.options()
	opts.Registry = reg
	rep, err := migrate.Run(e.ctx, e.plan, e.src, e.dst, opts)
	if !errors.Is(err, migrate.ErrIncomplete) {
		t.Fatalf("got %v, want an incomplete migration", err)
	}
	if len(rep.Servers) == 0 {
		t.Fatal("no server was stopped")
	}
	for _, c := range rep.Servers {
		s, err := servers.Get(e.ctx, e.src.Compute, c.ServerID).Extract()
		if err != nil || s.Status != "ACTIVE" || !c.Restarted || !slices.Contains(rep.Restarted, c.Name) {
			t.Errorf("source server %s: %v %v; report %+v, restarted %v", c.Name, s.Status, err, c, rep.Restarted)
		}
	}
	for _, s := range rep.Steps {
		if s.Kind == plans.StepServer && s.State == migrate.StateFailed && !strings.Contains(s.Error, "Quota exceeded for instances") {
			t.Errorf("%s failed for another reason: %s", s.ID, s.Error)
		}
	}
}

// TestRefusedBeforeAnyChange: a plan with a failed pre-flight check, and
// a plan whose source drifted since (a server deleted, a volume resized,
// a port added), are refused with the reasons, with no write call to
// either cloud and no server stopped.
func TestRefusedBeforeAnyChange(t *testing.T) {
	e := newEnv(t)
	e.pair.Source.RecordRequests("")
	e.pair.Target.RecordRequests("")

	blocked := *e.plan
	blocked.Preflight = append(slices.Clone(e.plan.Preflight), plans.Check{Name: "quota compute.instances", Detail: "needs 5 + 0 in use = 5 of 2: short by 3"})
	_, err := migrate.Run(e.ctx, &blocked, e.src, e.dst, e.options())
	var refusal *migrate.Refusal
	if !errors.As(err, &refusal) || !errors.Is(err, migrate.ErrRefused) ||
		!slices.Contains(refusal.Reasons, "pre-flight quota compute.instances: needs 5 + 0 in use = 5 of 2: short by 3") {
		t.Fatalf("blocked plan: %v", err)
	}
	if w := append(writes(e.pair.Source), writes(e.pair.Target)...); len(w) != 0 {
		t.Errorf("refused, yet wrote: %v", w)
	}

	poll := cloud.Poll{Max: 20 * time.Millisecond, Timeout: time.Minute}
	var gone, resized, grown string
	for _, s := range e.plan.Inventory.Servers {
		switch {
		case gone == "" && !s.BootFromVolume && len(s.BlockDevices) == 0:
			gone = s.Name
			if err := servers.Delete(e.ctx, e.src.Compute, s.ID).ExtractErr(); err != nil {
				t.Fatal(err)
			}
			if err := cloud.WaitGone(e.ctx, poll, cloud.Server, s.ID, cloud.ServerStatus(e.src.Compute, s.ID, nil)); err != nil {
				t.Fatal(err)
			}
		case grown == "" && len(s.Ports) > 0 && s.Name != gone:
			grown = s.Name
			var net string
			for _, p := range e.plan.Inventory.Ports {
				if p.ID == s.Ports[0] {
					net = p.NetworkID
				}
			}
			p, err := ports.Create(e.ctx, e.src.Network, ports.CreateOpts{NetworkID: net}).Extract()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := attachinterfaces.Create(e.ctx, e.src.Compute, s.ID, attachinterfaces.CreateOpts{PortID: p.ID}).Extract(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, v := range e.plan.Inventory.Volumes {
		if v.Name != "" && len(v.Attachments) == 0 {
			resized = v.Name
			if err := volumes.ExtendSize(e.ctx, e.src.BlockStorage, v.ID, volumes.ExtendSizeOpts{NewSize: v.SizeGB + 1}).ExtractErr(); err != nil {
				t.Fatal(err)
			}
			if err := cloud.WaitFor(e.ctx, poll, cloud.Volume, v.ID, cloud.VolumeStatus(e.src.BlockStorage, v.ID, nil), "available"); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if gone == "" || grown == "" || resized == "" {
		t.Fatalf("the demo tenant lacks a server to delete (%q), one to grow (%q) or a volume to resize (%q)", gone, grown, resized)
	}
	e.pair.Source.RecordRequests("") // the source changes are made: from here on nothing may be written
	e.pair.Target.RecordRequests("")
	_, err = migrate.Run(e.ctx, e.plan, e.src, e.dst, e.options())
	if !errors.As(err, &refusal) {
		t.Fatalf("drifted source: %v", err)
	}
	text := err.Error()
	for _, want := range []string{"server " + gone + ": is gone", "server " + grown + ": ports: ", "volume " + resized + ": size: "} {
		if !strings.Contains(text, want) {
			t.Errorf("the refusal does not list %q:\n%s", want, text)
		}
	}
	if w := append(writes(e.pair.Source), writes(e.pair.Target)...); len(w) != 0 {
		t.Errorf("refused, yet wrote: %v", w)
	}
	for _, s := range e.plan.Inventory.Servers {
		if s.Name == gone || s.Status != "ACTIVE" {
			continue
		}
		if got, err := servers.Get(e.ctx, e.src.Compute, s.ID).Extract(); err != nil || got.Status != "ACTIVE" {
			t.Errorf("source server %s is %v (%v) after a refusal", s.Name, got.Status, err)
		}
	}
}
