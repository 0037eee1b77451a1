package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/listeners"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/loadbalancers"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/monitors"
	"github.com/gophercloud/gophercloud/v2/openstack/loadbalancer/v2/pools"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

// lbOpen opens the environment and skips when the cloud has no Octavia.
func lbOpen(t *testing.T) *Env {
	t.Helper()
	e := Open(t)
	if e.S.LoadBalancer == nil {
		t.Skip("the cloud has no load-balancer service in its catalog")
	}
	return e
}

// lbExpect asserts that err is Octavia's answer with the status, and that
// the faultstring contains want.
func lbExpect(t *testing.T, err error, status int, want string) {
	t.Helper()
	var ue gophercloud.ErrUnexpectedResponseCode
	if !errors.As(err, &ue) || ue.Actual != status {
		t.Fatalf("want HTTP %d, got %v", status, err)
	}
	var body struct {
		Faultcode, Faultstring string
	}
	if json.Unmarshal(ue.Body, &body) != nil || !strings.Contains(body.Faultstring, want) {
		t.Fatalf("want faultstring containing %q, got %s", want, ue.Body)
	}
}

// lbWaitActive waits until the load balancer has settled.
func lbWaitActive(t *testing.T, e *Env, id string) *loadbalancers.LoadBalancer {
	t.Helper()
	var lb *loadbalancers.LoadBalancer
	WaitFor(t, e, "load balancer "+id+" to become ACTIVE", func() (bool, error) {
		var err error
		if lb, err = loadbalancers.Get(e.Ctx, e.S.LoadBalancer, id).Extract(); err != nil {
			return false, err
		}
		if lb.ProvisioningStatus == "ERROR" {
			return false, fmt.Errorf("load balancer %s went to ERROR", id)
		}
		return lb.ProvisioningStatus == "ACTIVE", nil
	})
	return lb
}

// lbWaitGone waits until the load balancer is deleted.
func lbWaitGone(t *testing.T, e *Env, id string) {
	t.Helper()
	WaitFor(t, e, "load balancer "+id+" to be deleted", func() (bool, error) {
		_, err := loadbalancers.Get(e.Ctx, e.S.LoadBalancer, id).Extract()
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			return true, nil
		}
		return false, err
	})
}

// lbCreate makes a load balancer on a fresh subnet and registers its
// cascade delete.
func lbCreate(t *testing.T, e *Env, cidr string) (*loadbalancers.LoadBalancer, string) {
	t.Helper()
	n := netCreateNetwork(t, e, RandomName("conf-lbnet-"))
	sn := netCreateSubnet(t, e, n.ID, cidr)
	lb, err := loadbalancers.Create(e.Ctx, e.S.LoadBalancer, loadbalancers.CreateOpts{
		Name: RandomName("conf-lb-"), Description: "conformance", VipSubnetID: sn.ID, Tags: []string{"conformance"},
	}).Extract()
	if err != nil {
		t.Fatalf("create load balancer: %v", err)
	}
	t.Cleanup(func() {
		err := loadbalancers.Delete(e.Ctx, e.S.LoadBalancer, lb.ID, loadbalancers.DeleteOpts{Cascade: true}).ExtractErr()
		if err == nil {
			lbWaitGone(t, e, lb.ID)
		} else if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			t.Errorf("clean up load balancer: %v", err)
		}
	})
	return lb, sn.ID
}

