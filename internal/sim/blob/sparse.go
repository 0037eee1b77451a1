package blob

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// Extents calls fn for every range [start, end) of f below size
// that may hold data, skipping the holes of a sparse file. Where the
// file system cannot tell holes from data, the whole range is one
// extent.
func Extents(f *os.File, size int64, fn func(start, end int64) error) error {
	off := int64(0)
	for off < size {
		start, end, ok, err := sparseNextExtent(f, off)
		if err != nil {
			return fmt.Errorf("find data in %s: %w", f.Name(), err)
		}
		if !ok || start >= size {
			return nil
		}
		end = min(end, size)
		if err := fn(start, end); err != nil {
			return err
		}
		off = end
	}
	return nil
}

// CopyPrefix copies the first n bytes of src into a new file dst of
// exactly size bytes (size >= n), reading only the data extents of src
// and leaving holes wherever src has holes or whole zero blocks. Volume
// clones, snapshots and backups are made this way, so that a mostly
// empty 10 GiB volume costs no more than the bytes it holds.
func CopyPrefix(dst, src string, n, size int64) error {
	return Transform(dst, src, func(out, in *os.File) error {
		buf := make([]byte, SparseBlock)
		err := Extents(in, n, func(start, end int64) error {
			return sparseCopyRange(out, in, start, end, buf)
		})
		if err != nil {
			return err
		}
		return out.Truncate(size)
	})
}

// Transform writes a new file dst made by fn from the file src; when fn
// fails, dst is removed.
func Transform(dst, src string, fn func(out, in *os.File) error) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(dst)
		}
	}()
	return fn(out, in)
}

// sparseCopyRange copies bytes [start, end) of src to the same offsets of dst,
// skipping blocks that are all zero.
func sparseCopyRange(dst, src *os.File, start, end int64, buf []byte) error {
	for off := start; off < end; {
		n := int(min(int64(len(buf)), end-off))
		if _, err := src.ReadAt(buf[:n], off); err != nil {
			return err
		}
		if !IsZero(buf[:n]) {
			if _, err := dst.WriteAt(buf[:n], off); err != nil {
				return err
			}
		}
		off += int64(n)
	}
	return nil
}

// IsZero reports whether b holds only zero bytes.
func IsZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroBlock))
		if !bytes.Equal(b[:n], zeroBlock[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// Create creates (or replaces) a file of size bytes that holds
// no data: a new, empty volume.
func Create(path string, size int64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	err = f.Truncate(size)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Resize grows (or shrinks) a volume file to size bytes.
func Resize(path string, size int64) error { return os.Truncate(path, size) }
