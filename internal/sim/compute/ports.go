package compute

import (
	"errors"
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// plugPortsLocked creates the ports Nova makes for requested networks
// and binds every port to the server; on failure it undoes what it did.
func (s *Room) plugPortsLocked(srv *server, nets []netSpec, sgIDs []string) *apiError {
	net := s.network
	for _, n := range nets {
		sp := &serverPort{PortID: n.Port, Tag: n.Tag}
		if sp.PortID == "" {
			id, err := net.CreatePortLocked(srv.ProjectID, n.UUID, n.FixedIP, sgIDs)
			if err != nil {
				s.unplugPortsLocked(srv)
				return portCreateError(err, srv.ID, n)
			}
			sp.PortID, sp.Created = id, true
		}
		if err := net.BindPortLocked(sp.PortID, srv.ID, srv.AZ); err != nil {
			if sp.Created {
				net.UnbindPortLocked(sp.PortID, true)
			}
			s.unplugPortsLocked(srv)
			return errorf(http.StatusConflict, "Port %s is still in use.", sp.PortID)
		}
		srv.Ports = append(srv.Ports, sp)
		if pi, ok := net.PortInfoLocked(srv.ProjectID, sp.PortID); ok {
			sp.NetworkID = pi.NetworkID
		}
	}
	return nil
}

// errPortQuota is Nova's PortLimitExceeded.
const errPortQuota = "Maximum number of ports exceeded"

// portCreateError turns Neutron's refusal to create a port into the
// error Nova's API gives for it: the refusals Nova translates into its
// own exceptions get Nova's words, anything else keeps Neutron's status
// class (403 stays 403, as ExternalNetworkAttachForbidden; a conflict
// stays 409; a server error is Nova's 500) and message.
func portCreateError(err error, serverID string, n netSpec) *apiError {
	var ne *core.APIError
	if !errors.As(err, &ne) {
		return badRequest("%s", err.Error())
	}
	switch ne.Type {
	case "NetworkNotFound":
		return badRequest("Network %s could not be found.", n.UUID)
	case "IpAddressAlreadyAllocated", "IpAddressInUse":
		return badRequest("Fixed IP address %s is already in use on instance %s.", n.FixedIP, serverID)
	case "IpAddressGenerationFailure":
		return badRequest("No fixed IP addresses available for network: %s", n.UUID)
	case "InvalidIpForNetwork", "InvalidIpForSubnet":
		return badRequest("Invalid input received: Fixed IP %s is not a valid ip address for network %s.", n.FixedIP, n.UUID)
	case "OverQuota":
		return errorf(http.StatusForbidden, "%s", errPortQuota)
	}
	return statusFromNeutron(ne)
}

// statusFromNeutron keeps the class of a Neutron error Nova has no
// translation for.
func statusFromNeutron(ne *core.APIError) *apiError {
	switch {
	case ne.Status == http.StatusForbidden || ne.Status == http.StatusConflict:
		return errorf(ne.Status, "%s", ne.Message)
	case ne.Status == http.StatusNotFound:
		return badRequest("%s", ne.Message)
	case ne.Status >= 500:
		return errorf(http.StatusInternalServerError, "%s", "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'neutronclient.common.exceptions.InternalServerError'>")
	}
	return badRequest("Invalid input received: %s", ne.Message)
}

// unplugPortsLocked releases all ports of the server: Nova's own are
// deleted, the user's are unbound.
func (s *Room) unplugPortsLocked(srv *server) {
	for _, sp := range srv.Ports {
		s.network.UnbindPortLocked(sp.PortID, sp.Created)
	}
	srv.Ports = nil
}

// plugMoreLocked adds one port to a server that already has others.
func (s *Room) plugMoreLocked(srv *server, net netSpec) *apiError {
	existing := srv.Ports
	srv.Ports = nil
	err := s.plugPortsLocked(srv, []netSpec{net}, nil)
	srv.Ports = append(existing, srv.Ports...)
	return err
}

// checkFreePortLocked answers 404 for an unknown port, 409 for a bound one.
func (s *Room) checkFreePortLocked(projectID, portID string) *apiError {
	pi, ok := s.network.PortInfoLocked(projectID, portID)
	if !ok {
		return errorf(http.StatusNotFound, "Port id %s could not be found.", portID)
	}
	if pi.DeviceID != "" {
		return errorf(http.StatusConflict, "Port %s is still in use.", portID)
	}
	return nil
}
