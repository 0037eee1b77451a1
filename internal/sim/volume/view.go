package volume

import (
	"strconv"
	"time"
)

// timeOf formats a time the way Cinder prints it
// ("2018-11-29T06:50:07.000000"); the zero time is null.
func timeOf(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

// null is null for "".
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// links are the self and bookmark links of a resource.
func (s *Room) links(projectID, collection, id string) []map[string]string {
	return []map[string]string{
		{"rel": "self", "href": s.c.URL() + "/volume/v3/" + projectID + "/" + collection + "/" + id},
		{"rel": "bookmark", "href": s.c.URL() + "/volume/" + projectID + "/" + collection + "/" + id},
	}
}

// volumeSummary is a volume in GET /volumes.
func (s *Room) volumeSummary(v *volume) map[string]any {
	return map[string]any{"id": v.ID, "name": v.Name, "links": s.links(v.ProjectID, "volumes", v.ID)}
}

// volumeView is the full volume as the owner sees it at microversion
// 3.mv (the host and migration attributes are for admins only).
func (s *Room) volumeView(v *volume, mv int) map[string]any {
	atts := make([]any, 0, len(v.Attachments))
	for _, a := range v.Attachments {
		atts = append(atts, map[string]any{
			"id": v.ID, "attachment_id": a.ID, "volume_id": v.ID, "server_id": a.ServerID,
			"host_name": null(a.HostName), "device": a.Device, "attached_at": timeOf(a.AttachedAt),
		})
	}
	m := map[string]any{
		"id": v.ID, "name": v.Name, "description": v.Description, "size": v.SizeGB, "status": v.Status,
		"availability_zone": v.AZ, "bootable": strconv.FormatBool(v.Bootable),
		"encrypted": v.EncryptionKeyID != "", "multiattach": v.Multiattach, "attachments": atts,
		"metadata": meta(v.Metadata), "os-vol-tenant-attr:tenant_id": v.ProjectID,
		"snapshot_id": null(v.SnapshotID), "source_volid": null(v.SourceVolID),
		"created_at": timeOf(v.CreatedAt), "updated_at": timeOf(v.UpdatedAt), "user_id": v.UserID,
		"links": s.links(v.ProjectID, "volumes", v.ID), "consistencygroup_id": nil,
		"replication_status": nil, "migration_status": nil, "volume_type": s.typeName(v.TypeID),
	}
	if v.ImageMetadata != nil {
		m["volume_image_metadata"] = meta(v.ImageMetadata)
	}
	s.addVersioned(m, v, mv)
	return m
}

// addVersioned adds the attributes later microversions brought.
func (s *Room) addVersioned(m map[string]any, v *volume, mv int) {
	if mv >= 13 {
		m["group_id"] = nil
	}
	if mv >= 21 {
		m["provider_id"] = nil
	}
	if mv >= 47 {
		m["backup_id"] = null(v.BackupID)
	}
	if mv >= 48 {
		m["service_uuid"] = s.serviceUUID
		m["shared_targets"] = false
	}
	if mv >= 61 {
		m["cluster_name"] = nil
	}
	if mv >= 63 {
		m["volume_type_id"] = v.TypeID
	}
	if mv >= 64 {
		m["encryption_key_id"] = null(v.EncryptionKeyID)
	}
	if mv >= 65 {
		m["consumes_quota"] = true
	}
}

// snapshotView is a snapshot; detail adds the extended attributes.
func (s *Room) snapshotView(sn *snapshot, mv int, detail bool) map[string]any {
	m := map[string]any{
		"id": sn.ID, "name": sn.Name, "description": sn.Description, "volume_id": sn.VolumeID,
		"status": sn.Status, "size": sn.SizeGB, "metadata": meta(sn.Metadata),
		"created_at": timeOf(sn.CreatedAt), "updated_at": timeOf(sn.UpdatedAt),
	}
	if detail {
		progress := "0%"
		if sn.Status == volAvailable {
			progress = "100%"
		}
		m["os-extended-snapshot-attributes:progress"] = progress
		m["os-extended-snapshot-attributes:project_id"] = sn.ProjectID
	}
	if mv >= 14 {
		m["group_snapshot_id"] = nil
	}
	if mv >= 41 {
		m["user_id"] = sn.UserID
	}
	if mv >= 65 {
		m["consumes_quota"] = true
	}
	return m
}

// backupSummary is a backup in GET /backups.
func (s *Room) backupSummary(b *backup) map[string]any {
	return map[string]any{"id": b.ID, "name": b.Name, "links": s.links(b.ProjectID, "backups", b.ID)}
}

func (s *Room) backupView(b *backup, mv int) map[string]any {
	container := any(nil)
	if b.Status != volCreating {
		container = "backups"
	}
	m := map[string]any{
		"id": b.ID, "name": b.Name, "description": b.Description, "volume_id": b.VolumeID,
		"snapshot_id": null(b.SnapshotID), "status": b.Status, "size": b.SizeGB,
		"object_count": 0, "container": container, "availability_zone": nil, "fail_reason": nil,
		"is_incremental": b.Incremental, "has_dependent_backups": s.hasDependentsLocked(b.ID),
		"created_at": timeOf(b.CreatedAt), "updated_at": timeOf(b.UpdatedAt),
		"data_timestamp": timeOf(b.DataTimestamp), "links": s.links(b.ProjectID, "backups", b.ID),
	}
	if mv >= 43 {
		m["metadata"] = meta(b.Metadata)
	}
	if mv >= 56 {
		m["user_id"] = b.UserID
	}
	if mv >= 64 {
		m["encryption_key_id"] = nil
	}
	return m
}

func (s *Room) hasDependentsLocked(id string) bool {
	for _, b := range s.backups {
		if b.ParentID == id {
			return true
		}
	}
	return false
}

// typeView is a volume type as a project member sees it: only the
// user-visible extra specs.
func typeView(t *Type) map[string]any {
	return map[string]any{
		"id": t.ID, "name": t.Name, "description": t.Description, "is_public": true,
		"os-volume-type-access:is_public": true, "qos_specs_id": nil, "extra_specs": visibleSpecs(t),
	}
}

// volumeUserVisibleSpecs are the extra specs Cinder shows to non-admins.
var volumeUserVisibleSpecs = []string{"multiattach", "RESKEY:availability_zones", "replication_enabled"}

func visibleSpecs(t *Type) map[string]string {
	out := map[string]string{}
	for _, k := range volumeUserVisibleSpecs {
		if v, ok := t.ExtraSpecs[k]; ok {
			out[k] = v
		}
	}
	return out
}
