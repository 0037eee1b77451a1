package migrate

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gophercloud/gophercloud/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// fakeNeutron answers POSTs to /v2.0/<collection> and keeps the bodies;
// refuse decides, from a body, whether to answer 400 instead.
type fakeNeutron struct {
	bodies []map[string]map[string]any
	refuse func(map[string]any) bool
}

func (f *fakeNeutron) session(t *testing.T) *cloud.Session {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		f.bodies = append(f.bodies, body)
		w.Header().Set("Content-Type", "application/json")
		for single, attrs := range body {
			if f.refuse != nil && f.refuse(attrs) {
				w.WriteHeader(http.StatusBadRequest)
				json.NewEncoder(w).Encode(map[string]any{"NeutronError": map[string]any{"type": "HTTPBadRequest",
					"message": "Invalid input for operation: the " + single + " was refused.", "detail": ""}})
				return
			}
			attrs["id"] = single + "-1"
			w.WriteHeader(http.StatusCreated)
			json.NewEncoder(w).Encode(map[string]any{single: attrs})
		}
	}))
	t.Cleanup(srv.Close)
	pc := &gophercloud.ProviderClient{HTTPClient: *srv.Client()}
	return &cloud.Session{Network: &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: srv.URL + "/v2.0/"}}
}

// TestNetworkWithoutWritableMTU: a cloud that refuses the mtu attribute
// still gets the network, without it, and the step notes the change.
func TestNetworkWithoutWritableMTU(t *testing.T) {
	f := &fakeNeutron{refuse: func(a map[string]any) bool { return a["mtu"] != nil }}
	sc := &StepContext{Target: f.session(t)}
	n := &inventory.Network{Name: "app", MTU: 9000, AdminStateUp: true, PortSecurityEnabled: false}
	id, err := createNetwork(context.Background(), sc, n)
	if err != nil || id != "network-1" {
		t.Fatalf("id %q, err %v", id, err)
	}
	if len(f.bodies) != 2 || f.bodies[0]["network"]["mtu"] != float64(9000) || f.bodies[1]["network"]["mtu"] != nil {
		t.Errorf("requests %v: want one with mtu 9000, then one without", f.bodies)
	}
	if ps, ok := f.bodies[1]["network"]["port_security_enabled"]; !ok || ps != false {
		t.Errorf("port_security_enabled %v, want false", ps)
	}
	if notes := sc.Notes(); len(notes) != 1 || !strings.Contains(notes[0], "refused MTU 9000") {
		t.Errorf("notes %q", notes)
	}
	// A 400 for another reason is no MTU problem: the error stays, and
	// no note claims otherwise.
	f = &fakeNeutron{refuse: func(map[string]any) bool { return true }}
	sc = &StepContext{Target: f.session(t)}
	if _, err := createNetwork(context.Background(), sc, n); cloud.StatusOf(err) != 400 || len(sc.Notes()) != 0 {
		t.Errorf("err %v, notes %q", err, sc.Notes())
	}
}

// TestRuleKeepsPortZero: ICMP type or code 0 is a port range bound that
// gophercloud's own options would drop.
func TestRuleKeepsPortZero(t *testing.T) {
	f := &fakeNeutron{}
	s := f.session(t)
	zero, eight := 0, 8
	r := Rule{Direction: "ingress", EtherType: "IPv4", Protocol: "icmp", PortRangeMin: &eight, PortRangeMax: &zero}
	if err := createRule(context.Background(), s, "sg-1", r); err != nil {
		t.Fatal(err)
	}
	got := f.bodies[0]["security_group_rule"]
	if got["port_range_min"] != float64(8) || got["port_range_max"] != float64(0) || got["security_group_id"] != "sg-1" {
		t.Errorf("rule sent %v", got)
	}
	if _, ok := got["remote_ip_prefix"]; ok {
		t.Errorf("an empty prefix was sent: %v", got)
	}
}
