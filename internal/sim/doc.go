// Package sim is an in-process, stateful simulator of an SCS-compliant
// OpenStack cloud. It speaks the real wire protocols of Keystone v3, Nova
// v2.1, Glance v2, Cinder v3, Neutron v2.0, Octavia v2 and Placement over
// HTTP on loopback, with the JSON shapes, status codes, error bodies,
// asynchronous state changes and pagination of the real services, so that
// gophercloud and the openstack CLI cannot tell it from OpenStack for the
// calls scs-migrate makes.
//
// All services of one Cloud share one listener; each service lives under
// its own path prefix (/identity, /compute/v2.1, /image, /volume/v3,
// /network, /load-balancer, /placement), the way devstack lays them out.
//
// Product code never imports this package: only tests, `scs-migrate sim
// serve` and `scs-migrate demo` do.
package sim
