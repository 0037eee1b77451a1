// Package qcow2 writes and reads the qcow2 v3 image format, as far as
// the simulated Glance and Cinder need it: sparse images without
// compression, encryption, backing files or snapshots.
package qcow2

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
)

// The qcow2 v3 format as the simulator writes it: 64 KiB clusters, 16-bit
// refcounts, no compression, no encryption, no backing file, no
// snapshots. Clusters that hold only zeros are not allocated at all, so
// a mostly empty volume becomes a small image, as `qemu-img convert -O
// qcow2` makes it.
const (
	qcow2Magic         = 0x514649fb // "QFI\xfb"
	qcow2ClusterBits   = 16
	qcow2ClusterSize   = 1 << qcow2ClusterBits
	qcow2HeaderLength  = 104 // version 3 header without optional fields
	qcow2RefcountOrder = 4   // refcounts are 1<<4 = 16 bits wide
	qcow2L2Entries     = qcow2ClusterSize / 8
	qcow2RefsPerBlock  = qcow2ClusterSize * 8 / (1 << qcow2RefcountOrder)

	// qcow2Copied marks an L1 or L2 entry whose cluster has refcount 1.
	qcow2Copied = uint64(1) << 63
	// qcow2CompressedFlag marks a compressed cluster in an L2 entry.
	qcow2CompressedFlag = uint64(1) << 62
	// qcow2ZeroFlag marks an L2 entry that reads as zeros (version 3).
	qcow2ZeroFlag = uint64(1)
	// qcow2OffsetMask selects the host offset of an L1 or L2 entry.
	qcow2OffsetMask = uint64(0x00fffffffffffe00)
)

// qcow2Layout is where everything of one qcow2 file goes. The file is
// laid out as header, L1 table, refcount table, refcount blocks, the L2
// tables in guest order and then the data clusters in guest order, so
// it can be written front to back in one pass.
type qcow2Layout struct {
	virtualSize int64
	// data has one bit per guest cluster that holds non-zero bytes.
	data    clusterSet
	nData   int64
	l1Size  int64
	l2Index []int64 // the L1 indices that get an L2 table, ascending

	l1Clusters, refTableClusters, refBlocks int64
	totalClusters                           int64
}

