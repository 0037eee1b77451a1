package migrate

import (
	"context"
	"errors"
	"slices"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/layer3/floatingips"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// runFloatingIP allocates a new floating IP on the mapped external
// network and associates it with the new port. Addresses cannot move
// between providers: the old → new pair goes into the report, for the
// DNS cutover.
func runFloatingIP(ctx context.Context, sc *StepContext) (Outcome, error) {
	fip, err := lookup(sc.inv.floatingIPs, "floating IP", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	ext := sc.Step.Target.ExternalNetworkID
	if ext == "" {
		return Outcome{}, errors.New("the plan maps no external network for the floating IP")
	}
	portID := ""
	if fip.PortID != "" {
		if portID, err = sc.targetOf("port", fip.PortID); err != nil {
			return Outcome{}, err
		}
	}
	nc := sc.Target.Network
	var address string
	c := claim{kind: "floating-ip", name: fip.FloatingIPAddress, source: fip.ID, byName: portID == "",
		find: func(ctx context.Context) ([]candidate, error) {
			q := floatingips.ListOpts{FloatingNetworkID: ext, ProjectID: sc.Target.ProjectID, PortID: portID}
			all, err := cloud.ListAll(ctx, floatingips.List(nc, q), floatingips.ExtractFloatingIPs)
			var out []candidate
			for _, f := range all {
				c := sc.mark.tagged(f.ID, f.Tags)
				// An address on the plan's own port is the plan's.
				c.Mine = portID != "" && f.PortID == portID && !c.Foreign
				if portID == "" && f.PortID != "" {
					continue
				}
				out = append(out, c)
				if c.Marked || c.Mine {
					address = f.FloatingIP
				}
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) {
			opts := floatingips.CreateOpts{FloatingNetworkID: ext, PortID: portID, Description: fip.Description}
			if portID != "" {
				opts.FixedIP = fip.FixedIPAddress
			}
			out, err := floatingips.Create(ctx, nc, opts).Extract()
			if err != nil {
				return "", err
			}
			address = out.FloatingIP
			return out.ID, nil
		},
		mark:   neutronMark(nc, "floatingips", sc.mark, nil),
		remove: deleter(nc, floatingips.Delete),
	}
	id, adopted, err := sc.ensure(ctx, c)
	if err != nil {
		return Outcome{}, err
	}
	if address == "" || adopted {
		f, err := floatingips.Get(ctx, nc, id).Extract()
		if err != nil {
			return Outcome{}, cloud.Wrap("get floating IP", err)
		}
		address = f.FloatingIP
	}
	vals := map[string]string{valueOldAddress: fip.FloatingIPAddress, valueNewAddress: address}
	if srv := serverWithPort(sc, fip.PortID); srv != "" {
		vals[valueServer] = srv
	}
	return Outcome{TargetID: id, Adopted: adopted, Values: vals}, nil
}

// serverWithPort names the source server (or load balancer) a port
// belongs to.
func serverWithPort(sc *StepContext, portID string) string {
	if portID == "" {
		return ""
	}
	for _, s := range sc.inv.servers {
		if slices.Contains(s.Ports, portID) {
			return s.Name
		}
	}
	for _, lb := range sc.inv.loadBalancers {
		if lb.VIPPortID == portID {
			return lb.Name
		}
	}
	return ""
}
