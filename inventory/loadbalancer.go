package inventory

import (
	"context"

	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/monitors"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

type octaviaLB struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	VIPSubnetID  string   `json:"vip_subnet_id"`
	VIPNetworkID string   `json:"vip_network_id"`
	VIPAddress   string   `json:"vip_address"`
	VIPPortID    string   `json:"vip_port_id"`
	Provider     string   `json:"provider"`
	Tags         []string `json:"tags"`
}

type octaviaListener struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	Protocol        string  `json:"protocol"`
	ProtocolPort    int     `json:"protocol_port"`
	DefaultPoolID   *string `json:"default_pool_id"`
	ConnectionLimit int     `json:"connection_limit"`
	LoadBalancers   []idRef `json:"loadbalancers"`
}

type octaviaPool struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Protocol      string  `json:"protocol"`
	LBAlgorithm   string  `json:"lb_algorithm"`
	Listeners     []idRef `json:"listeners"`
	LoadBalancers []idRef `json:"loadbalancers"`
	Members       []idRef `json:"members"`
}

type octaviaMember struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Address      string `json:"address"`
	ProtocolPort int    `json:"protocol_port"`
	SubnetID     string `json:"subnet_id"`
	Weight       int    `json:"weight"`
}

type octaviaMonitor struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Type          string  `json:"type"`
	Delay         int     `json:"delay"`
	Timeout       int     `json:"timeout"`
	MaxRetries    int     `json:"max_retries"`
	HTTPMethod    string  `json:"http_method"`
	URLPath       string  `json:"url_path"`
	ExpectedCodes string  `json:"expected_codes"`
	Pools         []idRef `json:"pools"`
}

// octavia is everything read from Octavia before it is put together.
type octavia struct {
	lbs       []octaviaLB
	listeners []octaviaListener
	pools     []octaviaPool
	monitors  []octaviaMonitor
	members   [][]octaviaMember // by index of pools
}

// fetchLoadBalancers reads load balancers, listeners, pools and health
// monitors with one list each, then the members pool by pool: Octavia
// has no list of all members.
func (c *collector) fetchLoadBalancers(ctx context.Context) (int, error) {
	var o octavia
	lc := c.s.LoadBalancer
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		o.lbs, err = cloud.ListAll(gctx, loadbalancers.List(lc, loadbalancers.ListOpts{}), cloud.ExtractAs[octaviaLB]("loadbalancers"))
		return err
	})
	g.Go(func() (err error) {
		o.listeners, err = cloud.ListAll(gctx, listeners.List(lc, listeners.ListOpts{}), cloud.ExtractAs[octaviaListener]("listeners"))
		return err
	})
	g.Go(func() (err error) {
		o.pools, err = cloud.ListAll(gctx, pools.List(lc, pools.ListOpts{}), cloud.ExtractAs[octaviaPool]("pools"))
		return err
	})
	g.Go(func() (err error) {
		o.monitors, err = cloud.ListAll(gctx, monitors.List(lc, monitors.ListOpts{}), cloud.ExtractAs[octaviaMonitor]("healthmonitors"))
		return err
	})
	if err := g.Wait(); err != nil {
		return 0, err
	}
	if err := c.fetchMembers(ctx, &o); err != nil {
		return 0, err
	}
	c.raw.lbs = o.assemble()
	return len(c.raw.lbs), nil
}

func (c *collector) fetchMembers(ctx context.Context, o *octavia) error {
	o.members = make([][]octaviaMember, len(o.pools))
	g, ctx := errgroup.WithContext(ctx)
	for i, p := range o.pools {
		if len(p.Members) == 0 {
			continue
		}
		g.Go(func() (err error) {
			pager := pools.ListMembers(c.s.LoadBalancer, p.ID, pools.ListMembersOpts{})
			o.members[i], err = cloud.ListAll(ctx, pager, cloud.ExtractAs[octaviaMember]("members"))
			return err
		})
	}
	return g.Wait()
}

func (o *octavia) assemble() []LoadBalancer {
	monitorOf := map[string]*HealthMonitor{}
	for _, m := range o.monitors {
		hm := &HealthMonitor{ID: m.ID, Name: m.Name, Type: m.Type, Delay: m.Delay, Timeout: m.Timeout,
			MaxRetries: m.MaxRetries, HTTPMethod: m.HTTPMethod, URLPath: m.URLPath, ExpectedCodes: m.ExpectedCodes}
		for _, p := range m.Pools {
			monitorOf[p.ID] = hm
		}
	}
	out := make([]LoadBalancer, 0, len(o.lbs))
	for _, lb := range o.lbs {
		l := LoadBalancer{ID: lb.ID, Name: lb.Name, Description: lb.Description, VIPSubnetID: lb.VIPSubnetID,
			VIPNetworkID: lb.VIPNetworkID, VIPAddress: lb.VIPAddress, VIPPortID: lb.VIPPortID,
			Provider: lb.Provider, Tags: lb.Tags}
		for _, li := range o.listeners {
			if hasRef(li.LoadBalancers, lb.ID) {
				l.Listeners = append(l.Listeners, Listener{ID: li.ID, Name: li.Name, Protocol: li.Protocol,
					ProtocolPort: li.ProtocolPort, DefaultPoolID: deref(li.DefaultPoolID), ConnectionLimit: li.ConnectionLimit})
			}
		}
		for i, p := range o.pools {
			if hasRef(p.LoadBalancers, lb.ID) {
				l.Pools = append(l.Pools, o.pool(p, o.members[i], monitorOf[p.ID]))
			}
		}
		out = append(out, l)
	}
	return out
}

func (o *octavia) pool(p octaviaPool, members []octaviaMember, hm *HealthMonitor) Pool {
	out := Pool{ID: p.ID, Name: p.Name, Protocol: p.Protocol, LBAlgorithm: p.LBAlgorithm, HealthMonitor: hm}
	if len(p.Listeners) > 0 {
		out.ListenerID = p.Listeners[0].ID
	}
	for _, m := range members {
		out.Members = append(out.Members, Member{ID: m.ID, Name: m.Name, Address: m.Address,
			ProtocolPort: m.ProtocolPort, SubnetID: m.SubnetID, Weight: m.Weight})
	}
	return out
}

func hasRef(refs []idRef, id string) bool {
	for _, r := range refs {
		if r.ID == id {
			return true
		}
	}
	return false
}
