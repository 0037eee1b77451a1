package migrate

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/monitors"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// runLoadBalancer makes the load balancer with its VIP at the same
// address on the new subnet, then its listeners, pools, members (same
// addresses) and health monitors, waiting for the load balancer to be
// ACTIVE after each change as Octavia requires. On a re-run, what exists
// is kept and only what is missing is made.
func runLoadBalancer(ctx context.Context, sc *StepContext) (Outcome, error) {
	lb, err := lookup(sc.inv.loadBalancers, "load balancer", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	subnetID, err := sc.targetOf("subnet", lb.VIPSubnetID)
	if err != nil {
		return Outcome{}, err
	}
	oc := sc.Target.LoadBalancer
	if oc == nil {
		return Outcome{}, fmt.Errorf("the target offers no load-balancer service")
	}
	c := claim{kind: "load-balancer", name: lb.Name, source: lb.ID,
		find: func(ctx context.Context) ([]candidate, error) {
			q := loadbalancers.ListOpts{Tags: []string{sc.mark.planTag(), sc.mark.stepTag()}}
			all, err := cloud.ListAll(ctx, loadbalancers.List(oc, q), loadbalancers.ExtractLoadBalancers)
			var out []candidate
			for _, x := range all {
				if c := sc.mark.tagged(x.ID, x.Tags); c.Marked {
					c.Broken = x.ProvisioningStatus == "ERROR"
					out = append(out, c)
				}
			}
			return out, err
		},
		create: func(ctx context.Context) (string, error) {
			out, err := loadbalancers.Create(ctx, oc, loadbalancers.CreateOpts{Name: lb.Name, Description: lb.Description,
				VipSubnetID: subnetID, VipAddress: lb.VIPAddress, Tags: sc.mark.tags(lb.Tags)}).Extract()
			if err != nil {
				return "", err
			}
			return out.ID, nil
		},
		remove: func(ctx context.Context, id string) error { return deleteLoadBalancer(ctx, sc.Target, id, sc.poll) },
	}
	id, adopted, err := sc.ensure(ctx, c)
	if err != nil {
		return Outcome{}, err
	}
	o := &octavia{sc: sc, lbID: id, subnetID: subnetID}
	target, err := o.waitActive(ctx)
	if err != nil {
		return Outcome{TargetID: id}, err
	}
	if lb.VIPPortID != "" {
		if err := sc.Journal.MapID("port", lb.VIPPortID, target.VipPortID); err != nil {
			return Outcome{}, err
		}
	}
	out := Outcome{TargetID: id, Adopted: adopted, Values: map[string]string{valueOldAddress: lb.VIPAddress,
		valueNewAddress: target.VipAddress, valueServer: "VIP of load balancer " + lb.Name}}
	return out, o.build(ctx, lb)
}

// octavia builds the inside of one target load balancer.
type octavia struct {
	sc       *StepContext
	lbID     string
	subnetID string
	// listeners maps source listener IDs to target ones.
	listeners map[string]string
}

func (o *octavia) client() *cloud.Session { return o.sc.Target }

// waitActive waits until the load balancer accepts the next change.
func (o *octavia) waitActive(ctx context.Context) (*loadbalancers.LoadBalancer, error) {
	var lb *loadbalancers.LoadBalancer
	err := cloud.WaitFor(ctx, o.sc.poll, cloud.LoadBalancer, o.lbID, cloud.LoadBalancerStatus(o.client().LoadBalancer, o.lbID, &lb), "ACTIVE")
	return lb, err
}

func (o *octavia) build(ctx context.Context, lb *inventory.LoadBalancer) error {
	if err := o.buildListeners(ctx, lb.Listeners); err != nil {
		return err
	}
	have, err := cloud.ListAll(ctx, pools.List(o.client().LoadBalancer, pools.ListOpts{LoadbalancerID: o.lbID}), pools.ExtractPools)
	if err != nil {
		return cloud.Wrap("list pools", err)
	}
	for _, p := range lb.Pools {
		poolID, err := o.ensurePool(ctx, p, have)
		if err != nil {
			return err
		}
		if err := o.buildMembers(ctx, poolID, p.Members); err != nil {
			return err
		}
		if err := o.ensureMonitor(ctx, poolID, p.HealthMonitor); err != nil {
			return err
		}
	}
	return nil
}

func (o *octavia) buildListeners(ctx context.Context, want []inventory.Listener) error {
	oc := o.client().LoadBalancer
	have, err := cloud.ListAll(ctx, listeners.List(oc, listeners.ListOpts{LoadbalancerID: o.lbID}), listeners.ExtractListeners)
	if err != nil {
		return cloud.Wrap("list listeners", err)
	}
	o.listeners = map[string]string{}
	for _, l := range want {
		if id := findListener(have, l); id != "" {
			o.listeners[l.ID] = id
			continue
		}
		opts := listeners.CreateOpts{LoadbalancerID: o.lbID, Name: l.Name, Protocol: listeners.Protocol(l.Protocol),
			ProtocolPort: l.ProtocolPort, Tags: o.sc.mark.tags(nil)}
		if l.ConnectionLimit != 0 {
			opts.ConnLimit = &l.ConnectionLimit
		}
		out, err := listeners.Create(ctx, oc, opts).Extract()
		if err != nil {
			return cloud.Wrap("create listener "+l.Name, err)
		}
		o.listeners[l.ID] = out.ID
		if _, err := o.waitActive(ctx); err != nil {
			return err
		}
	}
	return nil
}

func findListener(have []listeners.Listener, l inventory.Listener) string {
	for _, h := range have {
		if h.Protocol == l.Protocol && h.ProtocolPort == l.ProtocolPort {
			return h.ID
		}
	}
	return ""
}

func (o *octavia) ensurePool(ctx context.Context, p inventory.Pool, have []pools.Pool) (string, error) {
	listenerID := o.listeners[p.ListenerID]
	for _, h := range have {
		if h.Name == p.Name && h.Protocol == p.Protocol && (listenerID == "" || hasListener(h, listenerID)) {
			return h.ID, nil
		}
	}
	opts := pools.CreateOpts{Name: p.Name, Protocol: pools.Protocol(p.Protocol), LBMethod: pools.LBMethod(p.LBAlgorithm),
		Tags: o.sc.mark.tags(nil)}
	if listenerID != "" {
		opts.ListenerID = listenerID
	} else {
		opts.LoadbalancerID = o.lbID
	}
	out, err := pools.Create(ctx, o.client().LoadBalancer, opts).Extract()
	if err != nil {
		return "", cloud.Wrap("create pool "+p.Name, err)
	}
	_, err = o.waitActive(ctx)
	return out.ID, err
}

func hasListener(p pools.Pool, id string) bool {
	for _, l := range p.Listeners {
		if l.ID == id {
			return true
		}
	}
	return false
}

func (o *octavia) buildMembers(ctx context.Context, poolID string, want []inventory.Member) error {
	oc := o.client().LoadBalancer
	have, err := cloud.ListAll(ctx, pools.ListMembers(oc, poolID, pools.ListMembersOpts{}), pools.ExtractMembers)
	if err != nil {
		return cloud.Wrap("list pool members", err)
	}
	for _, m := range want {
		if hasMember(have, m) {
			continue
		}
		subnet := o.subnetID
		if m.SubnetID != "" {
			if subnet, err = o.sc.targetOf("subnet", m.SubnetID); err != nil {
				return err
			}
		}
		opts := pools.CreateMemberOpts{Name: m.Name, Address: m.Address, ProtocolPort: m.ProtocolPort, SubnetID: subnet,
			Tags: o.sc.mark.tags(nil)}
		if m.Weight != 0 {
			opts.Weight = &m.Weight
		}
		if _, err := pools.CreateMember(ctx, oc, poolID, opts).Extract(); err != nil {
			return cloud.Wrap("create member "+m.Address, err)
		}
		if _, err := o.waitActive(ctx); err != nil {
			return err
		}
	}
	return nil
}

func hasMember(have []pools.Member, m inventory.Member) bool {
	for _, h := range have {
		if h.Address == m.Address && h.ProtocolPort == m.ProtocolPort {
			return true
		}
	}
	return false
}

func (o *octavia) ensureMonitor(ctx context.Context, poolID string, hm *inventory.HealthMonitor) error {
	if hm == nil {
		return nil
	}
	oc := o.client().LoadBalancer
	p, err := pools.Get(ctx, oc, poolID).Extract()
	if err != nil {
		return cloud.Wrap("get pool", err)
	}
	if p.MonitorID != "" {
		return nil
	}
	opts := monitors.CreateOpts{PoolID: poolID, Name: hm.Name, Type: hm.Type, Delay: hm.Delay, Timeout: hm.Timeout,
		MaxRetries: hm.MaxRetries, HTTPMethod: hm.HTTPMethod, URLPath: hm.URLPath, ExpectedCodes: hm.ExpectedCodes,
		Tags: o.sc.mark.tags(nil)}
	if _, err := monitors.Create(ctx, oc, opts).Extract(); err != nil {
		return cloud.Wrap("create health monitor", err)
	}
	_, err = o.waitActive(ctx)
	return err
}

// deleteLoadBalancer deletes a load balancer with everything in it and
// waits until it is gone.
func deleteLoadBalancer(ctx context.Context, s *cloud.Session, id string, poll cloud.Poll) error {
	return cloud.Remove(ctx, poll, cloud.LoadBalancer, id, cloud.LoadBalancerStatus(s.LoadBalancer, id, nil), func(ctx context.Context) error {
		return loadbalancers.Delete(ctx, s.LoadBalancer, id, loadbalancers.DeleteOpts{Cascade: true}).ExtractErr()
	})
}
