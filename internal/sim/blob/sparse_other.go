//go:build !linux

package blob

import "os"

// sparseNextExtent treats the rest of the file as data where the simulator
// does not ask the file system for holes.
func sparseNextExtent(f *os.File, off int64) (start, end int64, ok bool, err error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, false, err
	}
	if off >= fi.Size() {
		return 0, 0, false, nil
	}
	return off, fi.Size(), true, nil
}
