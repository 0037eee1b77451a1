package volume

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// actionFunc performs one volume action under the lock and writes
// its answer.
type actionFunc func(s *Room, w http.ResponseWriter, v *volume, arg json.RawMessage, q request)

var volumeActions = map[string]actionFunc{
	"os-extend":                    (*Room).actExtend,
	"os-set_image_metadata":        (*Room).actSetImageMetadata,
	"os-unset_image_metadata":      (*Room).actUnsetImageMetadata,
	"os-show_image_metadata":       (*Room).actShowImageMetadata,
	"os-volume_upload_image":       (*Room).actUploadImage,
	"os-set_bootable":              (*Room).actSetBootable,
	"os-reserve":                   (*Room).actReserve,
	"os-unreserve":                 (*Room).actUnreserve,
	"os-attach":                    (*Room).actAttach,
	"os-begin_detaching":           (*Room).actBeginDetaching,
	"os-roll_detaching":            (*Room).actRollDetaching,
	"os-detach":                    (*Room).actDetach,
	"os-retype":                    (*Room).actRetype,
	"os-terminate_connection":      (*Room).actAccepted,
	"os-force_delete":              (*Room).actAdminOnly,
	"os-reset_status":              (*Room).actAdminOnly,
	"os-force_detach":              (*Room).actAdminOnly,
	"os-migrate_volume":            (*Room).actAdminOnly,
	"os-update_readonly_flag":      (*Room).actAccepted,
	"os-migrate_volume_completion": (*Room).actAdminOnly,
}

func (s *Room) volumeAction(w http.ResponseWriter, r *http.Request, q request) {
	var body map[string]json.RawMessage
	if !core.ReadJSON(w, r, core.NovaErrors, &body) {
		return
	}
	if len(body) != 1 {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Malformed request body")
		return
	}
	var name string
	for k := range body {
		name = k
	}
	act := volumeActions[name]
	if act == nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, "There is no such action: "+name)
		return
	}
	core.Locked(s.c, w, func() (*volume, *apiError) { return s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id")) }, func(v *volume) {
		act(s, w, v, body[name], q)
	})
}

// decodeVolumeAction reads an action's argument; on failure it answers 400.
func decodeVolumeAction(w http.ResponseWriter, arg json.RawMessage, v any) bool {
	if err := json.Unmarshal(arg, v); err != nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid input for field/attribute: "+err.Error())
		return false
	}
	return true
}

func (s *Room) actExtend(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		NewSize *int `json:"new_size"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if a.NewSize == nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid input for field/attribute new_size. Value: None. None is not of type 'integer', 'string'")
		return
	}
	if v.Status != volAvailable {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Volume "+v.ID+" status must be 'available' to extend, currently "+v.Status+".")
		return
	}
	if *a.NewSize <= v.SizeGB {
		invalid("New size for extend must be greater than current size. (current: %d, extended: %d).", v.SizeGB, *a.NewSize).Write(w)
		return
	}
	if verr := s.checkVolumeQuotaLocked(v.ProjectID, 0, *a.NewSize-v.SizeGB); verr != nil {
		verr.Write(w)
		return
	}
	v.Status = volExtending
	v.touch(s.c.Now())
	newSize, path := *a.NewSize, v.Path
	s.volumeJob(func() error {
		return blob.Resize(path, int64(newSize)*volumeGiB)
	}, func(err error) {
		if s.volumes[v.ID] != v {
			return
		}
		v.Status = volAvailable
		if err != nil {
			v.Status = "error_extending"
		} else {
			v.SizeGB = newSize
		}
		v.touch(s.c.Now())
	})
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actSetImageMetadata(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		Metadata map[string]string `json:"metadata"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if a.Metadata == nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Malformed request body")
		return
	}
	if v.ImageMetadata == nil {
		v.ImageMetadata = map[string]string{}
	}
	for k, val := range a.Metadata {
		v.ImageMetadata[k] = val
	}
	v.touch(s.c.Now())
	core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": meta(v.ImageMetadata)})
}

func (s *Room) actUnsetImageMetadata(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		Key string `json:"key"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if _, ok := v.ImageMetadata[a.Key]; !ok {
		core.NovaErrors.Write(w, http.StatusNotFound, "Glance metadata for volume "+v.ID+" cannot be found.")
		return
	}
	delete(v.ImageMetadata, a.Key)
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusOK)
}

func (s *Room) actShowImageMetadata(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": meta(v.ImageMetadata)})
}

func (s *Room) actSetBootable(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		Bootable any `json:"bootable"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	switch b := a.Bootable.(type) {
	case bool:
		v.Bootable = b
	case string:
		v.Bootable = b == "true" || b == "True" || b == "1" || b == "yes"
	default:
		invalid("Bootable must be a boolean.").Write(w)
		return
	}
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusOK)
}

func (s *Room) actReserve(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	if v.Status != volAvailable && !(v.Status == volInUse && v.Multiattach) {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Volume "+v.ID+" status must be available or downloading to reserve, but the current status is "+v.Status+".")
		return
	}
	if v.Status == volAvailable {
		v.Status = volAttaching
		v.touch(s.c.Now())
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actUnreserve(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	if v.Status == volAttaching {
		v.Status = volAvailable
		if len(v.Attachments) > 0 {
			v.Status = volInUse
		}
		v.touch(s.c.Now())
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actAttach(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		InstanceUUID string `json:"instance_uuid"`
		MountPoint   string `json:"mountpoint"`
		HostName     string `json:"host_name"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if a.MountPoint == "" {
		invalid("Must specify 'mountpoint'").Write(w)
		return
	}
	if err := s.AttachLocked(v.ID, a.InstanceUUID, a.MountPoint); err != nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, err.Error())
		return
	}
	if a.HostName != "" {
		v.Attachments[len(v.Attachments)-1].HostName = a.HostName
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actBeginDetaching(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	if v.Status != volInUse {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.")
		return
	}
	v.Status = volDetaching
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actRollDetaching(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	if v.Status == volDetaching {
		v.Status = volInUse
		v.touch(s.c.Now())
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actDetach(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		AttachmentID string `json:"attachment_id"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	keep := slices.DeleteFunc(slices.Clone(v.Attachments), func(at *attachment) bool {
		return a.AttachmentID == "" || at.ID == a.AttachmentID
	})
	if len(keep) == len(v.Attachments) {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Volume "+v.ID+" is not attached.")
		return
	}
	v.Attachments = keep
	if len(keep) == 0 {
		v.Status = volAvailable
	}
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actRetype(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	var a struct {
		NewType string `json:"new_type"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	t, verr := s.ResolveTypeLocked(a.NewType)
	if verr != nil {
		verr.Write(w)
		return
	}
	if v.Status != volAvailable && v.Status != volInUse {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Volume status must be available or in-use, but current status is: "+v.Status+".")
		return
	}
	if t.encrypted() != (v.EncryptionKeyID != "") {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume type: Retype cannot change encryption requirements.")
		return
	}
	v.TypeID = t.ID
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusAccepted)
}

func (s *Room) actAccepted(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	w.WriteHeader(http.StatusAccepted)
}

// actAdminOnly answers actions the admin policy reserves, as a project
// member meets them.
func (s *Room) actAdminOnly(w http.ResponseWriter, v *volume, arg json.RawMessage, q request) {
	core.NovaErrors.Write(w, http.StatusForbidden, "Policy doesn't allow this action to be performed.")
}
