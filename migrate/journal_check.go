package migrate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's meta page layout (go.etcd.io/bbolt internal/common): a 16-byte
// page header, then magic, version, page size, flags, root bucket,
// freelist page, high-water page, transaction ID and an FNV-64a checksum
// of the fields before it. Two meta pages start the file.
const (
	boltMagic       = 0xED0CDAED
	boltMetaOffset  = 16
	boltChecksumOff = boltMetaOffset + 56
)

// checkJournalFile makes sure a journal file is whole before bbolt maps
// it: a file cut short would fault when a page beyond its end is read.
// It reads the two meta pages and compares the size the newest valid
// one records with the file's size.
func checkJournalFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	m0, err0 := readMeta(f, 0)
	off := int64(4096)
	if err0 == nil {
		off = int64(m0.pageSize)
	}
	m1, err1 := readMeta(f, off)
	var newest *boltMeta
	for _, m := range []struct {
		meta boltMeta
		err  error
	}{{m0, err0}, {m1, err1}} {
		if m.err == nil && (newest == nil || m.meta.txid > newest.txid) {
			newest = &m.meta
		}
	}
	if newest == nil {
		return fmt.Errorf("not a journal (first meta page: %v; second: %v)", err0, err1)
	}
	if need := int64(newest.pgid) * int64(newest.pageSize); st.Size() < need {
		return fmt.Errorf("the file is truncated: %d bytes, its last commit needs %d", st.Size(), need)
	}
	return nil
}

type boltMeta struct {
	pageSize uint32
	pgid     uint64
	txid     uint64
}

func readMeta(f *os.File, off int64) (boltMeta, error) {
	var b [boltChecksumOff + 8]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		if errors.Is(err, io.EOF) {
			return boltMeta{}, errors.New("the file is truncated")
		}
		return boltMeta{}, err
	}
	le := binary.LittleEndian
	m := b[boltMetaOffset:]
	if le.Uint32(m[0:]) != boltMagic {
		return boltMeta{}, errors.New("bad magic number")
	}
	h := fnv.New64a()
	h.Write(b[boltMetaOffset:boltChecksumOff])
	if h.Sum64() != le.Uint64(b[boltChecksumOff:]) {
		return boltMeta{}, errors.New("bad meta checksum")
	}
	ps := le.Uint32(m[8:])
	if ps < 512 || ps > 1<<20 {
		return boltMeta{}, fmt.Errorf("bad page size %d", ps)
	}
	return boltMeta{pageSize: ps, pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:])}, nil
}
