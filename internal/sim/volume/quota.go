package volume

import (
	"net/http"

	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Cinder quotas the simulator's Quotas struct does not carry, at
// Cinder's defaults.
const (
	backupGigabytes    = 1000
	perVolumeGigabytes = -1
	groupsQuota        = 10
)

// usage is what a project consumes of its Cinder quotas.
type usage struct {
	volumes, gigabytes, snapshots, backups, backupGigabytes int
	// per volume type name
	typeVolumes, typeGigabytes, typeSnapshots map[string]int
}

// usageLocked counts the project's volumes, snapshots and backups;
// snapshots count against gigabytes, as Cinder counts them.
func (s *Room) usageLocked(projectID string) usage {
	u := usage{typeVolumes: map[string]int{}, typeGigabytes: map[string]int{}, typeSnapshots: map[string]int{}}
	for _, v := range s.volumes {
		if v.ProjectID == projectID {
			t := s.typeName(v.TypeID)
			u.volumes++
			u.gigabytes += v.SizeGB
			u.typeVolumes[t]++
			u.typeGigabytes[t] += v.SizeGB
		}
	}
	for _, sn := range s.snapshots {
		if sn.ProjectID == projectID {
			u.snapshots++
			u.gigabytes += sn.SizeGB
			if v := s.volumes[sn.VolumeID]; v != nil {
				t := s.typeName(v.TypeID)
				u.typeSnapshots[t]++
				u.typeGigabytes[t] += sn.SizeGB
			}
		}
	}
	for _, b := range s.backups {
		if b.ProjectID == projectID {
			u.backups++
			u.backupGigabytes += b.SizeGB
		}
	}
	return u
}

// quotaExceeds reports whether used+add passes a limit (negative: unlimited).
func quotaExceeds(limit, used, add int) bool { return limit >= 0 && used+add > limit }

func gigabytesExceeded(add, limit, used int) *apiError {
	return errorf(http.StatusRequestEntityTooLarge, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed gigabytes quota. Requested %dG, quota is %dG and %dG has been consumed.", add, limit, used)
}

func (s *Room) checkVolumeQuotaLocked(projectID string, addVolumes, addGB int) *apiError {
	q, u := s.c.QuotaLocked(projectID), s.usageLocked(projectID)
	if addVolumes > 0 && quotaExceeds(q.Volumes, u.volumes, addVolumes) {
		return errorf(http.StatusRequestEntityTooLarge, "VolumeLimitExceeded: Maximum number of volumes allowed (%d) exceeded for quota 'volumes'.", q.Volumes)
	}
	if quotaExceeds(q.Gigabytes, u.gigabytes, addGB) {
		return gigabytesExceeded(addGB, q.Gigabytes, u.gigabytes)
	}
	return nil
}

func (s *Room) checkSnapshotQuotaLocked(projectID string, sizeGB int) *apiError {
	q, u := s.c.QuotaLocked(projectID), s.usageLocked(projectID)
	if quotaExceeds(q.Snapshots, u.snapshots, 1) {
		return errorf(http.StatusRequestEntityTooLarge, "SnapshotLimitExceeded: Maximum number of snapshots allowed (%d) exceeded", q.Snapshots)
	}
	if quotaExceeds(q.Gigabytes, u.gigabytes, sizeGB) {
		return gigabytesExceeded(sizeGB, q.Gigabytes, u.gigabytes)
	}
	return nil
}

func (s *Room) checkBackupQuotaLocked(projectID string, sizeGB int) *apiError {
	q, u := s.c.QuotaLocked(projectID), s.usageLocked(projectID)
	if quotaExceeds(q.Backups, u.backups, 1) {
		return errorf(http.StatusRequestEntityTooLarge, "BackupLimitExceeded: Maximum number of backups allowed (%d) exceeded", q.Backups)
	}
	if quotaExceeds(backupGigabytes, u.backupGigabytes, sizeGB) {
		return errorf(http.StatusRequestEntityTooLarge, "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup gigabytes quota. Requested %dG, quota is %dG and %dG has been consumed.", sizeGB, backupGigabytes, u.backupGigabytes)
	}
	return nil
}

func (s *Room) limits(w http.ResponseWriter, r *http.Request, q request) {
	s.c.Lock()
	defer s.c.Unlock()
	qs, u := s.c.QuotaLocked(q.tok.ProjectID), s.usageLocked(q.tok.ProjectID)
	core.WriteJSON(w, http.StatusOK, map[string]any{"limits": map[string]any{"rate": []any{}, "absolute": map[string]int{
		"maxTotalVolumes": qs.Volumes, "maxTotalSnapshots": qs.Snapshots, "maxTotalVolumeGigabytes": qs.Gigabytes,
		"maxTotalBackups": qs.Backups, "maxTotalBackupGigabytes": backupGigabytes,
		"totalVolumesUsed": u.volumes, "totalGigabytesUsed": u.gigabytes, "totalSnapshotsUsed": u.snapshots,
		"totalBackupsUsed": u.backups, "totalBackupGigabytesUsed": u.backupGigabytes,
	}}})
}

// quotaSet answers GET /os-quota-sets/{tenant}[?usage=true] for the
// caller's own project.
func (s *Room) quotaSet(w http.ResponseWriter, r *http.Request, q request) {
	s.writeQuotaSet(w, r, q, r.URL.Query().Get("usage") == "true")
}

func (s *Room) quotaDefaults(w http.ResponseWriter, r *http.Request, q request) {
	s.writeQuotaSet(w, r, q, false)
}

func (s *Room) writeQuotaSet(w http.ResponseWriter, r *http.Request, q request, usage bool) {
	tenant := r.PathValue("tenant")
	if tenant != q.tok.ProjectID {
		core.NovaErrors.Write(w, http.StatusForbidden, "Policy doesn't allow volume_extension:quotas:show to be performed.")
		return
	}
	s.c.Lock()
	defer s.c.Unlock()
	qs, u := s.c.QuotaLocked(tenant), s.usageLocked(tenant)
	set := map[string]any{"id": tenant}
	put := func(key string, limit, inUse int) {
		if usage {
			set[key] = map[string]int{"limit": limit, "in_use": inUse, "reserved": 0}
		} else {
			set[key] = limit
		}
	}
	put("volumes", qs.Volumes, u.volumes)
	put("gigabytes", qs.Gigabytes, u.gigabytes)
	put("snapshots", qs.Snapshots, u.snapshots)
	put("backups", qs.Backups, u.backups)
	put("backup_gigabytes", backupGigabytes, u.backupGigabytes)
	put("per_volume_gigabytes", perVolumeGigabytes, 0)
	put("groups", groupsQuota, 0)
	for _, t := range s.types {
		put("volumes_"+t.Name, -1, u.typeVolumes[t.Name])
		put("gigabytes_"+t.Name, -1, u.typeGigabytes[t.Name])
		put("snapshots_"+t.Name, -1, u.typeSnapshots[t.Name])
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"quota_set": set})
}

func (s *Room) availabilityZones(w http.ResponseWriter, r *http.Request, q request) {
	var out []any
	for _, az := range s.Zones() {
		out = append(out, map[string]any{"zoneName": az, "zoneState": map[string]bool{"available": true}})
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"availabilityZoneInfo": core.OrEmpty(out)})
}
