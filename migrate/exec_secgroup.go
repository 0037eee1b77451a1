package migrate

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/security/groups"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// defaultGroup is the name of the security group every project has.
const defaultGroup = "default"

// runSecurityGroup makes the group without rules (rules are the next
// step, once every group they refer to exists). The source's default
// group maps onto the target project's own default group, which exists
// already: a project cannot have two.
func runSecurityGroup(ctx context.Context, sc *StepContext) (Outcome, error) {
	g, err := lookup(sc.inv.secGroups, "security group", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	nc := sc.Target.Network
	if g.Name == defaultGroup || sc.Step.Target.Existing {
		id, err := targetDefaultGroup(ctx, sc)
		if err != nil {
			return Outcome{}, err
		}
		sc.Note("mapped onto the target project's default security group; its rules are replaced by the source's")
		return Outcome{TargetID: id, Adopted: true}, sc.adopted("security-group", g.ID, id)
	}
	c := claim{kind: "security-group", name: g.Name, source: g.ID, byName: true,
		find: func(ctx context.Context) ([]candidate, error) {
			all, err := cloud.ListAll(ctx, groups.List(nc, groups.ListOpts{Name: g.Name, ProjectID: sc.Target.ProjectID}), groups.ExtractGroups)
			var out []candidate
			for _, x := range all {
				out = append(out, sc.mark.tagged(x.ID, x.Tags))
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) {
			opts := groups.CreateOpts{Name: g.Name, Description: g.Description}
			if !g.Stateful {
				opts.Stateful = &g.Stateful
			}
			out, err := groups.Create(ctx, nc, opts).Extract()
			if err != nil {
				return "", err
			}
			return out.ID, nil
		},
		mark:   neutronMark(nc, "security-groups", sc.mark, g.Tags),
		remove: deleter(nc, groups.Delete),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

// targetDefaultGroup finds the target project's default security group.
func targetDefaultGroup(ctx context.Context, sc *StepContext) (string, error) {
	all, err := cloud.ListAll(ctx, groups.List(sc.Target.Network, groups.ListOpts{Name: defaultGroup, ProjectID: sc.Target.ProjectID}), groups.ExtractGroups)
	if err != nil {
		return "", cloud.Wrap("find the target's default security group", err)
	}
	if len(all) != 1 {
		return "", fmt.Errorf("the target project has %d security groups named %q, want exactly one", len(all), defaultGroup)
	}
	return all[0].ID, nil
}