func TestLoadBalancerFullStack(t *testing.T) {
	e := lbOpen(t)
	lb, subnetID := lbCreate(t, e, "10.50.0.0/24")
	if lb.ProvisioningStatus != "PENDING_CREATE" || lb.VipSubnetID != subnetID ||
		!netip.MustParsePrefix("10.50.0.0/24").Contains(netip.MustParseAddr(lb.VipAddress)) {
		t.Errorf("new load balancer: %+v", lb)
	}
	_, err := listeners.Create(e.Ctx, e.S.LoadBalancer, listeners.CreateOpts{LoadbalancerID: lb.ID,
		Protocol: listeners.ProtocolHTTP, ProtocolPort: 80}).Extract()
	lbExpect(t, err, http.StatusConflict, "is immutable and cannot be updated")

	lb = lbWaitActive(t, e, lb.ID)
	if lb.OperatingStatus != "ONLINE" {
		t.Errorf("operating status %s", lb.OperatingStatus)
	}
	vip, err := ports.Get(e.Ctx, e.S.Network, lb.VipPortID).Extract()
	if err != nil || vip.FixedIPs[0].IPAddress != lb.VipAddress || vip.Name != "octavia-lb-"+lb.ID {
		t.Errorf("VIP port: %+v %v", vip, err)
	}

	l, err := listeners.Create(e.Ctx, e.S.LoadBalancer, listeners.CreateOpts{LoadbalancerID: lb.ID,
		Name: RandomName("conf-listener-"), Protocol: listeners.ProtocolHTTP, ProtocolPort: 80}).Extract()
	if err != nil {
		t.Fatalf("create listener: %v", err)
	}
	if l.ProvisioningStatus != "PENDING_CREATE" || l.ConnLimit != -1 {
		t.Errorf("new listener: %+v", l)
	}
	lbWaitActive(t, e, lb.ID)
	_, err = listeners.Create(e.Ctx, e.S.LoadBalancer, listeners.CreateOpts{LoadbalancerID: lb.ID,
		Protocol: listeners.ProtocolTCP, ProtocolPort: 80}).Extract()
	lbExpect(t, err, http.StatusConflict, "already using")

	p, err := pools.Create(e.Ctx, e.S.LoadBalancer, pools.CreateOpts{ListenerID: l.ID, Name: RandomName("conf-pool-"),
		Protocol: pools.ProtocolHTTP, LBMethod: pools.LBMethodRoundRobin}).Extract()
	if err != nil {
		t.Fatalf("create pool: %v", err)
	}
	lbWaitActive(t, e, lb.ID)
	l, err = listeners.Get(e.Ctx, e.S.LoadBalancer, l.ID).Extract()
	if err != nil || l.DefaultPoolID != p.ID || l.ProvisioningStatus != "ACTIVE" {
		t.Errorf("listener with pool: %+v %v", l, err)
	}
	lbAddMembers(t, e, lb.ID, p.ID, subnetID)
	lbAddMonitor(t, e, lb.ID, p.ID)
	lbCheckStatusTree(t, e, lb.ID, p.ID)
	lbCheckLists(t, e, lb.ID, l.ID, p.ID)

	err = loadbalancers.Delete(e.Ctx, e.S.LoadBalancer, lb.ID, nil).ExtractErr()
	lbExpect(t, err, http.StatusBadRequest, "")
	if err := loadbalancers.Delete(e.Ctx, e.S.LoadBalancer, lb.ID, loadbalancers.DeleteOpts{Cascade: true}).ExtractErr(); err != nil {
		t.Fatalf("cascade delete: %v", err)
	}
	lbWaitGone(t, e, lb.ID)
	_, err = ports.Get(e.Ctx, e.S.Network, lb.VipPortID).Extract()
	if !gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
		t.Errorf("VIP port after delete: %v", err)
	}
}

func lbAddMembers(t *testing.T, e *Env, lbID, poolID, subnetID string) {
	t.Helper()
	for _, addr := range []string{"10.50.0.11", "10.50.0.12"} {
		m, err := pools.CreateMember(e.Ctx, e.S.LoadBalancer, poolID, pools.CreateMemberOpts{Address: addr,
			ProtocolPort: 8080, SubnetID: subnetID, Name: RandomName("conf-member-")}).Extract()
		if err != nil {
			t.Fatalf("create member: %v", err)
		}
		if m.Address != addr || m.Weight != 1 || m.ProvisioningStatus != "PENDING_CREATE" {
			t.Errorf("new member: %+v", m)
		}
		lbWaitActive(t, e, lbID)
	}
	_, err := pools.CreateMember(e.Ctx, e.S.LoadBalancer, poolID, pools.CreateMemberOpts{Address: "10.50.0.11",
		ProtocolPort: 8080, SubnetID: subnetID}).Extract()
	lbExpect(t, err, http.StatusConflict, "already using")
}

func lbAddMonitor(t *testing.T, e *Env, lbID, poolID string) {
	t.Helper()
	hm, err := monitors.Create(e.Ctx, e.S.LoadBalancer, monitors.CreateOpts{PoolID: poolID, Type: monitors.TypeHTTP,
		Delay: 5, Timeout: 3, MaxRetries: 3, URLPath: "/health", ExpectedCodes: "200-204"}).Extract()
	if err != nil {
		t.Fatalf("create health monitor: %v", err)
	}
	if hm.HTTPMethod != "GET" || hm.MaxRetriesDown != 3 || hm.URLPath != "/health" {
		t.Errorf("new health monitor: %+v", hm)
	}
	lbWaitActive(t, e, lbID)
	_, err = monitors.Create(e.Ctx, e.S.LoadBalancer, monitors.CreateOpts{PoolID: poolID, Type: monitors.TypeTCP,
		Delay: 5, Timeout: 3, MaxRetries: 3}).Extract()
	lbExpect(t, err, http.StatusConflict, "already has a health monitor")
	p, err := pools.Get(e.Ctx, e.S.LoadBalancer, poolID).Extract()
	if err != nil || p.MonitorID != hm.ID || len(p.Members) != 2 {
		t.Errorf("pool: %+v %v", p, err)
	}
}

