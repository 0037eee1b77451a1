package inventory

import (
	"context"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/attachinterfaces"
	"golang.org/x/sync/errgroup"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// fetchInterfaceOrder asks Nova for the interface order of the servers
// with more than one port: neither Nova's server list nor Neutron's port
// list says which NIC comes first, and rebuilding a server with its NICs
// swapped puts eth0 on the wrong network. Servers with one port, the
// usual case, cost nothing. Where Nova refuses, the order falls back to
// the ports' creation time, with a warning.
func (c *collector) fetchInterfaceOrder(ctx context.Context) error {
	if c.s.Compute == nil {
		return nil
	}
	count := map[string]int{}
	for _, p := range c.raw.ports {
		if strings.HasPrefix(p.DeviceOwner, "compute:") {
			count[p.DeviceID]++
		}
	}
	var mu sync.Mutex
	c.raw.nicOrder = map[string][]string{}
	g, ctx := errgroup.WithContext(ctx)
	for _, s := range c.raw.servers {
		if count[s.ID] < 2 {
			continue
		}
		g.Go(func() error {
			ifaces, err := cloud.ListAll(ctx, attachinterfaces.List(c.s.Compute, s.ID), cloud.ExtractAs[attachinterfaces.Interface]("interfaceAttachments"))
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				c.warn(KindServers, "interface order of server %q not read, ports ordered by creation time: %s", s.Name, describe(err))
				return nil
			}
			order := make([]string, len(ifaces))
			for i, ifc := range ifaces {
				order[i] = ifc.PortID
			}
			mu.Lock()
			c.raw.nicOrder[s.ID] = order
			mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}
