package migrate

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// CutoverReport is what an operator pastes into a change ticket after a
// migration: per-server downtime, every address to change (floating IPs
// and their DNS names, load-balancer VIPs, Kubernetes API endpoints and
// ingress addresses), and what is left on the source with the commands
// that remove it once the target is accepted.
type CutoverReport struct {
	PlanID       string          `json:"planID"`
	Source       plans.Endpoint  `json:"source"`
	Target       plans.Endpoint  `json:"target"`
	StartedAt    time.Time       `json:"startedAt,omitzero"`
	FinishedAt   time.Time       `json:"finishedAt,omitzero"`
	Complete     bool            `json:"complete"`
	Counts       map[State]int   `json:"counts"`
	Servers      []ServerCutover `json:"servers"`
	Addresses    []AddressChange `json:"addresses"`
	LeftOnSource []Leftover      `json:"leftOnSource"`
}

// Leftover is a source resource the migration copied and left in place.
type Leftover struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Remove is the openstack CLI command that deletes it.
	Remove string `json:"remove"`
}

// NewCutoverReport builds the cutover report of a run (or of the
// journal, through Status).
func NewCutoverReport(p *plans.Plan, rep *Report) *CutoverReport {
	c := &CutoverReport{PlanID: p.ID, Source: p.Source, Target: p.Target, StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt,
		Complete: rep.Complete(), Counts: rep.Counts, Servers: rep.Servers, Addresses: rep.AddressChanges,
		LeftOnSource: leftovers(p, rep)}
	if c.Servers == nil {
		c.Servers = []ServerCutover{}
	}
	if c.Addresses == nil {
		c.Addresses = []AddressChange{}
	}
	return c
}

// leftovers are the source resources whose copy succeeded, in the order
// they can be deleted (servers before their ports and volumes, routers'
// interfaces before subnets), each with its command.
func leftovers(p *plans.Plan, rep *Report) []Leftover {
	done := map[string]bool{}
	for _, s := range rep.Steps {
		done[s.ID] = s.State == StateSucceeded
	}
	moved := map[plans.StepKind]map[string]bool{}
	named := map[string]string{} // source ID → the plan's name for it
	for _, s := range p.Steps {
		if s.Kind != plans.StepAttachVolume && named[s.SourceID] == "" {
			named[s.SourceID] = s.Name
		}
		if done[s.ID] {
			if moved[s.Kind] == nil {
				moved[s.Kind] = map[string]bool{}
			}
			moved[s.Kind][s.SourceID] = true
		}
	}
	cloud := p.Source.Cloud
	if cloud == "" {
		cloud = "SOURCE"
	}
	cli := func(format string, args ...any) string {
		return "openstack --os-cloud " + cloud + " " + fmt.Sprintf(format, args...)
	}
	inv := p.Inventory
	var out []Leftover
	add := func(kind, id, name, cmd string) {
		out = append(out, Leftover{Kind: kind, ID: id, Name: cmp.Or(name, named[id]), Remove: cmd})
	}
	each(add, inv.LoadBalancers, moved[plans.StepLoadBalancer], "load balancer", func(lb inventory.LoadBalancer) (string, string) { return lb.ID, lb.Name },
		func(id string, _ inventory.LoadBalancer) string { return cli("loadbalancer delete --cascade %s", id) })
	each(add, inv.FloatingIPs, moved[plans.StepFloatingIP], "floating IP", func(f inventory.FloatingIP) (string, string) { return f.ID, f.FloatingIPAddress },
		func(id string, _ inventory.FloatingIP) string { return cli("floating ip delete %s", id) })
	each(add, inv.Servers, moved[plans.StepServer], "server", func(s inventory.Server) (string, string) { return s.ID, s.Name },
		func(id string, _ inventory.Server) string { return cli("server delete --wait %s", id) })
	each(add, inv.Volumes, moved[plans.StepCopyVolume], "volume", func(v inventory.Volume) (string, string) { return v.ID, v.Name },
		func(id string, _ inventory.Volume) string { return cli("volume delete %s", id) })
	each(add, inv.Routers, moved[plans.StepRouter], "router", func(r inventory.Router) (string, string) { return r.ID, r.Name },
		func(id string, r inventory.Router) string {
			var cmds []string
			for _, itf := range r.Interfaces {
				cmds = append(cmds, cli("router remove subnet %s %s", id, itf.SubnetID))
			}
			return strings.Join(append(cmds, cli("router delete %s", id)), " && ")
		})
	each(add, inv.Ports, moved[plans.StepPort], "port", func(p inventory.Port) (string, string) { return p.ID, p.Name },
		func(id string, _ inventory.Port) string { return cli("port delete %s", id) })
	each(add, inv.Networks, moved[plans.StepNetwork], "network", func(n inventory.Network) (string, string) { return n.ID, n.Name },
		func(id string, _ inventory.Network) string { return cli("network delete %s", id) })
	groups := slices.DeleteFunc(slices.Clone(inv.SecurityGroups), func(g inventory.SecurityGroup) bool { return g.Name == "default" })
	each(add, groups, moved[plans.StepSecurityGroup], "security group", func(g inventory.SecurityGroup) (string, string) { return g.ID, g.Name },
		func(id string, _ inventory.SecurityGroup) string { return cli("security group delete %s", id) })
	own := slices.DeleteFunc(slices.Clone(inv.Images), func(im inventory.Image) bool { return !im.OwnedByTenant })
	each(add, own, moved[plans.StepCopyImage], "image", func(im inventory.Image) (string, string) { return im.ID, im.Name },
		func(id string, _ inventory.Image) string { return cli("image delete %s", id) })
	each(add, inv.ServerGroups, moved[plans.StepServerGroup], "server group", func(g inventory.ServerGroup) (string, string) { return g.ID, g.Name },
		func(id string, _ inventory.ServerGroup) string { return cli("server group delete %s", id) })
	each(add, inv.Keypairs, moved[plans.StepKeypair], "keypair", func(k inventory.Keypair) (string, string) { return k.Name, k.Name },
		func(id string, _ inventory.Keypair) string { return cli("keypair delete %s", id) })
	return out
}

