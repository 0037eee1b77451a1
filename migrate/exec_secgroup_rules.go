package migrate

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/rules"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// Rule is a security group rule as the journal keeps it and as rule sets
// are compared: remote groups are target IDs.
type Rule struct {
	Direction      string `json:"direction"`
	EtherType      string `json:"ethertype"`
	Protocol       string `json:"protocol,omitempty"`
	PortRangeMin   *int   `json:"port_range_min,omitempty"`
	PortRangeMax   *int   `json:"port_range_max,omitempty"`
	RemoteIPPrefix string `json:"remote_ip_prefix,omitempty"`
	RemoteGroupID  string `json:"remote_group_id,omitempty"`
	Description    string `json:"description,omitempty"`
}

// neutronRule is a rule as Neutron lists it, keeping null apart from 0.
type neutronRule struct {
	ID string `json:"id"`
	Rule
}

// key identifies a rule by what it allows, as Neutron's duplicate check
// does: the description does not count, "0.0.0.0/0" is no prefix at all,
// protocol numbers equal their names.
func (r Rule) key() string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", r.Direction, r.EtherType, normProtocol(r.Protocol),
		intOrAny(r.PortRangeMin), intOrAny(r.PortRangeMax), normPrefix(r.RemoteIPPrefix), r.RemoteGroupID)
}

func intOrAny(p *int) string {
	if p == nil {
		return "*"
	}
	return fmt.Sprint(*p)
}

func normPrefix(p string) string {
	if p == "0.0.0.0/0" || p == "::/0" {
		return ""
	}
	return p
}

var protocolNames = map[string]string{"1": "icmp", "6": "tcp", "17": "udp", "58": "ipv6-icmp", "icmpv6": "ipv6-icmp", "any": ""}

func normProtocol(p string) string {
	if n, ok := protocolNames[p]; ok {
		return n
	}
	return p
}

// desiredRules are the source group's rules with remote groups mapped.
func desiredRules(sc *StepContext, g *inventory.SecurityGroup, targetGroup string) ([]Rule, error) {
	out := make([]Rule, 0, len(g.Rules))
	for _, r := range g.Rules {
		remote := ""
		switch r.RemoteGroupID {
		case "":
		case g.ID:
			remote = targetGroup
		default:
			id, err := sc.targetOf("security-group", r.RemoteGroupID)
			if err != nil {
				return nil, fmt.Errorf("rule %s refers to group %s: %w", r.ID, r.RemoteGroupID, err)
			}
			remote = id
		}
		out = append(out, Rule{Direction: r.Direction, EtherType: r.EtherType, Protocol: r.Protocol,
			PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax, RemoteIPPrefix: r.RemoteIPPrefix,
			RemoteGroupID: remote, Description: r.Description})
	}
	return out, nil
}

// runSecurityGroupRules makes the group's rule set on the target equal to
// the source's: rules that exist already are kept, missing ones made,
// others (Neutron's automatic egress rules, the target default group's
// own rules) removed. The target default group's rules are saved in the
// journal first, so that a rollback can restore them.
func runSecurityGroupRules(ctx context.Context, sc *StepContext) (Outcome, error) {
	g, err := lookup(sc.inv.secGroups, "security group", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	target, err := sc.targetOf("security-group", g.ID)
	if err != nil {
		return Outcome{}, err
	}
	want, err := desiredRules(sc, g, target)
	if err != nil {
		return Outcome{}, err
	}
	have, err := groupRules(ctx, sc.Target, target)
	if err != nil {
		return Outcome{}, err
	}
	if g.Name == defaultGroup {
		if err := saveDefaultRules(sc, target, have); err != nil {
			return Outcome{}, err
		}
	}
	made, kept, removed, err := convergeRules(ctx, sc.Target, target, want, have)
	if kept > 0 {
		sc.Note("%d rules existed already and were kept", kept)
	}
	if removed > 0 {
		sc.Note("%d rules the target had and the source has not were removed", removed)
	}
	return Outcome{TargetID: target, Values: map[string]string{"rulesCreated": fmt.Sprint(made)}}, err
}

// groupRules lists the rules of a target group.
func groupRules(ctx context.Context, s *cloud.Session, groupID string) ([]neutronRule, error) {
	all, err := cloud.ListAll(ctx, rules.List(s.Network, rules.ListOpts{SecGroupID: groupID}), cloud.ExtractAs[neutronRule]("security_group_rules"))
	return all, cloud.Wrap("list security group rules", err)
}

// defaultRulesKey is the journal key of a default group's original rules.
func defaultRulesKey(groupID string) string { return "default-group-rules/" + groupID }

func saveDefaultRules(sc *StepContext, groupID string, have []neutronRule) error {
	var saved []Rule
	if ok, err := sc.Journal.Load(defaultRulesKey(groupID), &saved); ok || err != nil {
		return err
	}
	saved = make([]Rule, len(have))
	for i, r := range have {
		saved[i] = r.Rule
	}
	return sc.Journal.Save(defaultRulesKey(groupID), saved)
}

// convergeRules makes the group's rules equal to want.
func convergeRules(ctx context.Context, s *cloud.Session, groupID string, want []Rule, have []neutronRule) (made, kept, removed int, err error) {
	haveKeys := map[string]bool{}
	for _, r := range have {
		haveKeys[r.key()] = true
	}
	wantKeys := map[string]bool{}
	for _, r := range want {
		k := r.key()
		if wantKeys[k] {
			continue
		}
		wantKeys[k] = true
		if haveKeys[k] {
			kept++
			continue
		}
		if err := createRule(ctx, s, groupID, r); err != nil {
			return made, kept, removed, err
		}
		made++
	}
	for _, r := range have {
		if wantKeys[r.key()] {
			continue
		}
		if err := deleter(s.Network, rules.Delete)(ctx, r.ID); err != nil {
			return made, kept, removed, cloud.Wrap("remove security group rule "+r.ID, err)
		}
		removed++
	}
	return made, kept, removed, nil
}

// createRule makes one rule; a rule Neutron says exists already is fine
// (an earlier attempt made it).
func createRule(ctx context.Context, s *cloud.Session, groupID string, r Rule) error {
	opts := ruleOpts{CreateOpts: rules.CreateOpts{SecGroupID: groupID, Direction: rules.RuleDirection(r.Direction),
		EtherType: rules.RuleEtherType(r.EtherType), Protocol: rules.RuleProtocol(r.Protocol),
		RemoteIPPrefix: r.RemoteIPPrefix, RemoteGroupID: r.RemoteGroupID, Description: r.Description},
		min: r.PortRangeMin, max: r.PortRangeMax}
	_, err := rules.Create(ctx, s.Network, opts).Extract()
	if cloud.IsConflict(err) {
		return nil
	}
	return cloud.Wrap("create security group rule "+r.key(), err)
}

// ruleOpts are rules.CreateOpts with port ranges that may be 0 (ICMP
// type or code 0), which gophercloud's omitempty ints would drop.
type ruleOpts struct {
	rules.CreateOpts
	min, max *int
}

func (o ruleOpts) ToSecGroupRuleCreateMap() (map[string]any, error) {
	b, err := o.CreateOpts.ToSecGroupRuleCreateMap()
	if err != nil {
		return nil, err
	}
	rule := b["security_group_rule"].(map[string]any)
	for k, v := range map[string]*int{"port_range_min": o.min, "port_range_max": o.max} {
		if v != nil {
			rule[k] = *v
		}
	}
	return b, nil
}
