package migrate

import (
	"context"
	"net/http"

	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/extensions/portsecurity"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// runPort makes the server port with the same fixed IPs, security groups
// (mapped), allowed address pairs and, when the plan asks and the target
// allows, the same MAC address.
func runPort(ctx context.Context, sc *StepContext) (Outcome, error) {
	p, err := lookup(sc.inv.ports, "port", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	opts, err := portOpts(sc, p)
	if err != nil {
		return Outcome{}, err
	}
	nc := sc.Target.Network
	c := claim{kind: "port", name: p.Name, source: p.ID, parent: opts.NetworkID,
		find: func(ctx context.Context) ([]candidate, error) {
			if len(p.FixedIPs) == 0 {
				return portsNamed(ctx, sc, opts.NetworkID, p.Name)
			}
			subnetID, _ := sc.targetOf("subnet", p.FixedIPs[0].SubnetID)
			return portsAt(ctx, sc, opts.NetworkID, subnetID, p.FixedIPs[0].IPAddress)
		},
		byName: len(p.FixedIPs) == 0,
		create: func(ctx context.Context) (string, error) { return createPort(ctx, sc, p, opts) },
		mark:   neutronMark(nc, "ports", sc.mark, p.Tags),
		remove: deleter(nc, ports.Delete),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

func portOpts(sc *StepContext, p *inventory.Port) (ports.CreateOpts, error) {
	netID, err := sc.targetOf("network", p.NetworkID)
	if err != nil {
		return ports.CreateOpts{}, err
	}
	opts := ports.CreateOpts{NetworkID: netID, Name: p.Name, Description: p.Description, AdminStateUp: &p.AdminStateUp}
	var ips []ports.IP
	for _, ip := range p.FixedIPs {
		sub, err := sc.targetOf("subnet", ip.SubnetID)
		if err != nil {
			return opts, err
		}
		ips = append(ips, ports.IP{SubnetID: sub, IPAddress: ip.IPAddress})
	}
	if ips != nil {
		opts.FixedIPs = ips
	}
	if p.PortSecurityEnabled {
		sgs := []string{}
		for _, g := range p.SecurityGroups {
			id, err := sc.targetOf("security-group", g)
			if err != nil {
				return opts, err
			}
			sgs = append(sgs, id)
		}
		opts.SecurityGroups = &sgs
	}
	for _, ap := range p.AllowedAddressPairs {
		opts.AllowedAddressPairs = append(opts.AllowedAddressPairs, ports.AddressPair{IPAddress: ap.IPAddress, MACAddress: ap.MACAddress})
	}
	if sc.Step.Target.KeepMAC && p.MACAddress != "" {
		opts.MACAddress = p.MACAddress
	}
	return opts, nil
}

// createPort makes the port, with port security off where the source
// had it off; a MAC address the target refuses (policy, or in use)
// falls back to a new one, with a note.
func createPort(ctx context.Context, sc *StepContext, p *inventory.Port, opts ports.CreateOpts) (string, error) {
	create := func() (*ports.Port, error) {
		var b ports.CreateOptsBuilder = opts
		if !p.PortSecurityEnabled {
			b = portsecurity.PortCreateOptsExt{CreateOptsBuilder: opts, PortSecurityEnabled: &p.PortSecurityEnabled}
		}
		return ports.Create(ctx, sc.Target.Network, b).Extract()
	}
	out, err := create()
	if err != nil && opts.MACAddress != "" {
		switch cloud.StatusOf(err) {
		case http.StatusForbidden, http.StatusConflict, http.StatusBadRequest:
			sc.Note("the target refused MAC address %s (%v); the port has a new MAC address", p.MACAddress, cloud.Wrap("create port", err))
			opts.MACAddress = ""
			out, err = create()
		}
	}
	if err != nil {
		return "", err
	}
	return out.ID, nil
}

// portsNamed lists ports of a network by name (ports without addresses).
func portsNamed(ctx context.Context, sc *StepContext, netID, name string) ([]candidate, error) {
	all, err := cloud.ListAll(ctx, ports.List(sc.Target.Network, ports.ListOpts{NetworkID: netID, Name: name}), ports.ExtractPorts)
	var out []candidate
	for _, x := range all {
		out = append(out, sc.mark.tagged(x.ID, x.Tags))
	}
	return out, err
}
