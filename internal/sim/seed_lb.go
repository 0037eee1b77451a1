package sim

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/monitors"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

func (s *seeder) loadBalancers(ctx context.Context) error {
	for _, lb := range s.t.LoadBalancers {
		if err := s.loadBalancer(ctx, lb); err != nil {
			return fmt.Errorf("load balancer %q: %w", lb.Name, err)
		}
	}
	return nil
}

func (s *seeder) loadBalancer(ctx context.Context, spec TenantLB) error {
	lb, err := loadbalancers.Create(ctx, s.lb, loadbalancers.CreateOpts{Name: spec.Name, VipSubnetID: s.subnets[spec.Subnet]}).Extract()
	if err != nil {
		return err
	}
	if err := s.waitLB(ctx, lb.ID); err != nil {
		return err
	}
	for _, l := range spec.Listeners {
		if err := s.listener(ctx, lb.ID, spec, l); err != nil {
			return fmt.Errorf("listener %q: %w", l.Name, err)
		}
	}
	return nil
}

func (s *seeder) listener(ctx context.Context, lbID string, spec TenantLB, l TenantListener) error {
	ln, err := listeners.Create(ctx, s.lb, listeners.CreateOpts{Name: l.Name, LoadbalancerID: lbID,
		Protocol: listeners.Protocol(l.Protocol), ProtocolPort: l.Port}).Extract()
	if err != nil {
		return err
	}
	if err := s.waitLB(ctx, lbID); err != nil {
		return err
	}
	algo := l.Algorithm
	if algo == "" {
		algo = "ROUND_ROBIN"
	}
	pool, err := pools.Create(ctx, s.lb, pools.CreateOpts{Name: l.Name + "-pool", ListenerID: ln.ID,
		Protocol: pools.Protocol(l.Protocol), LBMethod: pools.LBMethod(algo)}).Extract()
	if err != nil {
		return err
	}
	if err := s.waitLB(ctx, lbID); err != nil {
		return err
	}
	for _, m := range l.Members {
		addr, err := s.serverAddress(ctx, m, s.subnets[spec.Subnet])
		if err != nil {
			return err
		}
		if _, err := pools.CreateMember(ctx, s.lb, pool.ID, pools.CreateMemberOpts{Name: m, Address: addr,
			ProtocolPort: l.MemberPort, SubnetID: s.subnets[spec.Subnet]}).Extract(); err != nil {
			return fmt.Errorf("member %q: %w", m, err)
		}
		if err := s.waitLB(ctx, lbID); err != nil {
			return err
		}
	}
	if hm := l.HealthMonitor; hm != nil {
		if _, err := monitors.Create(ctx, s.lb, monitors.CreateOpts{PoolID: pool.ID, Type: hm.Type, Delay: hm.Delay,
			Timeout: hm.Timeout, MaxRetries: hm.MaxRetries, URLPath: hm.URLPath}).Extract(); err != nil {
			return fmt.Errorf("health monitor: %w", err)
		}
		return s.waitLB(ctx, lbID)
	}
	return nil
}

// serverAddress is the server's fixed IP on the subnet.
func (s *seeder) serverAddress(ctx context.Context, server, subnetID string) (string, error) {
	for _, pid := range s.serverPorts[server] {
		p, err := ports.Get(ctx, s.network, pid).Extract()
		if err != nil {
			return "", err
		}
		for _, ip := range p.FixedIPs {
			if ip.SubnetID == subnetID {
				return ip.IPAddress, nil
			}
		}
	}
	return "", fmt.Errorf("server %q has no address on the load balancer's subnet", server)
}

func (s *seeder) waitLB(ctx context.Context, id string) error {
	return waitFor(ctx, "load balancer "+id+" ACTIVE", func() (bool, error) {
		lb, err := loadbalancers.Get(ctx, s.lb, id).Extract()
		if err != nil {
			return false, err
		}
		if lb.ProvisioningStatus == "ERROR" {
			return false, fmt.Errorf("load balancer %s went to ERROR", id)
		}
		return lb.ProvisioningStatus == "ACTIVE", nil
	})
}
