package compute

import (
	"fmt"
	"net/http"
	"os"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// deleteServer answers 204 at once; the server then goes away
// asynchronously: task_state deleting, then status DELETED with its
// ports, volumes, group membership and disk released, then gone (404).
func (s *Room) deleteServer(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		if srv.Locked {
			core.NovaErrors.Write(w, http.StatusConflict, fmt.Sprintf("Instance %s is locked", srv.ID))
			return
		}
		if srv.TaskState != "deleting" && srv.VMState != "deleted" {
			srv.TaskState = "deleting"
			srv.touch(s.c.Now())
			id := srv.ID
			s.c.Later(1, func() { s.teardownLocked(id) })
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// teardownLocked releases everything the server holds and marks it
// deleted; a moment later it is gone.
func (s *Room) teardownLocked(id string) {
	srv := s.servers[id]
	if srv == nil {
		return
	}
	s.unplugPortsLocked(srv)
	for _, bv := range srv.Volumes {
		if bv.Attached {
			s.volumes.DetachLocked(bv.VolumeID, srv.ID)
		}
		if bv.DeleteOnTermination && bv.VolumeID != "" {
			s.volumes.DeleteLocked(bv.VolumeID)
		}
	}
	srv.Volumes = nil
	s.leaveGroupLocked(srv.Group, srv.ID)
	if srv.diskReady {
		os.Remove(srv.DiskPath)
		srv.diskReady = false
	}
	srv.VMState, srv.TaskState, srv.PowerState = "deleted", "", powerNoState
	srv.touch(s.c.Now())
	s.c.Later(1, func() { delete(s.servers, id) })
}
