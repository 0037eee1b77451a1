package sim

import "net/http"

// networkService is Neutron v2.0. STUB: replaced by the Neutron implementation.
type networkService struct{ c *Cloud }

func newNetworkService(c *Cloud) *networkService { return &networkService{c: c} }

func (s *networkService) routes(mux *http.ServeMux) {}

// seedProviderLocked creates the shared external network and its subnet.
func (s *networkService) seedProviderLocked(p Profile) {}

// portInfo is what Nova needs to know of a port.
type portInfo struct {
	ID, NetworkID, NetworkName, MAC, DeviceID string
	FixedIPs                                  []fixedIP
	SecurityGroups                            []string // IDs
	// FloatingIPs are the floating addresses associated with the port.
	FloatingIPs []string
}

type fixedIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// portInfoLocked returns the port if it belongs to the project.
func (s *networkService) portInfoLocked(projectID, id string) (portInfo, bool) {
	return portInfo{}, false
}

// createPortLocked creates a port on the network for a server, with a
// fixed IP (the requested one when fixedIP is not "") and the security
// groups (IDs; nil means the project's default group).
func (s *networkService) createPortLocked(projectID, networkID, fixedIP string, securityGroups []string) (string, error) {
	return "", errNotImplemented
}

// bindPortLocked binds the port to the server: device_owner
// "compute:<az>", device_id, binding:host_id, status ACTIVE.
func (s *networkService) bindPortLocked(portID, serverID, az string) error { return errNotImplemented }

// unbindPortLocked releases the port when its server is deleted or the
// interface detached; ports Nova created itself are deleted.
func (s *networkService) unbindPortLocked(portID string, deletePort bool) {}

// securityGroupIDLocked resolves a security group name or ID within the
// project.
func (s *networkService) securityGroupIDLocked(projectID, nameOrID string) (string, bool) {
	return "", false
}

// networkNameLocked is the name of a network ("" if unknown).
func (s *networkService) networkNameLocked(id string) string { return "" }
