package volume

import (
	"maps"
	"net/http"
	"os"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// backupCreate is the body of POST /backups.
type backupCreate struct {
	VolumeID    string            `json:"volume_id"`
	SnapshotID  string            `json:"snapshot_id"`
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	Force       any               `json:"force"`
	Incremental any               `json:"incremental"`
	Metadata    map[string]string `json:"metadata"`
}

func (s *Room) ownBackupLocked(projectID, id string) (*backup, *apiError) {
	b := s.backups[id]
	if b == nil || b.ProjectID != projectID {
		return nil, errorf(http.StatusNotFound, "Backup %s could not be found.", id)
	}
	return b, nil
}

func (s *Room) createBackup(w http.ResponseWriter, r *http.Request, q request) {
	var body struct {
		Backup *backupCreate `json:"backup"`
	}
	if !readElement(w, r, &body, "backup", func() bool { return body.Backup != nil }) {
		return
	}
	core.Locked(s.c, w, func() (*backup, *apiError) { return s.createBackupLocked(q.tok, *body.Backup) }, func(b *backup) {
		view := s.backupSummary(b)
		if q.mv >= 43 {
			view["metadata"] = meta(b.Metadata)
		}
		core.WriteJSON(w, http.StatusAccepted, map[string]any{"backup": view})
	})
}

// createBackupLocked checks the volume and quota, records the backup as
// "creating" (the volume "backing-up") and copies the bytes.
func (s *Room) createBackupLocked(tok *core.Token, req backupCreate) (*backup, *apiError) {
	v, src, parent, verr := s.checkBackupLocked(tok.ProjectID, req)
	if verr != nil {
		return nil, verr
	}
	t := s.c.Now()
	b := &backup{ID: core.NewID(), ProjectID: tok.ProjectID, UserID: tok.UserID, VolumeID: v.ID,
		SnapshotID: req.SnapshotID, Name: req.Name, Description: req.Description, SizeGB: v.SizeGB,
		Status: volCreating, Incremental: parent != "", ParentID: parent, Metadata: meta(req.Metadata),
		CreatedAt: t, DataTimestamp: t, bootable: v.Bootable, imageMetadata: maps.Clone(v.ImageMetadata)}
	b.Path = s.c.BlobPath("backups", b.ID)
	s.backups[b.ID] = b
	if req.SnapshotID == "" {
		v.resumeStatus, v.Status = v.Status, volBackingUp
		v.touch(s.c.Now())
	}
	size := int64(v.SizeGB) * volumeGiB
	s.volumeJob(func() error {
		return blob.CopyPrefix(b.Path, src, size, size)
	}, func(err error) {
		if s.volumes[v.ID] == v && v.Status == volBackingUp {
			v.Status = v.resumeStatus
			v.touch(s.c.Now())
		}
		if s.backups[b.ID] != b {
			os.Remove(b.Path)
			return
		}
		b.Status = volAvailable
		if err != nil {
			b.Status = volError
		}
		b.UpdatedAt = s.c.Now()
	})
	return b, nil
}

// checkBackupLocked validates a backup request: the volume, the file to
// copy (the volume's or a snapshot's), the parent of an incremental
// backup, and the quota.
func (s *Room) checkBackupLocked(projectID string, req backupCreate) (v *volume, src, parent string, verr *apiError) {
	if v, verr = s.ownVolumeLocked(projectID, req.VolumeID); verr != nil {
		return nil, "", "", verr
	}
	if v.Status != volAvailable && v.Status != volInUse {
		return nil, "", "", errorf(http.StatusBadRequest, "Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"%s\".", v.Status)
	}
	if v.Status == volInUse && !boolOf(req.Force) && req.SnapshotID == "" {
		return nil, "", "", errorf(http.StatusBadRequest, "Invalid volume: Backing up an in-use volume must use the force flag.")
	}
	src = v.Path
	if req.SnapshotID != "" {
		sn, verr := s.ownSnapshotLocked(projectID, req.SnapshotID)
		if verr != nil {
			return nil, "", "", verr
		}
		if sn.VolumeID != v.ID || sn.Status != volAvailable {
			return nil, "", "", errorf(http.StatusBadRequest, "Invalid snapshot: Snapshot to be backed up must be available, but the current status is \"%s\".", sn.Status)
		}
		src = sn.Path
	}
	if boolOf(req.Incremental) {
		if parent = s.latestBackupLocked(v.ID); parent == "" {
			return nil, "", "", errorf(http.StatusBadRequest, "Invalid backup: No backups available to do an incremental backup.")
		}
	}
	return v, src, parent, s.checkBackupQuotaLocked(projectID, v.SizeGB)
}

// latestBackupLocked is the newest available backup of a volume.
func (s *Room) latestBackupLocked(volumeID string) string {
	var latest *backup
	for _, b := range s.backups {
		if b.VolumeID == volumeID && b.Status == volAvailable && (latest == nil || b.CreatedAt.After(latest.CreatedAt)) {
			latest = b
		}
	}
	if latest == nil {
		return ""
	}
	return latest.ID
}

var backupSortKeys = []string{"id", "name", "status", "size", "created_at", "updated_at", "volume_id"}

func (s *Room) writeBackups(w http.ResponseWriter, r *http.Request, q request, detail bool) {
	query := r.URL.Query()
	s.c.Lock()
	defer s.c.Unlock()
	var items []item
	for _, b := range s.backups {
		if b.ProjectID != q.tok.ProjectID || !filterMatches(query, core.Deref(b.Name), b.Status, b.Metadata) {
			continue
		}
		if vid := query.Get("volume_id"); vid != "" && vid != b.VolumeID {
			continue
		}
		items = append(items, item{id: b.ID, name: core.Deref(b.Name), status: b.Status, size: b.SizeGB,
			created: b.CreatedAt, updated: b.UpdatedAt, extra: map[string]string{"volume_id": b.VolumeID}})
	}
	s.writeList(w, r, q, "backups", items, backupSortKeys, true, func(id string) any {
		if detail {
			return s.backupView(s.backups[id], q.mv)
		}
		return s.backupSummary(s.backups[id])
	})
}

func (s *Room) getBackup(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*backup, *apiError) { return s.ownBackupLocked(q.tok.ProjectID, r.PathValue("id")) }, func(b *backup) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"backup": s.backupView(b, q.mv)})
	})
}

