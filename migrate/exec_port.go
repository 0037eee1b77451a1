package migrate

import (
	"context"
	"net/http"

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
	body, err := portBody(sc, p)
	if err != nil {
		return Outcome{}, err
	}
	nc := sc.Target.Network
	netID := body["network_id"].(string)
	c := claim{kind: "port", name: p.Name, source: p.ID, parent: netID,
		find: func(ctx context.Context) ([]candidate, error) {
			if len(p.FixedIPs) == 0 {
				return portsNamed(ctx, sc, netID, p.Name)
			}
			subnetID, _ := sc.targetOf("subnet", p.FixedIPs[0].SubnetID)
			return portsAt(ctx, sc, netID, subnetID, p.FixedIPs[0].IPAddress)
		},
		byName: len(p.FixedIPs) == 0,
		create: func(ctx context.Context) (string, error) { return createPort(ctx, sc, p, body) },
		mark:   neutronMark(nc, "ports", sc.mark, p.Tags),
		remove: neutronRemove(nc, "ports"),
	}
	id, adopted, err := sc.ensure(ctx, c)
	return Outcome{TargetID: id, Adopted: adopted}, err
}

func portBody(sc *StepContext, p *inventory.Port) (map[string]any, error) {
	netID, err := sc.targetOf("network", p.NetworkID)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"network_id": netID, "name": p.Name, "admin_state_up": p.AdminStateUp}
	if p.Description != "" {
		body["description"] = p.Description
	}
	var ips []map[string]string
	for _, ip := range p.FixedIPs {
		sub, err := sc.targetOf("subnet", ip.SubnetID)
		if err != nil {
			return nil, err
		}
		ips = append(ips, map[string]string{"subnet_id": sub, "ip_address": ip.IPAddress})
	}
	if ips != nil {
		body["fixed_ips"] = ips
	}
	if !p.PortSecurityEnabled {
		body["port_security_enabled"] = false
	} else {
		sgs := []string{}
		for _, g := range p.SecurityGroups {
			id, err := sc.targetOf("security-group", g)
			if err != nil {
				return nil, err
			}
			sgs = append(sgs, id)
		}
		body["security_groups"] = sgs
	}
	if len(p.AllowedAddressPairs) > 0 {
		pairs := make([]map[string]string, len(p.AllowedAddressPairs))
		for i, ap := range p.AllowedAddressPairs {
			pairs[i] = map[string]string{"ip_address": ap.IPAddress}
			if ap.MACAddress != "" {
				pairs[i]["mac_address"] = ap.MACAddress
			}
		}
		body["allowed_address_pairs"] = pairs
	}
	if sc.Step.Target.KeepMAC && p.MACAddress != "" {
		body["mac_address"] = p.MACAddress
	}
	return body, nil
}

// createPort makes the port; a MAC address the target refuses (policy,
// or in use) falls back to a new one, with a note.
func createPort(ctx context.Context, sc *StepContext, p *inventory.Port, body map[string]any) (string, error) {
	out, err := neutronCreate[ports.Port](ctx, sc.Target.Network, "ports", "port", body)
	if _, mac := body["mac_address"]; err != nil && mac {
		switch cloud.StatusOf(err) {
		case http.StatusForbidden, http.StatusConflict, http.StatusBadRequest:
			delete(body, "mac_address")
			sc.Note("the target refused MAC address %s (%v); the port has a new MAC address", p.MACAddress, cloud.Wrap("create port", err))
			out, err = neutronCreate[ports.Port](ctx, sc.Target.Network, "ports", "port", body)
		}
	}
	return out.ID, err
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
