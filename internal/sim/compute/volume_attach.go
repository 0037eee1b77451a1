package compute

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

func (s *Room) routeVolumeAttachments(mux *http.ServeMux) {
	s.handle(mux, "GET", "/servers/{id}/os-volume_attachments", s.listVolumeAttachments)
	s.handle(mux, "POST", "/servers/{id}/os-volume_attachments", s.attachVolume)
	s.handle(mux, "GET", "/servers/{id}/os-volume_attachments/{volume}", s.getVolumeAttachment)
	s.handle(mux, "DELETE", "/servers/{id}/os-volume_attachments/{volume}", s.detachVolume)
}

// serverAttachStates are the vm_states in which Nova attaches and detaches.
var serverAttachStates = []string{"active", "paused", "stopped", "shelved", "shelved_offloaded"}

// attachmentBody is a volume attachment at microversion v: the tag from
// 2.70, delete_on_termination from 2.79, attachment and BDM IDs instead
// of "id" from 2.89.
func attachmentBody(srv *server, bv *serverVolume, v microversion) map[string]any {
	b := map[string]any{"device": bv.Device, "serverId": srv.ID, "volumeId": bv.VolumeID}
	if v < 89 {
		b["id"] = bv.VolumeID
	} else {
		b["attachment_id"], b["bdm_uuid"] = bv.AttachmentID, bv.BDMID
	}
	if v >= 70 {
		b["tag"] = null(bv.Tag)
	}
	if v >= 79 {
		b["delete_on_termination"] = bv.DeleteOnTermination
	}
	return b
}

func (s *Room) listVolumeAttachments(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	core.Locked(s.c, w, func() (*server, *apiError) { return s.ownServerLocked(tok.ProjectID, r.PathValue("id")) }, func(srv *server) {
		out := []map[string]any{}
		for _, bv := range srv.Volumes {
			if bv.VolumeID != "" {
				out = append(out, attachmentBody(srv, bv, v))
			}
		}
		core.WriteJSON(w, http.StatusOK, map[string]any{"volumeAttachments": out})
	})
}

// attachedVolumeLocked finds a volume mapping of the server, writing
// Nova's 404 when there is none.
func (s *Room) attachedVolumeLocked(w http.ResponseWriter, r *http.Request, tok *core.Token) (*server, *serverVolume, bool) {
	srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok {
		return nil, nil, false
	}
	volID := r.PathValue("volume")
	bv := srv.volume(volID)
	if bv == nil {
		core.NovaErrors.Write(w, http.StatusNotFound, fmt.Sprintf("Instance %s is not attached to volume %s", srv.ID, volID))
		return nil, nil, false
	}
	return srv, bv, true
}

func (s *Room) getVolumeAttachment(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	if srv, bv, ok := s.attachedVolumeLocked(w, r, tok); ok {
		core.WriteJSON(w, http.StatusOK, map[string]any{"volumeAttachment": attachmentBody(srv, bv, v)})
	}
}

type volumeAttachRequest struct {
	Attachment *struct {
		VolumeID            string    `json:"volumeId"`
		Device              *string   `json:"device"`
		Tag                 string    `json:"tag"`
		DeleteOnTermination jsonValue `json:"delete_on_termination"`
	} `json:"volumeAttachment"`
}

func (s *Room) attachVolume(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	var req volumeAttachRequest
	if !core.ReadJSON(w, r, core.NovaErrors, &req) {
		return
	}
	bv, err := parseAttachRequest(req, v)
	if err != nil {
		err.Write(w)
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	srv, ok := s.serverLocked(w, tok.ProjectID, r.PathValue("id"))
	if !ok || !checkServerState(w, srv, "attach_volume", true, serverAttachStates...) {
		return
	}
	if err := s.checkAttachLocked(tok, srv, bv); err != nil {
		err.Write(w)
		return
	}
	if err := s.volumes.AttachLocked(bv.VolumeID, srv.ID, bv.Device); err != nil {
		badRequest("%s", err.Error()).Write(w)
		return
	}
	bv.Attached = true
	srv.Volumes = append(srv.Volumes, bv)
	srv.touch(s.c.Now())
	core.WriteJSON(w, http.StatusOK, map[string]any{"volumeAttachment": attachmentBody(srv, bv, v)})
}

func parseAttachRequest(req volumeAttachRequest, v microversion) (*serverVolume, *apiError) {
	a := req.Attachment
	switch {
	case a == nil:
		return nil, badRequest("Invalid input for field/attribute volumeAttachment. 'volumeAttachment' is a required property")
	case !uuidPattern.MatchString(a.VolumeID):
		return nil, badRequest("Invalid input for field/attribute volumeId. Value: %s. '%s' is not a 'uuid'", a.VolumeID, a.VolumeID)
	case a.Tag != "" && v < 49:
		return nil, badRequest("Invalid input for field/attribute volumeAttachment. Additional properties are not allowed ('tag' was unexpected)")
	case a.DeleteOnTermination.set() && v < 79:
		return nil, badRequest("Invalid input for field/attribute volumeAttachment. Additional properties are not allowed ('delete_on_termination' was unexpected)")
	}
	dot, ok := a.DeleteOnTermination.boolean()
	if !ok {
		return nil, badRequest("Invalid input for field/attribute delete_on_termination. Value: %s. Not a boolean", a.DeleteOnTermination.str())
	}
	bv := &serverVolume{VolumeID: a.VolumeID, BootIndex: -1, DeleteOnTermination: dot, Tag: a.Tag,
		SourceType: "volume", BDMID: core.NewID(), AttachmentID: core.NewID()}
	if a.Device != nil {
		bv.Device = *a.Device
	}
	return bv, nil
}

// checkAttachLocked checks the volume and picks its device.
func (s *Room) checkAttachLocked(tok *core.Token, srv *server, bv *serverVolume) *apiError {
	vi, ok := s.volumes.InfoLocked(tok.ProjectID, bv.VolumeID)
	if !ok {
		return errorf(http.StatusNotFound, "Volume %s could not be found.", bv.VolumeID)
	}
	if srv.volume(bv.VolumeID) != nil {
		return badRequest("Invalid volume: volume %s already attached", bv.VolumeID)
	}
	bv.VolumeSize = vi.SizeGB
	switch {
	case bv.Device == "":
		bv.Device = srv.nextDevice()
	case !strings.HasPrefix(bv.Device, "/dev/"):
		return badRequest("The supplied device path (%s) is invalid.", bv.Device)
	case slices.Contains(srv.devices(), bv.Device) || bv.Device == srv.RootDevice:
		return errorf(http.StatusConflict, "The supplied device path (%s) is in use.", bv.Device)
	}
	return nil
}

func (s *Room) detachVolume(w http.ResponseWriter, r *http.Request, tok *core.Token, v microversion) {
	s.c.Lock()
	defer s.c.Unlock()
	srv, bv, ok := s.attachedVolumeLocked(w, r, tok)
	if !ok || !checkServerState(w, srv, "detach_volume", true, serverAttachStates...) {
		return
	}
	if bv.BootIndex == 0 {
		badRequest("Cannot detach a root device volume").Write(w)
		return
	}
	if bv.Attached {
		if err := s.volumes.DetachLocked(bv.VolumeID, srv.ID); err != nil {
			badRequest("%s", err.Error()).Write(w)
			return
		}
	}
	srv.Volumes = slices.DeleteFunc(srv.Volumes, func(x *serverVolume) bool { return x == bv })
	srv.touch(s.c.Now())
	w.WriteHeader(http.StatusAccepted)
}
