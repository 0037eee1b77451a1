package inventory

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// neutronSecGroup is a security group with its rules, as the list
// returns them: no call per group.
type neutronSecGroup struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Stateful    *bool    `json:"stateful"`
	Tags        []string `json:"tags"`
	Rules       []struct {
		ID             string  `json:"id"`
		Direction      string  `json:"direction"`
		EtherType      string  `json:"ethertype"`
		Protocol       *string `json:"protocol"`
		PortRangeMin   *int    `json:"port_range_min"`
		PortRangeMax   *int    `json:"port_range_max"`
		RemoteIPPrefix *string `json:"remote_ip_prefix"`
		RemoteGroupID  *string `json:"remote_group_id"`
		Description    string  `json:"description"`
	} `json:"security_group_rules"`
}

func (c *collector) fetchSecurityGroups(ctx context.Context) (int, error) {
	var err error
	c.raw.secGroups, err = cloud.ListAll(ctx, groups.List(c.s.Network, groups.ListOpts{}), cloud.ExtractAs[neutronSecGroup]("security_groups"))
	return len(c.raw.secGroups), err
}

func (g neutronSecGroup) securityGroup() SecurityGroup {
	out := SecurityGroup{ID: g.ID, Name: g.Name, Description: g.Description, Stateful: enabled(g.Stateful), Tags: g.Tags}
	for _, r := range g.Rules {
		out.Rules = append(out.Rules, SecurityGroupRule{ID: r.ID, Direction: r.Direction, EtherType: r.EtherType,
			Protocol: deref(r.Protocol), PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax,
			RemoteIPPrefix: deref(r.RemoteIPPrefix), RemoteGroupID: deref(r.RemoteGroupID), Description: r.Description})
	}
	return out
}
