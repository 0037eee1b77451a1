package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// apiHarness drives a simulated cloud over raw HTTP as its one tenant,
// for assertions on exact JSON that gophercloud would hide.
type apiHarness struct {
	t       *testing.T
	c       *Cloud
	token   string
	project string
}

func newAPIHarness(t *testing.T) *apiHarness {
	t.Helper()
	c, err := New(Options{Projects: []ProjectSpec{{Name: "tenant", User: "u", Password: "pw"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	file := filepath.Join(t.TempDir(), "clouds.yaml")
	if err := WriteCloudsYAML(file, []CloudEntry{{Name: "sim", Cloud: c, Project: c.Projects()[0]}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := cloud.Open(ctx, "sim", cloud.Options{CloudsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	return &apiHarness{t: t, c: c, token: s.Provider.Token(), project: s.ProjectID}
}

// do sends a request and decodes the JSON answer (nil for none).
func (h *apiHarness) do(method, path string, body any) (int, map[string]any) {
	h.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, h.c.URL()+path, rd)
	req.Header.Set("X-Auth-Token", h.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// must sends a request that has to answer want and returns the object
// under key.
func (h *apiHarness) must(want int, method, path string, body any, key string) map[string]any {
	h.t.Helper()
	status, out := h.do(method, path, body)
	if status != want {
		h.t.Fatalf("%s %s: status %d, want %d: %v", method, path, status, want, out)
	}
	if key == "" {
		return out
	}
	obj, _ := out[key].(map[string]any)
	return obj
}

func neutronErrorOf(out map[string]any) (string, string) {
	ne, _ := out["NeutronError"].(map[string]any)
	typ, _ := ne["type"].(string)
	msg, _ := ne["message"].(string)
	return typ, msg
}

// network makes a network with an IPv4 subnet and returns both IDs.
func (h *apiHarness) network(cidr string) (string, string) {
	n := h.must(201, "POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{"name": "n"}}, "network")
	sn := h.must(201, "POST", "/network/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": n["id"], "cidr": cidr, "ip_version": 4}}, "subnet")
	return n["id"].(string), sn["id"].(string)
}

func TestNeutronVersionDocumentNeedsNoAuth(t *testing.T) {
	h := newAPIHarness(t)
	resp, err := http.Get(h.c.URL() + "/network/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Versions []struct{ ID, Status string }
	}
	json.NewDecoder(resp.Body).Decode(&doc)
	if resp.StatusCode != 200 || len(doc.Versions) != 1 || doc.Versions[0].ID != "v2.0" {
		t.Errorf("version document: %d %+v", resp.StatusCode, doc)
	}
}

func TestNeutronNetworkDocument(t *testing.T) {
	h := newAPIHarness(t)
	n := h.must(201, "POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{"name": "x"}}, "network")
	for _, k := range []string{"id", "name", "admin_state_up", "shared", "router:external", "mtu", "status",
		"subnets", "availability_zones", "project_id", "tenant_id", "revision_number", "created_at",
		"updated_at", "tags", "port_security_enabled", "description"} {
		if _, ok := n[k]; !ok {
			t.Errorf("network lacks %q: %v", k, n)
		}
	}
	if n["mtu"] != float64(1450) || n["router:external"] != false || n["status"] != "ACTIVE" {
		t.Errorf("network: %v", n)
	}
	got := h.must(200, "GET", "/network/v2.0/networks/"+n["id"].(string)+"?fields=id&fields=name", nil, "network")
	if len(got) != 2 || got["name"] != "x" {
		t.Errorf("fields=id,name: %v", got)
	}
	status, out := h.do("POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{"name": "x", "colour": "red"}})
	if typ, msg := neutronErrorOf(out); status != 400 || msg != "Unrecognized attribute(s) 'colour'" {
		t.Errorf("unknown attribute: %d %s %s", status, typ, msg)
	}
	status, out = h.do("POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{"shared": true}})
	if typ, _ := neutronErrorOf(out); status != 403 || typ != "PolicyNotAuthorized" {
		t.Errorf("shared network: %d %v", status, out)
	}
	status, out = h.do("GET", "/network/v2.0/networks?limit=1&marker=00000000-0000-4000-8000-000000000000", nil)
	if typ, _ := neutronErrorOf(out); status != 404 || typ != "NetworkNotFound" {
		t.Errorf("unknown marker: %d %v", status, out)
	}
}

func TestNeutronPaginationLinks(t *testing.T) {
	h := newAPIHarness(t)
	for _, name := range []string{"a", "b", "c"} {
		n := h.must(201, "POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{"name": name}}, "network")
		h.must(201, "PUT", "/network/v2.0/networks/"+n["id"].(string)+"/tags/page", nil, "")
	}
	out := h.must(200, "GET", "/network/v2.0/networks?tags=page&limit=2&sort_key=name&sort_dir=asc", nil, "")
	nets := out["networks"].([]any)
	links := out["networks_links"].([]any)
	if len(nets) != 2 || nets[0].(map[string]any)["name"] != "a" || len(links) != 2 {
		t.Fatalf("first page: %v", out)
	}
	var next string
	for _, l := range links {
		if l := l.(map[string]any); l["rel"] == "next" {
			next = l["href"].(string)
		}
	}
	out = h.must(200, "GET", strings.TrimPrefix(next, h.c.URL()), nil, "")
	nets = out["networks"].([]any)
	if len(nets) != 1 || nets[0].(map[string]any)["name"] != "c" {
		t.Errorf("second page: %v", out)
	}
	for _, l := range out["networks_links"].([]any) {
		if l.(map[string]any)["rel"] == "next" {
			t.Errorf("last page has a next link: %v", out)
		}
	}
}

func TestNeutronOverQuota(t *testing.T) {
	h := newAPIHarness(t)
	netID, _ := h.network("10.9.0.0/24")
	q := DefaultQuotas
	q.Ports = 2 // the DHCP port holds one
	if err := h.c.SetQuotas("tenant", q); err != nil {
		t.Fatal(err)
	}
	h.must(201, "POST", "/network/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID}}, "port")
	status, out := h.do("POST", "/network/v2.0/ports", map[string]any{"port": map[string]any{"network_id": netID}})
	typ, msg := neutronErrorOf(out)
	if status != 409 || typ != "OverQuota" || msg != "Quota exceeded for resources: ['port']." {
		t.Errorf("over quota: %d %s %s", status, typ, msg)
	}
	d := h.must(200, "GET", "/network/v2.0/quotas/"+h.project+"/details.json", nil, "quota")
	if p := d["port"].(map[string]any); p["used"] != float64(2) || p["limit"] != float64(2) {
		t.Errorf("port quota details: %v", p)
	}
}

func TestNeutronDHCPPort(t *testing.T) {
	h := newAPIHarness(t)
	netID, subnetID := h.network("10.8.0.0/24")
	out := h.must(200, "GET", "/network/v2.0/ports?network_id="+netID+"&device_owner=network:dhcp", nil, "")
	ps := out["ports"].([]any)
	if len(ps) != 1 {
		t.Fatalf("DHCP ports: %v", out)
	}
	ip := ps[0].(map[string]any)["fixed_ips"].([]any)[0].(map[string]any)
	if ip["subnet_id"] != subnetID || ip["ip_address"] != "10.8.0.2" {
		t.Errorf("DHCP port address: %v", ip)
	}
	h.must(204, "DELETE", "/network/v2.0/subnets/"+subnetID, nil, "")
	out = h.must(200, "GET", "/network/v2.0/ports?network_id="+netID, nil, "")
	if ps := out["ports"].([]any); len(ps) != 0 {
		t.Errorf("ports left after the last DHCP subnet went: %v", ps)
	}
	h.must(204, "DELETE", "/network/v2.0/networks/"+netID, nil, "")
}

func TestNeutronSLAAC(t *testing.T) {
	h := newAPIHarness(t)
	n := h.must(201, "POST", "/network/v2.0/networks", map[string]any{"network": map[string]any{}}, "network")
	sn := h.must(201, "POST", "/network/v2.0/subnets", map[string]any{"subnet": map[string]any{
		"network_id": n["id"], "cidr": "2001:db8:1::/64", "ip_version": 6,
		"ipv6_address_mode": "slaac", "ipv6_ra_mode": "slaac"}}, "subnet")
	p := h.must(201, "POST", "/network/v2.0/ports", map[string]any{"port": map[string]any{
		"network_id": n["id"], "mac_address": "fa:16:3e:00:11:22"}}, "port")
	ips := p["fixed_ips"].([]any)
	if len(ips) != 1 || ips[0].(map[string]any)["ip_address"] != "2001:db8:1:0:f816:3eff:fe00:1122" ||
		ips[0].(map[string]any)["subnet_id"] != sn["id"] {
		t.Errorf("SLAAC address: %v", ips)
	}
}

func TestNeutronCrossServiceContract(t *testing.T) {
	h := newAPIHarness(t)
	netID, subnetID := h.network("10.7.0.0/24")
	ext := h.must(200, "GET", "/network/v2.0/networks?router:external=true", nil, "")["networks"].([]any)[0].(map[string]any)
	rt := h.must(201, "POST", "/network/v2.0/routers", map[string]any{"router": map[string]any{
		"external_gateway_info": map[string]any{"network_id": ext["id"]}}}, "router")
	h.must(200, "PUT", "/network/v2.0/routers/"+rt["id"].(string)+"/add_router_interface", map[string]any{"subnet_id": subnetID}, "")

	h.c.Lock()
	net := h.c.network
	id, err := net.CreatePortLocked(h.project, netID, "10.7.0.50", nil)
	if err != nil {
		h.c.Unlock()
		t.Fatal(err)
	}
	if _, err := net.CreatePortLocked(h.project, netID, "10.7.0.50", nil); err == nil || err.(*core.APIError).Status != 409 {
		t.Errorf("second port on the same address: %v", err)
	}
	def, ok := net.SecurityGroupIDLocked(h.project, "default")
	if !ok {
		h.c.Unlock()
		t.Fatal("no default group")
	}
	if err := net.BindPortLocked(id, "server-1", "nova"); err != nil {
		h.c.Unlock()
		t.Fatal(err)
	}
	if err := net.BindPortLocked(id, "server-2", "nova"); err == nil {
		t.Error("bound a port twice")
	}
	h.c.Unlock()
	f := h.must(201, "POST", "/network/v2.0/floatingips", map[string]any{"floatingip": map[string]any{
		"floating_network_id": ext["id"], "port_id": id}}, "floatingip")
	if p := h.must(200, "GET", "/network/v2.0/ports/"+id, nil, "port"); p["status"] != "ACTIVE" || p["device_owner"] != "compute:nova" {
		t.Errorf("bound port: %+v", p)
	}
	h.c.Lock()
	defer h.c.Unlock()
	info, ok := net.PortInfoLocked(h.project, id)
	if !ok || info.DeviceID != "server-1" || info.NetworkName != "n" || !slices.Equal(info.SecurityGroups, []string{def}) ||
		!slices.Equal(info.FloatingIPs, []string{f["floating_ip_address"].(string)}) || info.FixedIPs[0].IPAddress != "10.7.0.50" {
		t.Errorf("port info: %+v", info)
	}
	net.UnbindPortLocked(id, true)
	if _, ok := net.PortInfoLocked(h.project, id); ok {
		t.Error("port survived unbind with delete")
	}
	h.c.Unlock()
	if got := h.must(200, "GET", "/network/v2.0/floatingips/"+f["id"].(string), nil, "floatingip"); got["port_id"] != nil {
		t.Errorf("floating IP still on %v", got["port_id"])
	}
	h.c.Lock()
	if _, ok := net.PortInfoLocked("other", id); ok {
		t.Error("another project sees the port")
	}
}
