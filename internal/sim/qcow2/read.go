package qcow2

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
)

// qcow2Header is the part of a qcow2 header the reader needs.
type qcow2Header struct {
	version        uint32
	clusterBits    uint32
	virtualSize    int64
	l1Size         int64
	l1Offset       int64
	incompatible   uint64
	hasBackingFile bool
	encrypted      bool
}

// errNotQcow2 means the data do not start with the qcow2 magic.
var errNotQcow2 = errors.New("not a qcow2 image")

// readQcow2Header parses the header at the start of r.
func readQcow2Header(r io.ReaderAt) (qcow2Header, error) {
	var b [104]byte
	n, err := r.ReadAt(b[:], 0)
	if n < 72 {
		if err == nil || err == io.EOF {
			err = errNotQcow2
		}
		return qcow2Header{}, err
	}
	be := binary.BigEndian
	if be.Uint32(b[0:]) != qcow2Magic {
		return qcow2Header{}, errNotQcow2
	}
	h := qcow2Header{
		version:        be.Uint32(b[4:]),
		hasBackingFile: be.Uint64(b[8:]) != 0,
		clusterBits:    be.Uint32(b[20:]),
		virtualSize:    int64(be.Uint64(b[24:])),
		encrypted:      be.Uint32(b[32:]) != 0,
		l1Size:         int64(be.Uint32(b[36:])),
		l1Offset:       int64(be.Uint64(b[40:])),
	}
	if h.version >= 3 {
		if n < 104 {
			return h, errors.New("qcow2 v3 header is truncated")
		}
		h.incompatible = be.Uint64(b[72:])
	}
	return h, h.check()
}

// check rejects what the reader does not implement.
func (h qcow2Header) check() error {
	switch {
	case h.version != 2 && h.version != 3:
		return fmt.Errorf("qcow2 version %d is not supported", h.version)
	case h.clusterBits < 9 || h.clusterBits > 21:
		return fmt.Errorf("qcow2 cluster_bits %d is out of range", h.clusterBits)
	case h.hasBackingFile:
		return errors.New("qcow2 images with a backing file are not supported")
	case h.encrypted:
		return errors.New("encrypted qcow2 images are not supported")
	case h.incompatible&^1 != 0: // bit 0 (dirty) is harmless for reading
		return fmt.Errorf("qcow2 incompatible features %#x are not supported", h.incompatible)
	case h.virtualSize < 0:
		return errors.New("qcow2 virtual size is negative")
	}
	entries := int64(1) << (h.clusterBits - 3)
	need := CeilDiv(h.virtualSize, entries<<h.clusterBits)
	if h.l1Size < need {
		return fmt.Errorf("qcow2 L1 table has %d entries, %d needed", h.l1Size, need)
	}
	return nil
}

// VirtualSize returns the virtual size from a qcow2 header, or
// false when r does not hold a qcow2 image.
func VirtualSize(r io.ReaderAt) (int64, bool) {
	h, err := readQcow2Header(r)
	if err != nil {
		return 0, false
	}
	return h.virtualSize, true
}

// ToRaw converts the qcow2 image in src to raw bytes written into
// dst at their guest offsets, leaving unallocated and zero clusters as
// holes, and truncates dst to the virtual size, which it returns.
func ToRaw(dst *os.File, src io.ReaderAt) (int64, error) {
	h, err := readQcow2Header(src)
	if err != nil {
		return 0, err
	}
	cluster := int64(1) << h.clusterBits
	l1, err := readTable(src, h.l1Offset, CeilDiv(h.virtualSize, cluster*(cluster/8)))
	if err != nil {
		return 0, fmt.Errorf("read qcow2 L1 table: %w", err)
	}
	buf := make([]byte, cluster)
	for i, e := range l1 {
		off := int64(e & qcow2OffsetMask)
		if off == 0 {
			continue
		}
		l2, err := readTable(src, off, cluster/8)
		if err != nil {
			return 0, fmt.Errorf("read qcow2 L2 table %d: %w", i, err)
		}
		base := int64(i) * (cluster / 8) * cluster
		if err := copyL2(dst, src, h, l2, base, buf); err != nil {
			return 0, err
		}
	}
	if err := dst.Truncate(h.virtualSize); err != nil {
		return 0, err
	}
	return h.virtualSize, nil
}

// copyL2 copies the clusters one L2 table maps; base is the guest offset
// of its first cluster.
func copyL2(dst *os.File, src io.ReaderAt, h qcow2Header, l2 []uint64, base int64, buf []byte) error {
	cluster := int64(len(buf))
	for k, e := range l2 {
		guest := base + int64(k)*cluster
		if guest >= h.virtualSize {
			return nil
		}
		if e&qcow2CompressedFlag != 0 {
			return errors.New("compressed qcow2 clusters are not supported")
		}
		host := int64(e & qcow2OffsetMask)
		if host == 0 || (h.version >= 3 && e&qcow2ZeroFlag != 0) {
			continue
		}
		n := min(cluster, h.virtualSize-guest)
		if _, err := src.ReadAt(buf[:n], host); err != nil {
			return fmt.Errorf("read qcow2 cluster at %d: %w", host, err)
		}
		if blob.IsZero(buf[:n]) {
			continue
		}
		if _, err := dst.WriteAt(buf[:n], guest); err != nil {
			return err
		}
	}
	return nil
}

// readTable reads n big-endian 64-bit entries at off.
func readTable(r io.ReaderAt, off, n int64) ([]uint64, error) {
	if n > 1<<25 {
		return nil, fmt.Errorf("table of %d entries is too large", n)
	}
	b := make([]byte, n*8)
	if _, err := r.ReadAt(b, off); err != nil {
		return nil, err
	}
	t := make([]uint64, n)
	for i := range t {
		t[i] = binary.BigEndian.Uint64(b[8*i:])
	}
	return t, nil
}
