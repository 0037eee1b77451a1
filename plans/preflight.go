package plans

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

// quotaDemand is what the plan creates of one quota resource.
type quotaDemand struct {
	service, resource string
	need              int
	unit              string
}

// preflight checks the plan against the target before any copy: quotas
// (what the plan creates plus what is in use), name and CIDR clashes with
// the target project's own resources, and the services the tenant uses.
func preflight(p *Plan, inv *inventory.Document, tgt *Target, d *decisions) []Check {
	var checks []Check
	var unknown []string
	for _, q := range demands(p, inv, d) {
		c, ok := quotaCheck(tgt, q)
		if !ok {
			if q.need > 0 {
				unknown = append(unknown, q.service+"."+q.resource)
			}
			continue
		}
		checks = append(checks, c)
	}
	if len(unknown) > 0 {
		p.Warnings = append(p.Warnings, Finding{Kind: "quota", Name: "target quotas",
			Reason: "limits not readable, not checked: " + strings.Join(unknown, ", ")})
	}
	checks = append(checks, clashChecks(p, inv, tgt)...)
	return append(checks, serviceChecks(inv, tgt)...)
}

// demands counts what the plan's steps create, per quota resource.
func demands(p *Plan, inv *inventory.Document, d *decisions) []quotaDemand {
	n := map[StepKind]int{}
	var cores, ram, rules, groups int
	var volGB int64
	groupRules := map[string]int{}
	for _, g := range inv.SecurityGroups {
		if g.Name != defaultSecurityGroup { // the target's default group has its rules
			groupRules[g.ID] = len(g.Rules)
		}
	}
	for _, s := range p.Steps {
		n[s.Kind]++
		switch s.Kind {
		case StepServer:
			f := d.targetFlav[s.Target.FlavorID]
			cores, ram = cores+f.f.VCPUs, ram+f.f.RAMMiB
		case StepCopyVolume:
			volGB += s.Bytes / gib
		case StepSecurityGroup:
			if !s.Target.Existing {
				groups++
			}
		case StepSecurityGroupRules:
			rules += groupRules[s.SourceID]
		}
	}
	return addClusterDemands(p, d, []quotaDemand{
		{"compute", "instances", n[StepServer], ""},
		{"compute", "cores", cores, ""},
		{"compute", "ram", ram, " MiB"},
		{"compute", "key_pairs", n[StepKeypair], ""},
		{"compute", "server_groups", n[StepServerGroup], ""},
		{"volume", "volumes", n[StepCopyVolume], ""},
		{"volume", "gigabytes", int(volGB), " GB"},
		{"network", "network", n[StepNetwork], ""},
		{"network", "subnet", n[StepSubnet], ""},
		{"network", "port", n[StepPort] + n[StepRouterInterface] + n[StepLoadBalancer], ""},
		{"network", "router", n[StepRouter], ""},
		{"network", "floatingip", n[StepFloatingIP], ""},
		{"network", "security_group", groups, ""},
		{"network", "security_group_rule", rules, ""},
		{"load-balancer", "load_balancer", n[StepLoadBalancer], ""},
	})
}

// quotaCheck compares a demand with the target's limit and usage.
func quotaCheck(tgt *Target, q quotaDemand) (Check, bool) {
	lim, ok := tgt.Quota(q.service, q.resource)
	if !ok {
		return Check{}, false
	}
	c := Check{Name: "quota " + q.service + "." + q.resource, OK: true}
	if lim.Limit < 0 {
		c.Detail = fmt.Sprintf("needs %d%s; unlimited", q.need, q.unit)
		return c, true
	}
	total := q.need + lim.InUse
	c.OK = total <= lim.Limit
	c.Detail = fmt.Sprintf("needs %d%s + %d in use = %d of %d", q.need, q.unit, lim.InUse, total, lim.Limit)
	if !c.OK {
		c.Detail += fmt.Sprintf(": short by %d%s", total-lim.Limit, q.unit)
	}
	return c, true
}

// clashRows are the kinds whose names can clash: the check's wording,
// the step that creates them, the audit item kind, and the target's names.
var clashRows = []struct {
	what     string
	step     StepKind
	item     string
	existing func(*Existing) []string
}{
	{"network", StepNetwork, "network", func(e *Existing) []string { return e.Networks }},
	{"router", StepRouter, "router", func(e *Existing) []string { return e.Routers }},
	{"security group", StepSecurityGroup, "security-group", func(e *Existing) []string { return e.SecurityGroups }},
	{"keypair", StepKeypair, "keypair", func(e *Existing) []string { return e.Keypairs }},
	{"server", StepServer, "server", func(e *Existing) []string { return e.Servers }},
	{"server group", StepServerGroup, "server-group", func(e *Existing) []string { return e.ServerGroups }},
	{"load balancer", StepLoadBalancer, "load-balancer", func(e *Existing) []string { return e.LoadBalancers }},
	{"bucket", StepCopyBucket, "bucket", func(e *Existing) []string { return e.Buckets }},
}

