package sim

import "net/http"

// loadBalancerService is Octavia v2. STUB: replaced by the Octavia implementation.
type loadBalancerService struct{ c *Cloud }

func newLoadBalancerService(c *Cloud) *loadBalancerService { return &loadBalancerService{c: c} }

func (s *loadBalancerService) routes(mux *http.ServeMux) {}

func (s *loadBalancerService) seedProviderLocked(p Profile) {}
