package cloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/networks"
)

// TestListAllPages pages through a Neutron list of three pages the way
// gophercloud follows networks_links.
func TestListAllPages(t *testing.T) {
	const pages = 3
	var requests int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		body := map[string]any{"networks": []map[string]any{
			{"id": fmt.Sprintf("n%d-a", page), "name": "a", "mtu": 1400 + page},
			{"id": fmt.Sprintf("n%d-b", page), "name": "b", "mtu": nil},
		}}
		if page < pages-1 {
			body["networks_links"] = []map[string]string{{"rel": "next",
				"href": fmt.Sprintf("http://%s/v2.0/networks?page=%d", r.Host, page+1)}}
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(body)
	}))
	defer srv.Close()
	pc := &gophercloud.ProviderClient{HTTPClient: *srv.Client()}
	sc := &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: srv.URL + "/v2.0/"}

	all, err := ListAll(context.Background(), networks.List(sc, networks.ListOpts{}), networks.ExtractNetworks)
	if err != nil || len(all) != 2*pages || all[5].ID != "n2-b" || requests != pages {
		t.Fatalf("%d networks in %d requests, err %v", len(all), requests, err)
	}
	type mtuOnly struct {
		ID  string `json:"id"`
		MTU *int   `json:"mtu"`
	}
	raw, err := ListAll(context.Background(), networks.List(sc, networks.ListOpts{}), ExtractAs[mtuOnly]("networks"))
	if err != nil || len(raw) != 2*pages || *raw[4].MTU != 1402 || raw[5].MTU != nil {
		t.Fatalf("ExtractAs: %+v, err %v", raw, err)
	}
}
