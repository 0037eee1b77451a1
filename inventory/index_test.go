package inventory_test

import (
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

func TestIndexLooksUpByIDAndByRelation(t *testing.T) {
	d := sampleDocument()
	d.LoadBalancers = []inventory.LoadBalancer{{ID: "lb1", VIPPortID: "vip"}}
	ix := inventory.NewIndex(d)
	if ix.Servers["s1"] != &d.Servers[0] || ix.Keypairs["nope"] != nil || ix.Networks[""] != nil {
		t.Error("lookups by ID do not point into the document")
	}
	if f, ok := ix.FlavorOf("gone", "SCS-2V-4-20s"); !ok || f.ID != "f1" {
		t.Errorf("flavor by name: %v %v", f, ok)
	}
	if p, ok := ix.PortAt("", "10.0.0.10"); !ok || p.ID != "port1" {
		t.Errorf("port at address: %v %v", p, ok)
	}
	if r, ok := ix.GatewayRouter("sn1"); !ok || r.ID != "r1" {
		t.Errorf("gateway router: %v %v", r, ok)
	}
	if lb, ok := ix.LoadBalancerOfVIP("vip"); !ok || lb.ID != "lb1" {
		t.Errorf("load balancer of VIP: %v %v", lb, ok)
	}
}
