package migrate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

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
		if name == "" {
			name = named[id]
		}
		out = append(out, Leftover{Kind: kind, ID: id, Name: name, Remove: cmd})
	}
	for _, lb := range inv.LoadBalancers {
		if moved[plans.StepLoadBalancer][lb.ID] {
			add("load balancer", lb.ID, lb.Name, cli("loadbalancer delete --cascade %s", lb.ID))
		}
	}
	for _, f := range inv.FloatingIPs {
		if moved[plans.StepFloatingIP][f.ID] {
			add("floating IP", f.ID, f.FloatingIPAddress, cli("floating ip delete %s", f.ID))
		}
	}
	for _, s := range inv.Servers {
		if moved[plans.StepServer][s.ID] {
			add("server", s.ID, s.Name, cli("server delete --wait %s", s.ID))
		}
	}
	for _, v := range inv.Volumes {
		if moved[plans.StepCopyVolume][v.ID] {
			add("volume", v.ID, v.Name, cli("volume delete %s", v.ID))
		}
	}
	for _, r := range inv.Routers {
		if !moved[plans.StepRouter][r.ID] {
			continue
		}
		var cmds []string
		for _, itf := range r.Interfaces {
			cmds = append(cmds, cli("router remove subnet %s %s", r.ID, itf.SubnetID))
		}
		add("router", r.ID, r.Name, strings.Join(append(cmds, cli("router delete %s", r.ID)), " && "))
	}
	for _, port := range inv.Ports {
		if moved[plans.StepPort][port.ID] {
			add("port", port.ID, port.Name, cli("port delete %s", port.ID))
		}
	}
	for _, n := range inv.Networks {
		if moved[plans.StepNetwork][n.ID] {
			add("network", n.ID, n.Name, cli("network delete %s", n.ID))
		}
	}
	for _, g := range inv.SecurityGroups {
		if moved[plans.StepSecurityGroup][g.ID] && g.Name != "default" {
			add("security group", g.ID, g.Name, cli("security group delete %s", g.ID))
		}
	}
	for _, im := range inv.Images {
		if moved[plans.StepCopyImage][im.ID] && im.OwnedByTenant {
			add("image", im.ID, im.Name, cli("image delete %s", im.ID))
		}
	}
	for _, g := range inv.ServerGroups {
		if moved[plans.StepServerGroup][g.ID] {
			add("server group", g.ID, g.Name, cli("server group delete %s", g.ID))
		}
	}
	for _, k := range inv.Keypairs {
		if moved[plans.StepKeypair][k.Name] {
			add("keypair", k.Name, k.Name, cli("keypair delete %s", k.Name))
		}
	}
	return out
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