// updateBackup changes name, description and (3.43) metadata (3.9).
func (s *Room) updateBackup(w http.ResponseWriter, r *http.Request, q request) {
	if q.mv < 9 {
		core.NovaErrors.Write(w, http.StatusNotFound, "The resource could not be found.")
		return
	}
	var body struct {
		Backup *struct {
			Name        *string            `json:"name"`
			Description *string            `json:"description"`
			Metadata    *map[string]string `json:"metadata"`
		} `json:"backup"`
	}
	if !readElement(w, r, &body, "backup", func() bool { return body.Backup != nil }) {
		return
	}
	core.Locked(s.c, w, func() (*backup, *apiError) { return s.ownBackupLocked(q.tok.ProjectID, r.PathValue("id")) }, func(b *backup) {
		if u := body.Backup; u.Name != nil {
			b.Name = u.Name
		}
		if u := body.Backup; u.Description != nil {
			b.Description = u.Description
		}
		if u := body.Backup; u.Metadata != nil && q.mv >= 43 {
			b.Metadata = meta(*u.Metadata)
		}
		b.UpdatedAt = s.c.Now()
		core.WriteJSON(w, http.StatusOK, map[string]any{"backup": s.backupView(b, q.mv)})
	})
}

func (s *Room) deleteBackup(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*backup, *apiError) { return s.ownBackupLocked(q.tok.ProjectID, r.PathValue("id")) }, func(b *backup) {
		if b.Status != volAvailable && b.Status != volError {
			core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid backup: Backup status must be available or error")
			return
		}
		if s.hasDependentsLocked(b.ID) {
			core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid backup: Incremental backups exist for this backup.")
			return
		}
		b.Status = volDeleting
		b.UpdatedAt = s.c.Now()
		s.c.Later(1, func() {
			if s.backups[b.ID] == b {
				delete(s.backups, b.ID)
				os.Remove(b.Path)
			}
		})
		w.WriteHeader(http.StatusAccepted)
	})
}
