package sim

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// waitLB polls until the load balancer is ACTIVE.
func (h *apiHarness) waitLB(id string) map[string]any {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lb := h.must(200, "GET", "/load-balancer/v2/lbaas/loadbalancers/"+id, nil, "loadbalancer")
		if lb["provisioning_status"] == "ACTIVE" {
			return lb
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("load balancer %s stuck in %v", id, lb["provisioning_status"])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func octaviaFault(out map[string]any) string {
	s, _ := out["faultstring"].(string)
	return s
}

func TestOctaviaVersionDocument(t *testing.T) {
	h := newAPIHarness(t)
	resp, err := http.Get(h.c.URL() + "/load-balancer/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Versions []struct{ ID, Status string }
	}
	json.NewDecoder(resp.Body).Decode(&doc)
	if resp.StatusCode != 200 || len(doc.Versions) == 0 || doc.Versions[0].ID != "v2.0" ||
		doc.Versions[len(doc.Versions)-1].Status != "CURRENT" {
		t.Errorf("versions: %d %+v", resp.StatusCode, doc)
	}
}

func TestOctaviaLifecycle(t *testing.T) {
	h := newAPIHarness(t)
	_, subnetID := h.network("10.60.0.0/24")
	lb := h.must(201, "POST", "/load-balancer/v2.0/lbaas/loadbalancers", map[string]any{"loadbalancer": map[string]any{
		"name": "web", "vip_subnet_id": subnetID}}, "loadbalancer")
	id := lb["id"].(string)
	if lb["provisioning_status"] != "PENDING_CREATE" || lb["operating_status"] != "OFFLINE" ||
		lb["provider"] != "amphora" || lb["updated_at"] != nil {
		t.Errorf("new load balancer: %v", lb)
	}
	vip := h.must(200, "GET", "/network/v2.0/ports/"+lb["vip_port_id"].(string), nil, "port")
	if vip["device_owner"] != "Octavia" || vip["name"] != "octavia-lb-"+id {
		t.Errorf("VIP port: %v", vip)
	}
	status, out := h.do("PUT", "/load-balancer/v2/lbaas/loadbalancers/"+id, map[string]any{"loadbalancer": map[string]any{"name": "x"}})
	if status != 409 || octaviaFault(out) != "Load Balancer "+id+" is immutable and cannot be updated." {
		t.Errorf("update while pending: %d %v", status, out)
	}
	h.waitLB(id)
	l := h.must(201, "POST", "/load-balancer/v2/lbaas/listeners", map[string]any{"listener": map[string]any{
		"loadbalancer_id": id, "protocol": "HTTP", "protocol_port": 80}}, "listener")
	status, out = h.do("PUT", "/load-balancer/v2/lbaas/listeners/"+l["id"].(string), map[string]any{"listener": map[string]any{"name": "y"}})
	if status != 409 {
		t.Errorf("listener update while pending: %d %v", status, out)
	}
	h.waitLB(id)
	p := h.must(201, "POST", "/load-balancer/v2/lbaas/pools", map[string]any{"pool": map[string]any{
		"listener_id": l["id"], "protocol": "HTTP", "lb_algorithm": "LEAST_CONNECTIONS"}}, "pool")
	h.waitLB(id)
	poolPath := "/load-balancer/v2/lbaas/pools/" + p["id"].(string)
	m := h.must(201, "POST", poolPath+"/members", map[string]any{"member": map[string]any{
		"address": "10.60.0.20", "protocol_port": 80}}, "member")
	if m["operating_status"] != "NO_MONITOR" {
		t.Errorf("member without monitor: %v", m)
	}
	h.waitLB(id)
	h.must(201, "POST", "/load-balancer/v2/lbaas/healthmonitors", map[string]any{"healthmonitor": map[string]any{
		"pool_id": p["id"], "type": "TCP", "delay": 5, "timeout": 5, "max_retries": 2}}, "healthmonitor")
	h.waitLB(id)
	m = h.must(200, "GET", poolPath+"/members/"+m["id"].(string), nil, "member")
	if m["operating_status"] != "ONLINE" || m["provisioning_status"] != "ACTIVE" {
		t.Errorf("member with monitor: %v", m)
	}
	status, out = h.do("GET", "/load-balancer/v2/lbaas/listeners?colour=red", nil)
	if status != 400 {
		t.Errorf("unknown filter: %d %v", status, out)
	}
	status, out = h.do("DELETE", "/load-balancer/v2/lbaas/loadbalancers/"+id, nil)
	if status != 400 || octaviaFault(out) != "Validation failure: Cannot delete Load Balancer "+id+" - it has children" {
		t.Errorf("delete with children: %d %v", status, out)
	}
	h.must(204, "DELETE", "/load-balancer/v2/lbaas/loadbalancers/"+id+"?cascade=true", nil, "")
	if lb := h.must(200, "GET", "/load-balancer/v2/lbaas/loadbalancers/"+id, nil, "loadbalancer"); lb["provisioning_status"] != "PENDING_DELETE" {
		t.Errorf("deleting load balancer: %v", lb)
	}
	deadline := time.Now().Add(5 * time.Second)
	for status, _ := h.do("GET", "/load-balancer/v2/lbaas/loadbalancers/"+id, nil); status != 404; status, _ = h.do("GET", "/load-balancer/v2/lbaas/loadbalancers/"+id, nil) {
		if time.Now().After(deadline) {
			t.Fatal("load balancer not deleted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status, _ := h.do("GET", poolPath, nil); status != 404 {
		t.Errorf("pool after cascade delete: %d", status)
	}
	if status, _ := h.do("GET", "/network/v2.0/ports/"+lb["vip_port_id"].(string), nil); status != 404 {
		t.Errorf("VIP port after delete: %d", status)
	}
}

func TestOctaviaQuota(t *testing.T) {
	h := newAPIHarness(t)
	_, subnetID := h.network("10.61.0.0/24")
	q := DefaultQuotas
	q.LoadBalancers = 1
	if err := h.c.SetQuotas("tenant", q); err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"loadbalancer": map[string]any{"vip_subnet_id": subnetID}}
	h.must(201, "POST", "/load-balancer/v2/lbaas/loadbalancers", body, "")
	status, out := h.do("POST", "/load-balancer/v2/lbaas/loadbalancers", body)
	if status != 403 || octaviaFault(out) != "Quota has been met for resources: Load Balancer" {
		t.Errorf("over quota: %d %v", status, out)
	}
	quota := h.must(200, "GET", "/load-balancer/v2/lbaas/quotas/"+h.project, nil, "quota")
	if quota["load_balancer"] != float64(1) || quota["loadbalancer"] != float64(1) {
		t.Errorf("quota: %v", quota)
	}
	status, out = h.do("POST", "/load-balancer/v2/lbaas/loadbalancers", map[string]any{"loadbalancer": map[string]any{"name": "no-vip"}})
	if status != 400 {
		t.Errorf("no VIP: %d %v", status, out)
	}
}
