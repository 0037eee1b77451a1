// Package sim is an in-process, stateful simulator of an SCS-compliant
// OpenStack cloud. It speaks the real wire protocols of Keystone v3, Nova
// v2.1, Glance v2, Cinder v3, Neutron v2.0, Octavia v2, Placement and
// object storage (Swift, and S3 on the same store) over HTTP on loopback,
// with the JSON (and XML) shapes, status codes, error bodies,
// asynchronous state changes and pagination of the real services, so that
// gophercloud, minio-go and the openstack CLI cannot tell it from
// OpenStack for the calls scs-migrate makes.
//
// All services of one Cloud share one listener; each service lives under
// its own path prefix (/identity, /compute/v2.1, /image, /volume/v3,
// /network, /load-balancer, /placement, /swift/v1, /s3), the way devstack
// lays them out. S3 requests signed with AWS Signature V4 are also
// answered at the root (/<bucket>/<key>), for S3 clients whose endpoint
// cannot carry a path; the object store room serves both APIs over one
// store, so that an S3 bucket is the Swift container of the same name.
//
// # Rooms
//
// Each service is a room: a package of its own below this one (identity,
// compute, image, volume, network, loadbalancer, placement, objectstore)
// on the shared core (package core). A room implements core.Room: its path prefix, its
// error style, its routes and what the provider seeds into it. This
// package only makes the rooms, wires them to each other and lists them
// in New (cloud.go); it serves them, counts calls, injects faults and
// keeps the public API (Cloud, Pair, tenants, bulk seeding).
//
// A new service (Designate, Barbican, …) is one new room:
// start from placement/placement.go, the smallest room, give the
// package a Room type with New(*core.Cloud, …), and add it to the rooms
// in New. Handlers use the core's helpers: core.Cloud.Authed for the
// token, core.Cloud.Serve or core.Locked for the lock-find-answer shape,
// core.APIError in the room's core.ErrorStyle for refusals, core.Paginate
// and core.NextLink for lists, core.Cloud.Later for asynchronous state
// changes.
//
// # One lock
//
// All rooms share one lock, core.Cloud.Lock: a handler holds it while it
// reads or changes resource state, and byte streams (image, volume and
// object data) are read and written without it. Methods named …Locked expect
// it held. A room that needs another room (Nova needs Neutron's ports,
// Cinder's volumes and Glance's images; Cinder needs Glance's images;
// Octavia needs Neutron's VIP ports; the object store needs Keystone's
// EC2 credentials) declares a narrow interface of the
// …Locked methods it calls, and New passes the other room in; no room
// imports another. The values they exchange (core.PortInfo,
// core.VolumeInfo, core.ImageInfo, …) are in core/contracts.go.
//
// Product code never imports this package: only tests, `scs-migrate sim
// serve` and `scs-migrate demo` do.
package sim
