package compute

import (
	"fmt"
	"os"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
)

// volumeWait bounds how long a build waits for its volumes (Nova's
// block_device_allocate_retries is 60 with 3 s between tries); it is
// wall-clock time because volume data is copied at disk speed, whatever
// the cloud's asynchronous delay.
const volumeWait = 3 * time.Minute

// building returns the server if its build is still wanted.
func (s *Room) building(id string) *server {
	srv := s.servers[id]
	if srv == nil || srv.VMState != "building" || srv.TaskState == "deleting" {
		return nil
	}
	return srv
}

// buildLocked schedules the server onto a host of its zone and creates
// the volumes its block device mappings ask Nova to make.
func (s *Room) buildLocked(id string) {
	srv := s.building(id)
	if srv == nil {
		return
	}
	srv.Host = "compute-" + srv.AZ
	srv.TaskState = "block_device_mapping"
	srv.touch(s.c.Now())
	for _, bv := range srv.Volumes {
		if bv.VolumeID != "" {
			continue
		}
		vid, err := s.createMappedVolumeLocked(srv, bv)
		if err != nil {
			s.failBuildLocked(srv, fmt.Sprintf("Build of instance %s aborted: %v", srv.ID, err))
			return
		}
		bv.VolumeID = vid
	}
	s.waitVolumesLocked(id, time.Now()) // wall clock: a deadline for the volumes, not content
}

// createMappedVolumeLocked asks Cinder for the volume a mapping wants
// Nova to make: from a snapshot, from an image, or blank.
func (s *Room) createMappedVolumeLocked(srv *server, bv *serverVolume) (string, error) {
	if bv.SnapshotID != "" {
		return s.volumes.CreateFromSnapshotLocked(srv.ProjectID, "", bv.VolumeSize, bv.SnapshotID, "", bv.VolumeType)
	}
	return s.volumes.CreateFromImageLocked(srv.ProjectID, "", bv.VolumeSize, bv.ImageID, "", bv.VolumeType)
}

// waitVolumesLocked polls until every volume is available, then attaches
// them and spawns the server.
func (s *Room) waitVolumesLocked(id string, since time.Time) {
	srv := s.building(id)
	if srv == nil {
		return
	}
	for _, bv := range srv.Volumes {
		vi, ok := s.volumes.InfoLocked(srv.ProjectID, bv.VolumeID)
		waited := time.Since(since)
		if !ok || vi.Status == "error" || waited > volumeWait && vi.Status != "available" {
			s.failBuildLocked(srv, fmt.Sprintf("Build of instance %s aborted: Volume %s did not finish being created even after we waited %d seconds. And its status is %s.",
				srv.ID, bv.VolumeID, int(waited.Seconds()), vi.Status))
			return
		}
		if vi.Status != "available" {
			s.c.Later(1, func() { s.waitVolumesLocked(id, since) })
			return
		}
	}
	for _, bv := range srv.Volumes {
		if err := s.volumes.AttachLocked(bv.VolumeID, srv.ID, bv.Device); err != nil {
			s.failBuildLocked(srv, fmt.Sprintf("Build of instance %s aborted: %v", srv.ID, err))
			return
		}
		bv.Attached = true
	}
	srv.TaskState = "spawning"
	srv.touch(s.c.Now())
	if srv.ImageID != "" {
		s.copyRootDiskLocked(srv)
		return
	}
	s.c.Later(1, func() { s.finishBuildLocked(id) })
}

// copyRootDiskLocked gives an image-backed server its root disk: a
// sparse copy of the image bytes, made in the background.
func (s *Room) copyRootDiskLocked(srv *server) {
	img, ok := s.images.InfoLocked(srv.ProjectID, srv.ImageID)
	if !ok || img.Path == "" {
		s.failBuildLocked(srv, fmt.Sprintf("Build of instance %s aborted: Image %s could not be found.", srv.ID, srv.ImageID))
		return
	}
	src, err := os.Open(img.Path)
	if err != nil {
		s.failBuildLocked(srv, fmt.Sprintf("Build of instance %s aborted: %v", srv.ID, err))
		return
	}
	id, dst := srv.ID, s.c.BlobPath("disks", srv.ID)
	srv.DiskPath = dst
	s.c.Background(func() {
		_, err := blob.WriteFile(dst, src, -1)
		src.Close()
		s.c.Lock()
		defer s.c.Unlock()
		s.diskCopiedLocked(id, dst, err)
	})
}

func (s *Room) diskCopiedLocked(id, path string, err error) {
	srv := s.building(id)
	if srv == nil {
		os.Remove(path) // deleted while its disk was being written
		return
	}
	if err != nil {
		s.failBuildLocked(srv, fmt.Sprintf("Build of instance %s aborted: %v", srv.ID, err))
		return
	}
	srv.diskReady = true
	s.c.Later(1, func() { s.finishBuildLocked(id) })
}

func (s *Room) finishBuildLocked(id string) {
	srv := s.building(id)
	if srv == nil {
		return
	}
	srv.VMState, srv.TaskState, srv.PowerState = "active", "", powerRunning
	srv.Launched = s.c.Now()
	srv.touch(s.c.Now())
}

// failBuildLocked puts the server into ERROR with a fault, as Nova does
// when a build is aborted.
func (s *Room) failBuildLocked(srv *server, msg string) {
	srv.VMState, srv.TaskState, srv.PowerState = "error", "", powerNoState
	srv.Fault = &serverFault{Code: 500, Message: msg, Created: s.c.Now()}
	srv.touch(s.c.Now())
}