// clashItemKind is the audit item kind a clash check is about, or "".
func clashItemKind(checkName string) string {
	if checkName == cidrCheckName {
		return "subnet"
	}
	for _, r := range clashRows {
		if checkName == "clash "+r.what+" names" {
			return r.item
		}
	}
	return ""
}

// cidrCheckName names the subnet overlap check.
const cidrCheckName = "clash subnet CIDRs"

// clashChecks look for names the target project already uses and for
// subnets overlapping its own.
func clashChecks(p *Plan, inv *inventory.Document, tgt *Target) []Check {
	created := map[StepKind][]string{}
	for _, s := range p.Steps {
		switch {
		case s.Kind == StepCopyBucket:
			created[s.Kind] = append(created[s.Kind], s.Target.Bucket)
		case !s.Target.Existing:
			created[s.Kind] = append(created[s.Kind], s.Name)
		}
	}
	var checks []Check
	for _, r := range clashRows {
		if r.step == StepCopyBucket && len(created[r.step]) == 0 {
			continue // no object storage: no line of noise
		}
		c := nameClash(r.what, created[r.step], r.existing(&tgt.Existing))
		if r.step == StepCopyBucket && !c.OK {
			c.Detail += " (give them other names in the buckets: section of a mapping file)"
		}
		checks = append(checks, c)
	}
	return append(checks, cidrClash(p, inv, tgt))
}

// nameClash reports the created names the target already has.
func nameClash(what string, created, existing []string) Check {
	var taken []string
	for _, n := range created {
		if n != "" && slices.Contains(existing, n) && !slices.Contains(taken, n) {
			taken = append(taken, n)
		}
	}
	c := Check{Name: "clash " + what + " names", OK: len(taken) == 0}
	if c.OK {
		c.Detail = fmt.Sprintf("none of %s taken", plural(len(created), "name"))
	} else {
		slices.Sort(taken)
		c.Detail = "already in the target project: " + strings.Join(taken, ", ")
		c.Subjects = taken
	}
	return c
}

// cidrClash reports created subnets that overlap the target's subnets.
func cidrClash(p *Plan, inv *inventory.Document, tgt *Target) Check {
	subnets := map[string]inventory.Subnet{}
	for _, s := range inv.Subnets {
		subnets[s.ID] = s
	}
	var existing []netip.Prefix
	for _, e := range tgt.Existing.Subnets {
		if pf, err := netip.ParsePrefix(e.CIDR); err == nil {
			existing = append(existing, pf)
		}
	}
	var clashes, subjects []string
	n := 0
	for _, s := range p.Steps {
		if s.Kind != StepSubnet {
			continue
		}
		n++
		pf, err := netip.ParsePrefix(subnets[s.SourceID].CIDR)
		if err != nil {
			continue
		}
		for i, e := range existing {
			if pf.Overlaps(e) {
				ex := tgt.Existing.Subnets[i]
				clashes = append(clashes, fmt.Sprintf("%s (%s) overlaps %s (%s)", pf, s.Name, e, ex.Name))
				subjects = append(subjects, s.Name)
			}
		}
	}
	c := Check{Name: cidrCheckName, OK: len(clashes) == 0}
	if c.OK {
		c.Detail = fmt.Sprintf("none of %s overlaps the target project's", plural(n, "subnet"))
	} else {
		c.Detail = strings.Join(clashes, "; ")
		c.Subjects = slices.Compact(subjects)
	}
	return c
}

// serviceChecks compare the services the tenant uses with the target's
// catalog (scs-0123).
func serviceChecks(inv *inventory.Document, tgt *Target) []Check {
	if len(tgt.Services) == 0 {
		return nil
	}
	var checks []Check
	for _, u := range usedServices(inv) {
		c := Check{Name: "service " + u.Name, OK: offers(tgt.Services, u.CatalogTypes)}
		enc, hasEnc := encryptedType(tgt)
		switch {
		case c.OK:
			c.Detail = "offered; the tenant has " + u.Why
		case u.Name == "key-manager" && hasEnc:
			c.OK = true
			c.Detail = fmt.Sprintf("not in the catalog, but the target's volume type %s is [scs:encrypted]; the tenant has %s", enc, u.Why)
		case u.Mandatory:
			c.Detail = "missing, though scs-0123 makes it mandatory; the tenant has " + u.Why
		default:
			c.Detail = "missing (optional in scs-0123); the tenant has " + u.Why
		}
		checks = append(checks, c)
	}
	return checks
}

// encryptedType names a target volume type with the encrypted aspect:
// the target manages volume keys, with or without Barbican in its
// catalog.
func encryptedType(tgt *Target) (string, bool) {
	for _, vt := range tgt.VolumeTypes {
		if f := typeFactsOf(vt); slices.Contains(f.aspects, "encrypted") {
			return vt.Name, true
		}
	}
	return "", false
}

// plural formats a count, e.g. "1 volume", "3 volumes".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
