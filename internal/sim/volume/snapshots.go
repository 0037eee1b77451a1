package volume

import (
	"net/http"
	"os"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// snapshotCreate is the body of POST /snapshots.
type snapshotCreate struct {
	VolumeID    string            `json:"volume_id"`
	Force       any               `json:"force"`
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	Metadata    map[string]string `json:"metadata"`
}

func (s *Room) ownSnapshotLocked(projectID, id string) (*snapshot, *apiError) {
	sn := s.snapshots[id]
	if sn == nil || sn.ProjectID != projectID {
		return nil, errorf(http.StatusNotFound, "Snapshot %s could not be found.", id)
	}
	return sn, nil
}

func (s *Room) snapshotsOfLocked(volumeID string) []*snapshot {
	var out []*snapshot
	for _, sn := range s.snapshots {
		if sn.VolumeID == volumeID {
			out = append(out, sn)
		}
	}
	return out
}

func (s *Room) createSnapshot(w http.ResponseWriter, r *http.Request, q request) {
	var body struct {
		Snapshot *snapshotCreate `json:"snapshot"`
	}
	if !readElement(w, r, &body, "snapshot", func() bool { return body.Snapshot != nil }) {
		return
	}
	if q.mv >= 66 {
		body.Snapshot.Force = true // 3.66 snapshots in-use volumes without force
	}
	core.Locked(s.c, w, func() (*snapshot, *apiError) {
		return s.createSnapshotLocked(q.tok.ProjectID, q.tok.UserID, *body.Snapshot)
	}, func(sn *snapshot) {
		core.WriteJSON(w, http.StatusAccepted, map[string]any{"snapshot": s.snapshotView(sn, q.mv, true)})
	})
}

// createSnapshotLocked checks the volume and quota, records the
// snapshot as "creating" and copies the volume's bytes.
func (s *Room) createSnapshotLocked(projectID, userID string, req snapshotCreate) (*snapshot, *apiError) {
	v, verr := s.ownVolumeLocked(projectID, req.VolumeID)
	if verr != nil {
		return nil, verr
	}
	if v.Status != volAvailable && v.Status != volInUse {
		return nil, errorf(http.StatusBadRequest, "Invalid volume: Volume %s status must be available or in-use, but current status is: %s.", v.ID, v.Status)
	}
	if v.Status != volAvailable && !boolOf(req.Force) {
		return nil, errorf(http.StatusBadRequest, "Invalid volume: Volume %s status must be available, but current status is: %s.", v.ID, v.Status)
	}
	if verr := s.checkSnapshotQuotaLocked(projectID, v.SizeGB); verr != nil {
		return nil, verr
	}
	t := s.c.Now()
	sn := &snapshot{ID: core.NewID(), ProjectID: projectID, UserID: userID, VolumeID: v.ID, Name: req.Name,
		Description: req.Description, SizeGB: v.SizeGB, Status: volCreating,
		Metadata: meta(req.Metadata), CreatedAt: t}
	sn.Path = s.c.BlobPath("snapshots", sn.ID)
	s.snapshots[sn.ID] = sn
	size, volPath := int64(v.SizeGB)*volumeGiB, v.Path
	s.volumeJob(func() error {
		return blob.CopyPrefix(sn.Path, volPath, size, size)
	}, func(err error) {
		if s.snapshots[sn.ID] != sn {
			os.Remove(sn.Path)
			return
		}
		sn.Status = volAvailable
		if err != nil {
			sn.Status = volError
		}
		sn.UpdatedAt = s.c.Now()
	})
	return sn, nil
}

var snapshotSortKeys = []string{"id", "name", "status", "size", "created_at", "updated_at", "volume_id"}

func (s *Room) writeSnapshots(w http.ResponseWriter, r *http.Request, q request, detail bool) {
	query := r.URL.Query()
	s.c.Lock()
	defer s.c.Unlock()
	var items []item
	for _, sn := range s.snapshots {
		if sn.ProjectID != q.tok.ProjectID || !filterMatches(query, core.Deref(sn.Name), sn.Status, sn.Metadata) {
			continue
		}
		if vid := query.Get("volume_id"); vid != "" && vid != sn.VolumeID {
			continue
		}
		items = append(items, item{id: sn.ID, name: core.Deref(sn.Name), status: sn.Status, size: sn.SizeGB,
			created: sn.CreatedAt, updated: sn.UpdatedAt, extra: map[string]string{"volume_id": sn.VolumeID}})
	}
	s.writeList(w, r, q, "snapshots", items, snapshotSortKeys, false, func(id string) any {
		return s.snapshotView(s.snapshots[id], q.mv, detail)
	})
}

func (s *Room) getSnapshot(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*snapshot, *apiError) { return s.ownSnapshotLocked(q.tok.ProjectID, r.PathValue("id")) }, func(sn *snapshot) {
		core.WriteJSON(w, http.StatusOK, map[string]any{"snapshot": s.snapshotView(sn, q.mv, true)})
	})
}

func (s *Room) updateSnapshot(w http.ResponseWriter, r *http.Request, q request) {
	var body struct {
		Snapshot *struct {
			Name        *string `json:"name"`
			Description *string `json:"description"`
		} `json:"snapshot"`
	}
	if !readElement(w, r, &body, "snapshot", func() bool { return body.Snapshot != nil }) {
		return
	}
	core.Locked(s.c, w, func() (*snapshot, *apiError) { return s.ownSnapshotLocked(q.tok.ProjectID, r.PathValue("id")) }, func(sn *snapshot) {
		if body.Snapshot.Name != nil {
			sn.Name = body.Snapshot.Name
		}
		if body.Snapshot.Description != nil {
			sn.Description = body.Snapshot.Description
		}
		sn.UpdatedAt = s.c.Now()
		core.WriteJSON(w, http.StatusOK, map[string]any{"snapshot": s.snapshotView(sn, q.mv, true)})
	})
}

func (s *Room) deleteSnapshot(w http.ResponseWriter, r *http.Request, q request) {
	core.Locked(s.c, w, func() (*snapshot, *apiError) { return s.ownSnapshotLocked(q.tok.ProjectID, r.PathValue("id")) }, func(sn *snapshot) {
		if sn.Status != volAvailable && sn.Status != volError {
			core.NovaErrors.Write(w, http.StatusBadRequest, "Invalid snapshot: Volume Snapshot status must be available or error and must not be part of a group.")
			return
		}
		s.startSnapshotDeleteLocked(sn)
		w.WriteHeader(http.StatusAccepted)
	})
}

// startSnapshotDeleteLocked moves a snapshot to "deleting" and removes
// it a moment later.
func (s *Room) startSnapshotDeleteLocked(sn *snapshot) {
	sn.Status = volDeleting
	sn.UpdatedAt = s.c.Now()
	s.c.Later(1, func() {
		if s.snapshots[sn.ID] == sn {
			delete(s.snapshots, sn.ID)
			os.Remove(sn.Path)
		}
	})
}
