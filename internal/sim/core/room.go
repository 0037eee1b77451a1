package core

import "net/http"

// Room is one OpenStack service of the simulator, in its own package.
// The top-level package sim lists the rooms of a cloud, serves each
// under its path prefix and seeds each as the provider profile says.
type Room interface {
	// Prefix is the first element of the room's paths ("compute",
	// "network", …); calls are counted and faults answered by it.
	Prefix() string
	// Style is how the room writes its errors.
	Style() ErrorStyle
	// Routes registers the room's handlers on mux.
	Routes(mux *http.ServeMux)
	// SeedLocked creates what the provider has before any tenant comes
	// (flavors, external network, volume types, public images, …); it
	// runs with the lock held.
	SeedLocked() error
}
