package compute

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeInterfaces(mux *http.ServeMux) {
	s.handle(mux, "GET", "/servers/{id}/os-interface", s.listInterfaces)
	s.handle(mux, "POST", "/servers/{id}/os-interface", s.attachInterface)
	s.handle(mux, "GET", "/servers/{id}/os-interface/{port}", s.getInterface)
	s.handle(mux, "DELETE", "/servers/{id}/os-interface/{port}", s.detachInterface)
}

// interfaceBodyLocked is an interfaceAttachment, from the port as
// Neutron has it; the tag appears from 2.70.
func (s *Room) interfaceBodyLocked(srv *server, sp *serverPort, v microversion) map[string]any {
	pi, _ := s.network.PortInfoLocked(srv.ProjectID, sp.PortID)
	ips := pi.FixedIPs
	if ips == nil {
		ips = []core.FixedIP{}
	}
	b := map[string]any{"port_id": sp.PortID, "net_id": pi.NetworkID, "mac_addr": pi.MAC,
		"fixed_ips": ips, "port_state": "ACTIVE"}
	if pi.DeviceID != srv.ID {
		b["port_state"] = "DOWN"
	}
	if v >= 70 {
		b["tag"] = null(sp.Tag)
	}
	return b
}

func (s *Room) listInterfaces(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		out := []map[string]any{}
		for _, sp := range srv.Ports {
			out = append(out, s.interfaceBodyLocked(srv, sp, v))
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"interfaceAttachments": out})
	})
}

func (s *Room) getInterface(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		portID := r.PathValue("port")
		sp := srv.port(portID)
		if sp == nil {
			core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Instance %s does not have a port with id %s", srv.ID, portID))
			return
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"interfaceAttachment": s.interfaceBodyLocked(srv, sp, v)})
	})
}

type interfaceAttachRequest struct {
	Attachment *struct {
		PortID   string         `json:"port_id"`
		NetID    string         `json:"net_id"`
		FixedIPs []core.FixedIP `json:"fixed_ips"`
		Tag      string         `json:"tag"`
	} `json:"interfaceAttachment"`
}

func (s *Room) attachInterface(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req interfaceAttachRequest
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	a := req.Attachment
	switch {
	case a == nil:
		badRequest("Invalid input for field/attribute interfaceAttachment. 'interfaceAttachment' is a required property").Write(w)
		return
	case a.PortID != "" && a.NetID != "":
		badRequest("Must not input both network_id and port_id").Write(w)
		return
	case a.PortID == "" && a.NetID == "":
		badRequest("Must input network_id or port_id").Write(w)
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok || !checkServerState(w, srv, "attach_interface", true, "active", "paused", "stopped") {
		return
	}
	net := netSpec{Port: a.PortID, UUID: a.NetID, Tag: a.Tag}
	if len(a.FixedIPs) > 0 {
		net.FixedIP = a.FixedIPs[0].IPAddress
	}
	if a.PortID != "" {
		if err := s.checkFreePortLocked(tok.ProjectID, a.PortID); err != nil {
			err.Write(w)
			return
		}
	}
	before := len(srv.Ports)
	if err := s.plugMoreLocked(srv, net); err != nil {
		err.Write(w)
		return
	}
	srv.touch(s.c.Now())
	core.WriteJSON(w, http.StatusOK, map[string]any{"interfaceAttachment": s.interfaceBodyLocked(srv, srv.Ports[before], v)})
}

func (s *Room) detachInterface(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok || !checkServerState(w, srv, "detach_interface", true, "active", "paused", "stopped") {
		return
	}
	portID := r.PathValue("port")
	sp := srv.port(portID)
	if sp == nil {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Port id %s could not be found.", portID))
		return
	}
	s.network.UnbindPortLocked(sp.PortID, sp.Created)
	srv.Ports = slices.DeleteFunc(srv.Ports, func(x *serverPort) bool { return x == sp })
	srv.touch(s.c.Now())
	w.WriteHeader(http.StatusAccepted)
}
