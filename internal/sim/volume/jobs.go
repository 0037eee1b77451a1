package volume

import (
	"fmt"
	"os"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// volumeJob runs work without the lock after the cloud's asynchronous
// delay (so that clients see the transitional status), then done under
// the lock with work's result. Byte copies run this way.
func (s *Room) volumeJob(work func() error, done func(err error)) {
	s.c.Background(func() {
		time.Sleep(s.c.Delay())
		if s.c.Closed() {
			return
		}
		err := work()
		s.c.Lock()
		defer s.c.Unlock()
		done(err)
	})
}

// fillVolume writes a new volume's bytes from its source and makes it
// available (or error). A volume made from an image is "downloading"
// while its bytes are written.
func (s *Room) fillVolume(v *volume, src source) {
	size := int64(v.SizeGB) * volumeGiB
	path := v.Path
	if src.image != nil {
		s.c.Later(0.5, func() {
			if v.Status == volCreating {
				v.Status = volDownloading
				v.touch(s.c.Now())
			}
		})
	}
	s.volumeJob(func() error {
		if src.image != nil {
			if _, ok := src.image.Properties[signatureVerified]; ok {
				return errGlanceMetadataExists
			}
		}
		return writeVolumeData(path, src, size)
	}, func(err error) {
		if s.volumes[v.ID] != v {
			os.Remove(path) // deleted meanwhile
			return
		}
		if err != nil {
			v.Status = volError
		} else {
			v.Status = volAvailable
			v.Bootable = v.Bootable || src.image != nil
		}
		v.touch(s.c.Now())
	})
}

// writeVolumeData makes path a sparse file of size bytes holding the
// source's bytes: an image converted from qcow2 to raw, or a copy of a
// raw image, snapshot, volume or backup.
func writeVolumeData(path string, src source, size int64) error {
	switch {
	case src.path == "":
		return blob.Create(path, size)
	case src.qcow2:
		return qcow2ToVolume(path, src.path, size)
	}
	if src.n > size {
		return fmt.Errorf("source of %d bytes does not fit in %d", src.n, size)
	}
	return blob.CopyPrefix(path, src.path, src.n, size)
}

// qcow2ToVolume converts a qcow2 image to a raw volume of size bytes.
func qcow2ToVolume(path, image string, size int64) error {
	return blob.Transform(path, image, func(out, in *os.File) error {
		vs, err := qcow2.ToRaw(out, in)
		if err != nil {
			return err
		}
		if vs > size {
			return fmt.Errorf("image virtual size %d exceeds the volume's %d bytes", vs, size)
		}
		return out.Truncate(size)
	})
}