// planQcow2 scans the raw image in src (virtual size bytes) for
// non-zero clusters and computes the layout of its qcow2 file.
func planQcow2(src *os.File, size int64) (*qcow2Layout, error) {
	nClusters := CeilDiv(size, qcow2ClusterSize)
	l := &qcow2Layout{virtualSize: size, data: newClusterSet(nClusters)}
	buf := make([]byte, qcow2ClusterSize)
	last := int64(-1) // the last guest cluster already looked at
	err := blob.Extents(src, size, func(start, end int64) error {
		for g := max(start/qcow2ClusterSize, last+1); g*qcow2ClusterSize < end; g++ {
			last = g
			n := min(int64(qcow2ClusterSize), size-g*qcow2ClusterSize)
			if _, err := src.ReadAt(buf[:n], g*qcow2ClusterSize); err != nil && err != io.EOF {
				return err
			}
			if !blob.IsZero(buf[:n]) {
				l.data.set(g)
				l.nData++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.finish(nClusters)
	return l, nil
}

// finish sizes the tables once the data clusters are known.
func (l *qcow2Layout) finish(nClusters int64) {
	l.l1Size = max(1, CeilDiv(nClusters, qcow2L2Entries))
	for i := int64(0); i < l.l1Size; i++ {
		if l.data.any(i*qcow2L2Entries, min((i+1)*qcow2L2Entries, nClusters)) {
			l.l2Index = append(l.l2Index, i)
		}
	}
	l.l1Clusters = CeilDiv(l.l1Size*8, qcow2ClusterSize)
	fixed := 1 + l.l1Clusters + int64(len(l.l2Index)) + l.nData
	// The refcount structures count themselves: iterate to a fixed point.
	var blocks, table int64
	for {
		total := fixed + blocks + table
		b := CeilDiv(total, qcow2RefsPerBlock)
		t := CeilDiv(b*8, qcow2ClusterSize)
		if b == blocks && t == table {
			break
		}
		blocks, table = b, t
	}
	l.refBlocks, l.refTableClusters = blocks, table
	l.totalClusters = fixed + blocks + table
}

func (l *qcow2Layout) l1Offset() int64       { return qcow2ClusterSize }
func (l *qcow2Layout) refTableOffset() int64 { return l.l1Offset() + l.l1Clusters*qcow2ClusterSize }
func (l *qcow2Layout) refBlockOffset() int64 {
	return l.refTableOffset() + l.refTableClusters*qcow2ClusterSize
}
func (l *qcow2Layout) l2Offset(j int) int64 {
	return l.refBlockOffset() + (l.refBlocks+int64(j))*qcow2ClusterSize
}
func (l *qcow2Layout) dataOffset(k int64) int64 {
	return l.l2Offset(len(l.l2Index)) + k*qcow2ClusterSize
}

// FileSize is the size of the qcow2 file.
func (l *qcow2Layout) FileSize() int64 { return l.totalClusters * qcow2ClusterSize }

// Write streams the raw image in src (size bytes; holes and zero
// clusters are left out) to w as a qcow2 v3 image and returns the number
// of bytes written.
func Write(w io.Writer, src *os.File, size int64) (int64, error) {
	l, err := planQcow2(src, size)
	if err != nil {
		return 0, fmt.Errorf("plan qcow2 image: %w", err)
	}
	cw := &clusterWriter{w: w, buf: make([]byte, qcow2ClusterSize)}
	l.writeHeader(cw)
	l.writeL1(cw)
	l.writeRefcounts(cw)
	l.writeL2(cw)
	if cw.err == nil {
		l.writeData(cw, src)
	}
	return cw.n, cw.err
}

func (l *qcow2Layout) writeHeader(cw *clusterWriter) {
	b := cw.next()
	be := binary.BigEndian
	be.PutUint32(b[0:], qcow2Magic)
	be.PutUint32(b[4:], 3)
	be.PutUint32(b[20:], qcow2ClusterBits)
	be.PutUint64(b[24:], uint64(l.virtualSize))
	be.PutUint32(b[36:], uint32(l.l1Size))
	be.PutUint64(b[40:], uint64(l.l1Offset()))
	be.PutUint64(b[48:], uint64(l.refTableOffset()))
	be.PutUint32(b[56:], uint32(l.refTableClusters))
	be.PutUint32(b[96:], qcow2RefcountOrder)
	be.PutUint32(b[100:], qcow2HeaderLength)
	// The header extension area that follows holds only the end marker
	// (type 0, length 0): the zeros already there.
	cw.flush()
}

func (l *qcow2Layout) writeL1(cw *clusterWriter) {
	entries := make(map[int64]uint64, len(l.l2Index))
	for j, i := range l.l2Index {
		entries[i] = uint64(l.l2Offset(j)) | qcow2Copied
	}
	l.writeTable(cw, l.l1Clusters, l.l1Size, func(i int64) uint64 { return entries[i] })
}

func (l *qcow2Layout) writeRefcounts(cw *clusterWriter) {
	l.writeTable(cw, l.refTableClusters, l.refBlocks, func(k int64) uint64 {
		return uint64(l.refBlockOffset() + k*qcow2ClusterSize)
	})
	for k := int64(0); k < l.refBlocks; k++ {
		b := cw.next()
		for i := int64(0); i < qcow2RefsPerBlock; i++ {
			if k*qcow2RefsPerBlock+i < l.totalClusters {
				binary.BigEndian.PutUint16(b[2*i:], 1)
			}
		}
		cw.flush()
	}
}

func (l *qcow2Layout) writeL2(cw *clusterWriter) {
	k := int64(0) // index of the next data cluster
	for _, i := range l.l2Index {
		b := cw.next()
		for e := int64(0); e < qcow2L2Entries; e++ {
			if g := i*qcow2L2Entries + e; l.data.get(g) {
				binary.BigEndian.PutUint64(b[8*e:], uint64(l.dataOffset(k))|qcow2Copied)
				k++
			}
		}
		cw.flush()
	}
}

// writeTable writes a table of n big-endian 64-bit entries that fills
// clusters clusters.
func (l *qcow2Layout) writeTable(cw *clusterWriter, clusters, n int64, entry func(int64) uint64) {
	for c := int64(0); c < clusters; c++ {
		b := cw.next()
		for e := int64(0); e < qcow2L2Entries && c*qcow2L2Entries+e < n; e++ {
			binary.BigEndian.PutUint64(b[8*e:], entry(c*qcow2L2Entries+e))
		}
		cw.flush()
	}
}

func (l *qcow2Layout) writeData(cw *clusterWriter, src *os.File) {
	for g := range l.data.ones() {
		b := cw.next()
		off := g * qcow2ClusterSize
		n := min(int64(qcow2ClusterSize), l.virtualSize-off)
		if _, err := src.ReadAt(b[:n], off); err != nil && err != io.EOF {
			cw.err = fmt.Errorf("read raw image at %d: %w", off, err)
			return
		}
		cw.flush()
	}
}

// clusterWriter writes whole clusters from one reused buffer and keeps
// the first error.
type clusterWriter struct {
	w   io.Writer
	buf []byte
	n   int64
	err error
}

// next returns the zeroed buffer for the next cluster.
func (cw *clusterWriter) next() []byte {
	clear(cw.buf)
	return cw.buf
}

func (cw *clusterWriter) flush() {
	if cw.err != nil {
		return
	}
	n, err := cw.w.Write(cw.buf)
	cw.n += int64(n)
	cw.err = err
}

func CeilDiv(a, b int64) int64 { return (a + b - 1) / b }

// WriteFile writes the qcow2 image of the raw image in src (size
// bytes) to a new file dst and returns the digests of the file's bytes,
// as Glance computes them on upload.
func WriteFile(dst string, src *os.File, size int64) (d blob.Digests, err error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return d, err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return d, err
	}
	h := blob.NewHasher()
	_, err = Write(io.MultiWriter(out, h), src, size)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return d, err
	}
	return h.Digests(), nil
}