func lbCheckStatusTree(t *testing.T, e *Env, lbID, poolID string) {
	t.Helper()
	tree, err := loadbalancers.GetStatuses(e.Ctx, e.S.LoadBalancer, lbID).Extract()
	if err != nil {
		t.Fatalf("status tree: %v", err)
	}
	st := tree.Loadbalancer
	if st == nil || st.ID != lbID || st.ProvisioningStatus != "ACTIVE" || len(st.Listeners) != 1 ||
		len(st.Listeners[0].Pools) != 1 || st.Listeners[0].Pools[0].ID != poolID ||
		len(st.Listeners[0].Pools[0].Members) != 2 {
		t.Errorf("status tree: %+v", st)
	}
}

func lbCheckLists(t *testing.T, e *Env, lbID, listenerID, poolID string) {
	t.Helper()
	pages, err := listeners.List(e.S.LoadBalancer, listeners.ListOpts{LoadbalancerID: lbID}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	ls, _ := listeners.ExtractListeners(pages)
	if len(ls) != 1 || ls[0].ID != listenerID {
		t.Errorf("listeners of the load balancer: %+v", ls)
	}
	pages, err = pools.ListMembers(e.S.LoadBalancer, poolID, pools.ListMembersOpts{Limit: 1}).AllPages(e.Ctx)
	if err != nil {
		t.Fatalf("page through members: %v", err)
	}
	ms, _ := pools.ExtractMembers(pages)
	if len(ms) != 2 {
		t.Errorf("members paged one by one: %+v", ms)
	}
	pages, err = loadbalancers.List(e.S.LoadBalancer, loadbalancers.ListOpts{Name: "no-such-lb-" + RandomName("")}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all, _ := loadbalancers.ExtractLoadBalancers(pages); len(all) != 0 {
		t.Errorf("filter by unknown name: %+v", all)
	}
	pages, err = loadbalancers.List(e.S.LoadBalancer, loadbalancers.ListOpts{}).AllPages(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := loadbalancers.ExtractLoadBalancers(pages)
	if !slices.ContainsFunc(all, func(lb loadbalancers.LoadBalancer) bool { return lb.ID == lbID }) {
		t.Errorf("load balancer missing from list: %+v", all)
	}
}

func TestLoadBalancerNotFound(t *testing.T) {
	e := lbOpen(t)
	missing := "00000000-0000-4000-8000-000000000000"
	_, err := loadbalancers.Get(e.Ctx, e.S.LoadBalancer, missing).Extract()
	lbExpect(t, err, http.StatusNotFound, "Load Balancer "+missing+" not found.")
	_, err = listeners.Get(e.Ctx, e.S.LoadBalancer, missing).Extract()
	lbExpect(t, err, http.StatusNotFound, "Listener "+missing+" not found.")
	_, err = pools.Get(e.Ctx, e.S.LoadBalancer, missing).Extract()
	lbExpect(t, err, http.StatusNotFound, "Pool "+missing+" not found.")
	_, err = monitors.Get(e.Ctx, e.S.LoadBalancer, missing).Extract()
	lbExpect(t, err, http.StatusNotFound, "Health Monitor "+missing+" not found.")
}

func TestLoadBalancerUpdateAndPending(t *testing.T) {
	e := lbOpen(t)
	lb, _ := lbCreate(t, e, "10.51.0.0/24")
	lbWaitActive(t, e, lb.ID)
	name := RandomName("renamed-")
	upd, err := loadbalancers.Update(e.Ctx, e.S.LoadBalancer, lb.ID, loadbalancers.UpdateOpts{Name: &name}).Extract()
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if upd.Name != name || upd.ProvisioningStatus != "PENDING_UPDATE" {
		t.Errorf("updated load balancer: %+v", upd)
	}
	desc := "again"
	_, err = loadbalancers.Update(e.Ctx, e.S.LoadBalancer, lb.ID, loadbalancers.UpdateOpts{Description: &desc}).Extract()
	lbExpect(t, err, http.StatusConflict, "Load Balancer "+lb.ID+" is immutable and cannot be updated.")
	lb = lbWaitActive(t, e, lb.ID)
	if lb.Name != name || !slices.Equal(lb.Tags, []string{"conformance"}) {
		t.Errorf("settled load balancer: %+v", lb)
	}
}
