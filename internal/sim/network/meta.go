package network

import (
	"net/http"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// versions is GET /network/: the one API version, without auth.
func (s *Room) versions(w http.ResponseWriter, r *http.Request) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"versions": []any{map[string]any{
		"id": "v2.0", "status": "CURRENT",
		"links": []map[string]string{{"rel": "self", "href": s.c.URL() + "/network/v2.0/"}},
	}}})
}

// unknownPath serves paths no route matches: Neutron takes a ".json"
// format suffix on any path (gophercloud uses it for quota details);
// anything else is 404.
func (s *Room) unknownPath(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p, ok := strings.CutSuffix(r.URL.Path, ".json"); ok {
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = p, ""
			mux.ServeHTTP(w, r2)
			return
		}
		writeError(w, errorf(http.StatusNotFound, "HTTPNotFound", "The resource could not be found."))
	}
}

// listResources is GET /v2.0/: the collections of the API.
func (s *Room) listResources(q *request) (int, any, error) {
	var out []map[string]any
	for _, c := range []struct{ name, coll string }{
		{"network", "networks"}, {"subnet", "subnets"}, {"port", "ports"}, {"subnetpool", "subnetpools"},
	} {
		out = append(out, map[string]any{"name": c.name, "collection": c.coll,
			"links": []map[string]string{{"rel": "self", "href": s.c.URL() + "/network/v2.0/" + c.coll}}})
	}
	return http.StatusOK, map[string]any{"resources": out}, nil
}

// extension is one entry of GET /v2.0/extensions.
type extension struct{ alias, name, description, updated string }

// extensions are the API extensions the simulator implements, as an
// ML2/OVS cloud with the L3 and DHCP agents announces them.
var extensions = []extension{
	{"allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs", "2013-07-23T10:00:00-00:00"},
	{"availability_zone", "Availability Zone", "The availability zone extension.", "2015-01-01T10:00:00-00:00"},
	{"binding", "Port Binding", "Expose port bindings of a virtual port to external application", "2014-02-03T10:00:00-00:00"},
	{"default-subnetpools", "Default Subnetpools", "Provides ability to mark and use a subnetpool as the default.", "2016-02-18T18:00:00-00:00"},
	{"external-net", "Neutron external network", "Adds external network attribute to network resource.", "2013-01-14T10:00:00-00:00"},
	{"ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway", "2013-03-28T10:00:00-00:00"},
	{"extraroute", "Neutron Extra Route", "Extra routes configuration for L3 router", "2013-02-01T10:00:00-00:00"},
	{"extraroute-atomic", "Atomically add/remove extra routes", "Edit extra routes of a router on server side by atomically adding/removing extra routes", "2019-07-10T10:00:00-00:00"},
	{"fip-port-details", "Floating IP Port Details Extension", "Add port_details attribute to Floating IP resource", "2018-04-09T10:00:00-00:00"},
	{"ip_allocation", "IP Allocation", "IP allocation extension.", "2016-06-10T23:00:00-07:00"},
	{"l2_adjacency", "L2 Adjacency", "Display L2 Adjacency for Neutron Networks.", "2016-04-12T16:00:00-00:00"},
	{"net-mtu", "Network MTU", "Provides MTU attribute for a network resource.", "2015-03-25T10:00:00-00:00"},
	{"net-mtu-writable", "Network MTU (writable)", "Provides a writable MTU attribute for a network resource.", "2017-07-12T00:00:00-00:00"},
	{"network_availability_zone", "Network Availability Zone", "Availability zone support for network.", "2015-01-01T10:00:00-00:00"},
	{"pagination", "Pagination support", "Extension that indicates that pagination is enabled.", "2016-06-12T00:00:00-00:00"},
	{"port-security", "Port Security", "Provides port security", "2012-07-23T10:00:00-00:00"},
	{"project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled.", "2016-09-09T09:09:09-09:09"},
	{"quotas", "Quota management support", "Expose functions for quotas management per project", "2012-07-29T10:00:00-00:00"},
	{"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project", "2017-02-10T10:00:00-00:00"},
	{"revision-if-match", "If-Match constraints based on revision_number", "Extension indicating that If-Match based on revision_number is supported.", "2016-12-11T00:00:00-00:00"},
	{"router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.", "2012-07-20T10:00:00-00:00"},
	{"router_availability_zone", "Router Availability Zone", "Availability zone support for router.", "2015-01-01T10:00:00-00:00"},
	{"security-group", "security-group", "The security groups extension.", "2012-10-05T10:00:00-00:00"},
	{"security-groups-normalized-cidr", "Normalized CIDR field for security group rules", "Add new field with normalized remote_ip_prefix cidr in SG rule", "2020-07-28T10:00:00-00:00"},
	{"security-groups-shared-filtering", "Security group filtering on the shared field", "Support filtering security groups on the shared field", "2019-11-28T10:00:00-00:00"},
	{"sorting", "Sorting support", "Extension that indicates that sorting is enabled.", "2016-06-12T00:00:00-00:00"},
	{"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes", "2016-02-10T10:00:00-00:00"},
	{"standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources.", "2016-04-11T10:00:00-00:00"},
	{"standard-attr-tag", "Tag support for resources with standard attribute: port, subnet, subnetpool, network, security_group, router, floatingip, policy, trunk, network_segment_range", "Enables to set tag on resources with standard attribute.", "2017-01-01T00:00:00-00:00"},
	{"standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.", "2016-09-12T10:00:00-00:00"},
	{"stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not", "2019-11-26T09:00:00-00:00"},
	{"subnet_allocation", "Subnet Allocation", "Enables allocation of subnets from a subnet pool", "2015-03-30T10:00:00-00:00"},
}

func (e extension) doc() map[string]any {
	return map[string]any{"alias": e.alias, "name": e.name, "description": e.description,
		"updated": e.updated, "links": []any{}}
}

func (s *Room) listExtensions(q *request) (int, any, error) {
	out := make([]map[string]any, len(extensions))
	for i, e := range extensions {
		out[i] = e.doc()
	}
	return http.StatusOK, map[string]any{"extensions": out}, nil
}

func (s *Room) getExtension(q *request) (int, any, error) {
	alias := q.R.PathValue("alias")
	for _, e := range extensions {
		if e.alias == alias {
			return http.StatusOK, map[string]any{"extension": e.doc()}, nil
		}
	}
	return 0, nil, errorf(http.StatusNotFound, "HTTPNotFound", "Extension with alias %s does not exist", alias)
}

func (s *Room) listAvailabilityZones(q *request) (int, any, error) {
	var docs []map[string]any
	for _, az := range s.azs {
		for _, res := range []string{"network", "router"} {
			docs = append(docs, map[string]any{"id": az + "/" + res, "name": az, "resource": res, "state": "available"})
		}
	}
	_, body, err := q.list(s.c.URL(), "availability_zones", docs, func(string) error { return nil })
	if m, ok := body.(map[string]any); ok {
		for _, d := range m["availability_zones"].([]map[string]any) {
			delete(d, "id")
		}
	}
	return http.StatusOK, body, err
}
