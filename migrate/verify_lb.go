package migrate

import (
	"fmt"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

func (v *verifier) loadBalancer(s plans.Step) {
	src, ok := v.src.LoadBalancers[s.SourceID]
	if !ok {
		return
	}
	dst, id := target(v, v.dst.LoadBalancers, "load-balancer", src.Name, src.ID)
	if dst == nil {
		return
	}
	f := func(field string, a, b any) { v.same("load-balancer", src.Name, src.ID, id, field, a, b) }
	f("vip subnet", v.mapped("subnet", src.VIPSubnetID), dst.VIPSubnetID)
	f("vip address", src.VIPAddress, dst.VIPAddress)
	f("listeners", listenerKeys(src.Listeners), listenerKeys(dst.Listeners))
	f("pools", v.poolKeys(src, true), v.poolKeys(dst, false))
}

func listenerKeys(ls []inventory.Listener) []string {
	var out []string
	for _, l := range ls {
		out = append(out, fmt.Sprintf("%s:%d", l.Protocol, l.ProtocolPort))
	}
	return sortedCopy(out)
}

// poolKeys describes each pool with its listener, members and monitor.
func (v *verifier) poolKeys(lb *inventory.LoadBalancer, source bool) []string {
	port := map[string]string{}
	for _, l := range lb.Listeners {
		port[l.ID] = fmt.Sprintf("%s:%d", l.Protocol, l.ProtocolPort)
	}
	var out []string
	for _, p := range lb.Pools {
		var members []string
		for _, m := range p.Members {
			subnet := m.SubnetID
			if source {
				if subnet == "" {
					subnet = lb.VIPSubnetID
				}
				subnet = v.mapped("subnet", subnet)
			}
			members = append(members, fmt.Sprintf("%s:%d@%s w%d", m.Address, m.ProtocolPort, subnet, m.Weight))
		}
		hm := "no monitor"
		if h := p.HealthMonitor; h != nil {
			hm = fmt.Sprintf("%s %d/%d/%d %s", h.Type, h.Delay, h.Timeout, h.MaxRetries, h.URLPath)
		}
		out = append(out, fmt.Sprintf("%s %s %s on %s %v %s", p.Name, p.Protocol, p.LBAlgorithm, port[p.ListenerID], sortedCopy(members), hm))
	}
	return sortedCopy(out)
}
