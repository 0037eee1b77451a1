package blob

import (
	"errors"
	"os"
	"syscall"
)

// lseek whence values for sparse files on Linux.
const (
	sparseSeekData = 3
	sparseSeekHole = 4
)

// sparseNextExtent finds the first data extent of f at or after off; ok is
// false when there is no more data.
func sparseNextExtent(f *os.File, off int64) (start, end int64, ok bool, err error) {
	start, err = f.Seek(off, sparseSeekData)
	if errors.Is(err, syscall.ENXIO) {
		return 0, 0, false, nil
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.EOPNOTSUPP) {
		return sparseWholeExtent(f, off)
	}
	if err != nil {
		return 0, 0, false, err
	}
	end, err = f.Seek(start, sparseSeekHole)
	if err != nil {
		return 0, 0, false, err
	}
	return start, end, true, nil
}

func sparseWholeExtent(f *os.File, off int64) (int64, int64, bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, 0, false, err
	}
	if off >= fi.Size() {
		return 0, 0, false, nil
	}
	return off, fi.Size(), true, nil
}