// each adds, in list order, the resources of one kind whose step moved
// them.
func each[T any](add func(kind, id, name, cmd string), list []T, moved map[string]bool, kind string,
	key func(T) (id, name string), remove func(id string, r T) string) {
	for _, r := range list {
		if id, name := key(r); moved[id] {
			add(kind, id, name, remove(id, r))
		}
	}
}

// WriteCutoverReport writes the report as "markdown" or "json".
func WriteCutoverReport(w io.Writer, c *CutoverReport, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Cutover report: plan %s\n\n", c.PlanID)
	fmt.Fprintf(&b, "- from **%s** (project %s) to **%s** (project %s)\n", c.Source.Cloud, c.Source.ProjectName, c.Target.Cloud, c.Target.ProjectName)
	if !c.StartedAt.IsZero() {
		fmt.Fprintf(&b, "- run %s – %s (%s)\n", c.StartedAt.Format(time.RFC3339), c.FinishedAt.Format(time.RFC3339),
			c.FinishedAt.Sub(c.StartedAt).Round(time.Second))
	}
	state := "**complete**: every step succeeded"
	if !c.Complete {
		state = fmt.Sprintf("**incomplete**: %d succeeded, %d failed, %d skipped, %d pending — run migrate again to resume",
			c.Counts[StateSucceeded], c.Counts[StateFailed], c.Counts[StateSkipped], c.Counts[StatePending])
	}
	fmt.Fprintf(&b, "- %s\n\n## Downtime per server\n\n", state)
	if len(c.Servers) == 0 {
		b.WriteString("No source server was stopped.\n")
	} else {
		b.WriteString("| server | wave | stopped on the source | active on the target | downtime | estimated |\n|---|---|---|---|---:|---:|\n")
		for _, s := range c.Servers {
			active, down := "—", "—"
			switch {
			case s.Restarted:
				active = "cutover failed: running on the source again since " + s.RestartedAt.Format(time.TimeOnly)
			case !s.ActiveAt.IsZero():
				active, down = s.ActiveAt.Format(time.RFC3339), s.Downtime.Round(100*time.Millisecond).String()
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", s.Name, orDash(s.Wave), s.StoppedAt.Format(time.RFC3339), active, down, s.Estimate)
		}
	}
	b.WriteString("\n## Addresses to change\n\n")
	if len(c.Addresses) == 0 {
		b.WriteString("None.\n")
	} else {
		b.WriteString("| what | old | new | DNS record to change |\n|---|---|---|---|\n")
		for _, a := range c.Addresses {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", orDash(a.Server), a.Old, a.New, orDash(a.DNSName))
		}
	}
	b.WriteString("\n## Left on the source\n\n")
	if len(c.LeftOnSource) == 0 {
		b.WriteString("Nothing the plan copied.\n")
	} else {
		b.WriteString("The source keeps everything the plan copied. Once the target is accepted (`scs-migrate verify`), " +
			"remove it in this order:\n\n```sh\n")
		for _, l := range c.LeftOnSource {
			fmt.Fprintf(&b, "%s   # %s %s\n", l.Remove, l.Kind, orDash(l.Name))
		}
		b.WriteString("```\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
