// Package compute is the simulator's Nova room: flavors, availability
// zones, keypairs, server groups, servers with their actions, volume
// attachments and interfaces, limits and quota sets. Ports come from
// Neutron, volumes from Cinder and images from Glance, through the
// interfaces below.
package compute

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Room is Nova v2.1 with microversions 2.1 to 2.96: flavors,
// availability zones, keypairs, server groups, servers with their
// actions, volume attachments and interfaces, limits and quota sets.
// Servers are plain state machines (no hypervisor): BUILD → ACTIVE ⇄
// SHUTOFF, driven by core.Cloud.Later; an image-backed server owns a sparse copy
// of its image as root disk so that snapshots carry real bytes.
type Room struct {
	c       *core.Cloud
	network Network
	volumes Volumes
	images  Images

	azs      []string
	flavors  map[string]*flavor      // by ID
	keypairs map[string]*keypair     // by keypairKey(user, name)
	groups   map[string]*serverGroup // by ID
	servers  map[string]*server      // by ID

	seq int // numbers keypairs (Nova's integer IDs), groups and servers in creation order
}

// Network is what Nova needs of Neutron: ports for servers.
type Network interface {
	PortInfoLocked(projectID, id string) (core.PortInfo, bool)
	// CreatePortLocked fails with a *core.APIError, which Nova translates.
	CreatePortLocked(projectID, networkID, fixedIP string, securityGroups []string) (string, error)
	BindPortLocked(portID, serverID, az string) error
	UnbindPortLocked(portID string, deletePort bool)
	SecurityGroupIDLocked(projectID, nameOrID string) (string, bool)
	ProjectNetworksLocked(projectID string) []string
	NetworkNameLocked(id string) string
	SecurityGroupNameLocked(id string) string
}

// Volumes is what Nova needs of Cinder: volumes to boot from and attach.
type Volumes interface {
	InfoLocked(projectID, id string) (core.VolumeInfo, bool)
	CreateFromImageLocked(projectID, name string, sizeGB int, imageID, az, volumeType string) (string, error)
	CreateFromSnapshotLocked(projectID, name string, sizeGB int, snapshotID, az, volumeType string) (string, error)
	SnapshotInfoLocked(projectID, id string) (core.SnapshotInfo, bool)
	AttachLocked(volumeID, serverID, device string) error
	DetachLocked(volumeID, serverID string) error
	DeleteLocked(volumeID string)
	SnapshotLocked(projectID, volumeID, name string) (string, error)
}

// Images is what Nova needs of Glance: images to boot from and snapshots
// to write.
type Images interface {
	InfoLocked(projectID, id string) (core.ImageInfo, bool)
	NewImageLocked(projectID string, spec core.NewImage) (id, path string)
	ActivateLocked(id string, d blob.Digests)
	FailLocked(id string)
	BulkImages
}

// New makes the Nova room of a cloud.
func New(c *core.Cloud, network Network, volumes Volumes, images Images) *Room {
	return &Room{
		c: c, network: network, volumes: volumes, images: images,
		flavors:  map[string]*flavor{},
		keypairs: map[string]*keypair{},
		groups:   map[string]*serverGroup{},
		servers:  map[string]*server{},
	}
}

// basePath is the path prefix of the versioned Nova API.
const basePath = "/compute/v2.1"

// Prefix is the room's path prefix.
func (s *Room) Prefix() string { return "compute" }

// Style is Nova's error style.
func (s *Room) Style() core.ErrorStyle { return core.NovaErrors }

// Routes registers Nova's handlers.
func (s *Room) Routes(mux *http.ServeMux) {
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
	mux.HandleFunc(basePath+"/", func(w http.ResponseWriter, r *http.Request) {
		core.NovaErrors.Write(w, http.StatusNotFound, "The resource could not be found.")
	})
}

// handle registers a Nova handler: it runs with a valid token and the
// negotiated microversion.
func (s *Room) handle(mux *http.ServeMux, method, path string, h handler) {
	mux.HandleFunc(method+" "+basePath+path, s.c.Authed(core.NovaErrors, negotiate(h)))
}

// SeedLocked creates the scs-0103 flavors and the profile's extra
// flavors, and the availability zones.
func (s *Room) SeedLocked() error {
	p := s.c.Profile()
	s.azs = append([]string(nil), p.ComputeAZs...)
	if len(s.azs) == 0 {
		s.azs = []string{"nova"}
	}
	s.seedFlavorsLocked(p)
	return nil
}

// serverExistsLocked reports whether the project has a server with this
// ID (one that is not yet gone); Neutron and Cinder use it to check
// device IDs and attachments.
func (s *Room) serverExistsLocked(projectID, id string) bool {
	srv, ok := s.servers[id]
	return ok && srv.ProjectID == projectID
}

// links are the self and bookmark links Nova gives every resource.
func (s *Room) links(collection, id string) []map[string]string {
	return []map[string]string{
		{"href": s.c.URL() + basePath + "/" + collection + "/" + id, "rel": "self"},
		{"href": s.c.URL() + "/compute/" + collection + "/" + id, "rel": "bookmark"},
	}
}

// bookmark is the bookmark link alone, as embedded images and flavors
// carry it.
func (s *Room) bookmark(collection, id string) []map[string]string {
	return []map[string]string{{"href": s.c.URL() + "/compute/" + collection + "/" + id, "rel": "bookmark"}}
}
