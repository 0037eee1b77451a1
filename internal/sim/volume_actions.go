package sim

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// volumeActionFunc performs one volume action under the lock and writes
// its answer.
type volumeActionFunc func(s *volumeService, w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest)

var volumeActions = map[string]volumeActionFunc{
	"os-extend":                    (*volumeService).actExtend,
	"os-set_image_metadata":        (*volumeService).actSetImageMetadata,
	"os-unset_image_metadata":      (*volumeService).actUnsetImageMetadata,
	"os-show_image_metadata":       (*volumeService).actShowImageMetadata,
	"os-volume_upload_image":       (*volumeService).actUploadImage,
	"os-set_bootable":              (*volumeService).actSetBootable,
	"os-reserve":                   (*volumeService).actReserve,
	"os-unreserve":                 (*volumeService).actUnreserve,
	"os-attach":                    (*volumeService).actAttach,
	"os-begin_detaching":           (*volumeService).actBeginDetaching,
	"os-roll_detaching":            (*volumeService).actRollDetaching,
	"os-detach":                    (*volumeService).actDetach,
	"os-retype":                    (*volumeService).actRetype,
	"os-terminate_connection":      (*volumeService).actAccepted,
	"os-force_delete":              (*volumeService).actAdminOnly,
	"os-reset_status":              (*volumeService).actAdminOnly,
	"os-force_detach":              (*volumeService).actAdminOnly,
	"os-migrate_volume":            (*volumeService).actAdminOnly,
	"os-update_readonly_flag":      (*volumeService).actAccepted,
	"os-migrate_volume_completion": (*volumeService).actAdminOnly,
}

func (s *volumeService) volumeAction(w http.ResponseWriter, r *http.Request, q volumeRequest) {
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
	s.c.Lock()
	defer s.c.Unlock()
	v, verr := s.ownVolumeLocked(q.tok.ProjectID, r.PathValue("id"))
	if verr != nil {
		verr.write(w)
		return
	}
	act(s, w, v, body[name], q)
}

// decodeVolumeAction reads an action's argument; on failure it answers 400.
func decodeVolumeAction(w http.ResponseWriter, arg json.RawMessage, v any) bool {
	if err := json.Unmarshal(arg, v); err != nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid input for field/attribute: "+err.Error())
		return false
	}
	return true
}

func (s *volumeService) actExtend(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
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
		cinderInvalid("New size for extend must be greater than current size. (current: %d, extended: %d).", v.SizeGB, *a.NewSize).write(w)
		return
	}
	if verr := s.checkVolumeQuotaLocked(v.ProjectID, 0, *a.NewSize-v.SizeGB); verr != nil {
		verr.write(w)
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

func (s *volumeService) actSetImageMetadata(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
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
	core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": cinderMeta(v.ImageMetadata)})
}

func (s *volumeService) actUnsetImageMetadata(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
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

func (s *volumeService) actShowImageMetadata(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	core.WriteJSON(w, http.StatusOK, map[string]any{"metadata": cinderMeta(v.ImageMetadata)})
}

func (s *volumeService) actSetBootable(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
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
		cinderInvalid("Bootable must be a boolean.").write(w)
		return
	}
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusOK)
}

func (s *volumeService) actReserve(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
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

func (s *volumeService) actUnreserve(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	if v.Status == volAttaching {
		v.Status = volAvailable
		if len(v.Attachments) > 0 {
			v.Status = volInUse
		}
		v.touch(s.c.Now())
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *volumeService) actAttach(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	var a struct {
		InstanceUUID string `json:"instance_uuid"`
		MountPoint   string `json:"mountpoint"`
		HostName     string `json:"host_name"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	if a.MountPoint == "" {
		cinderInvalid("Must specify 'mountpoint'").write(w)
		return
	}
	if err := s.attachLocked(v.ID, a.InstanceUUID, a.MountPoint); err != nil {
		core.NovaErrors.Write(w, http.StatusBadRequest, err.Error())
		return
	}
	if a.HostName != "" {
		v.Attachments[len(v.Attachments)-1].HostName = a.HostName
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *volumeService) actBeginDetaching(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	if v.Status != volInUse {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid volume: Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.")
		return
	}
	v.Status = volDetaching
	v.touch(s.c.Now())
	w.WriteHeader(http.StatusAccepted)
}

func (s *volumeService) actRollDetaching(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	if v.Status == volDetaching {
		v.Status = volInUse
		v.touch(s.c.Now())
	}
	w.WriteHeader(http.StatusAccepted)
}

func (s *volumeService) actDetach(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	var a struct {
		AttachmentID string `json:"attachment_id"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	keep := slices.DeleteFunc(slices.Clone(v.Attachments), func(at *volumeAttachment) bool {
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

func (s *volumeService) actRetype(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	var a struct {
		NewType string `json:"new_type"`
	}
	if !decodeVolumeAction(w, arg, &a) {
		return
	}
	t, verr := s.resolveTypeLocked(a.NewType)
	if verr != nil {
		verr.write(w)
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

func (s *volumeService) actAccepted(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	w.WriteHeader(http.StatusAccepted)
}

// actAdminOnly answers actions the admin policy reserves, as a project
// member meets them.
func (s *volumeService) actAdminOnly(w http.ResponseWriter, v *volume, arg json.RawMessage, q volumeRequest) {
	core.NovaErrors.Write(w, http.StatusForbidden, "Policy doesn't allow this action to be performed.")
}
