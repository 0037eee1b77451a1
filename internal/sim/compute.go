package sim

import "net/http"

// computeService is Nova v2.1. STUB: replaced by the Nova implementation.
type computeService struct{ c *Cloud }

func newComputeService(c *Cloud) *computeService { return &computeService{c: c} }

func (s *computeService) routes(mux *http.ServeMux) {}

// seedProviderLocked creates the scs-0103 flavors and the profile's extra
// flavors, and the availability zones.
func (s *computeService) seedProviderLocked(p Profile) {}
