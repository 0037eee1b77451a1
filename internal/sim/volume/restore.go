package volume

import (
	"maps"
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// restoreBackup restores a backup into an existing volume or into a new
// one (scs-0117): the backup is "restoring" and the volume
// "restoring-backup" until the bytes are back.
func (s *Room) restoreBackup(w http.ResponseWriter, r *http.Request, q request) {
	var body struct {
		Restore *struct {
			VolumeID string `json:"volume_id"`
			Name     string `json:"name"`
		} `json:"restore"`
	}
	if !readElement(w, r, &body, "restore", func() bool { return body.Restore != nil }) {
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	b, verr := s.ownBackupLocked(q.tok.ProjectID, r.PathValue("id"))
	if verr != nil {
		verr.Write(w)
		return
	}
	if b.Status != volAvailable {
		core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid backup: Backup status must be available")
		return
	}
	v, verr := s.restoreTargetLocked(q.tok, b, body.Restore.VolumeID, body.Restore.Name)
	if verr != nil {
		verr.Write(w)
		return
	}
	s.startRestoreLocked(b, v)
	core.WriteJSON(w, http.StatusAccepted, map[string]any{"restore": map[string]any{
		"backup_id": b.ID, "volume_id": v.ID, "volume_name": v.Name}})
}

// restoreTargetLocked is the volume to restore into: the given one, if
// it is available and large enough, or a new one of the backup's size.
func (s *Room) restoreTargetLocked(tok *core.Token, b *backup, volumeID, name string) (*volume, *apiError) {
	if volumeID != "" {
		v, verr := s.ownVolumeLocked(tok.ProjectID, volumeID)
		if verr != nil {
			return nil, verr
		}
		if v.Status != volAvailable {
			return nil, errorf(http.StatusBadRequest, "Invalid volume: Volume to be restored to must be available")
		}
		if v.SizeGB < b.SizeGB {
			return nil, errorf(http.StatusBadRequest, "Invalid volume: volume size %d is too small to restore backup of size %d.", v.SizeGB, b.SizeGB)
		}
		return v, nil
	}
	if name == "" {
		name = "restore_backup_" + b.ID
	}
	if verr := s.checkVolumeQuotaLocked(tok.ProjectID, 1, b.SizeGB); verr != nil {
		return nil, verr
	}
	t := s.c.Now()
	v := &volume{ID: core.NewID(), ProjectID: tok.ProjectID, UserID: tok.UserID, Name: &name,
		SizeGB: b.SizeGB, Status: volCreating, TypeID: s.types[0].ID, AZ: s.DefaultAZ(),
		Metadata: map[string]string{}, CreatedAt: t}
	v.Path = s.c.BlobPath("volumes", v.ID)
	s.volumes[v.ID] = v
	return v, nil
}

func (s *Room) startRestoreLocked(b *backup, v *volume) {
	b.Status, v.Status = "restoring", volRestoring
	b.UpdatedAt = s.c.Now()
	v.touch(s.c.Now())
	src, dst, n, size := b.Path, v.Path, int64(b.SizeGB)*volumeGiB, int64(v.SizeGB)*volumeGiB
	s.volumeJob(func() error {
		return blob.CopyPrefix(dst, src, n, size)
	}, func(err error) {
		if s.backups[b.ID] == b {
			b.Status = volAvailable
			b.UpdatedAt = s.c.Now()
		}
		if s.volumes[v.ID] != v {
			return
		}
		v.Status = volAvailable
		if err != nil {
			v.Status = "error_restoring"
		} else {
			v.Bootable, v.ImageMetadata = b.bootable, maps.Clone(b.imageMetadata)
		}
		v.touch(s.c.Now())
	})
}
