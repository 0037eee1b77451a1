package sim

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// computeService is Nova v2.1 with microversions 2.1 to 2.96: flavors,
// availability zones, keypairs, server groups, servers with their
// actions, volume attachments and interfaces, limits and quota sets.
// Servers are plain state machines (no hypervisor): BUILD → ACTIVE ⇄
// SHUTOFF, driven by c.later; an image-backed server owns a sparse copy
// of its image as root disk so that snapshots carry real bytes.
type computeService struct {
	c *Cloud

	azs      []string
	flavors  map[string]*novaFlavor  // by ID
	keypairs map[string]*novaKeypair // by keypairKey(user, name)
	groups   map[string]*serverGroup // by ID
	servers  map[string]*novaServer  // by ID

	seq int // numbers keypairs (Nova's integer IDs), groups and servers in creation order
}

func newComputeService(c *Cloud) *computeService {
	return &computeService{
		c:        c,
		flavors:  map[string]*novaFlavor{},
		keypairs: map[string]*novaKeypair{},
		groups:   map[string]*serverGroup{},
		servers:  map[string]*novaServer{},
	}
}

// computeBase is the path prefix of the versioned Nova API.
const computeBase = "/compute/v2.1"

func (s *computeService) routes(mux *http.ServeMux) {
	s.routeVersions(mux)
	s.routeFlavors(mux)
	s.routeZones(mux)
	s.routeKeypairs(mux)
	s.routeServerGroups(mux)
	s.routeServers(mux)
	s.routeServerMetadata(mux)
	s.routeServerTags(mux)
	s.routeServerActions(mux)
	s.routeVolumeAttachments(mux)
	s.routeInterfaces(mux)
	s.routeLimits(mux)
	// Anything else under the API answers Nova's 404, not Go's.
	mux.HandleFunc(computeBase+"/", func(w http.ResponseWriter, r *http.Request) {
		core.NovaErrors.Write(w, http.StatusNotFound, "The resource could not be found.")
	})
}

// handle registers a Nova handler: it runs with a valid token and the
// negotiated microversion.
func (s *computeService) handle(mux *http.ServeMux, method, path string, h novaHandler) {
	mux.HandleFunc(method+" "+computeBase+path, s.c.Authed(core.NovaErrors, negotiateNova(h)))
}

// seedProviderLocked creates the scs-0103 flavors and the profile's extra
// flavors, and the availability zones.
func (s *computeService) seedProviderLocked(p Profile) {
	s.azs = append([]string(nil), p.ComputeAZs...)
	if len(s.azs) == 0 {
		s.azs = []string{"nova"}
	}
	s.seedFlavorsLocked(p)
}

// serverExistsLocked reports whether the project has a server with this
// ID (one that is not yet gone); Neutron and Cinder use it to check
// device IDs and attachments.
func (s *computeService) serverExistsLocked(projectID, id string) bool {
	srv, ok := s.servers[id]
	return ok && srv.ProjectID == projectID
}

// links are the self and bookmark links Nova gives every resource.
func (s *computeService) links(collection, id string) []map[string]string {
	return []map[string]string{
		{"href": s.c.URL() + computeBase + "/" + collection + "/" + id, "rel": "self"},
		{"href": s.c.URL() + "/compute/" + collection + "/" + id, "rel": "bookmark"},
	}
}

// bookmark is the bookmark link alone, as embedded images and flavors
// carry it.
func (s *computeService) bookmark(collection, id string) []map[string]string {
	return []map[string]string{{"href": s.c.URL() + "/compute/" + collection + "/" + id, "rel": "bookmark"}}
}
