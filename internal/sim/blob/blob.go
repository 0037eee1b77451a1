// Package blob stores the bytes of simulated images and volumes: sparse
// files, copied block by block with holes kept, and the digests Glance
// computes while data streams in.
package blob

import (
	"bytes"
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// Digests are the checksums Glance computes while data streams in.
type Digests struct {
	Size   int64
	MD5    string // hex, Glance's "checksum"
	SHA512 string // hex, Glance's "os_hash_value" with os_hash_algo sha512
}

// Hasher computes both digests of everything written to it. MD5 and
// SHA-512 each run at about the same speed on one core, so they run side
// by side: SHA-512 in the writer's goroutine, MD5 one block behind in a
// helper goroutine. Write copies the bytes into one of two fixed
// buffers; a full buffer goes to the helper while the writer fills the
// other one. Memory stays flat (two blocks per upload, whatever its
// size), the writer never waits for MD5 unless MD5 falls a whole block
// behind, and no goroutine outlives the block it hashes.
type Hasher struct {
	md5, sha hash.Hash
	n        int64
	// serial hashes MD5 in Write too (the benchmark's baseline).
	serial bool
	// fill is the block being filled; spare is the other one, which the
	// helper may be reading until busy is closed.
	fill, spare []byte
	busy        chan struct{}
}

// HasherBlock is the size of the blocks handed to the MD5 goroutine:
// large enough that starting a goroutine per block costs nothing, small
// enough that two per upload do not matter.
const HasherBlock = 256 << 10

func NewHasher() *Hasher { return &Hasher{md5: md5.New(), sha: sha512.New()} }

func (h *Hasher) Write(p []byte) (int, error) {
	h.n += int64(len(p))
	h.sha.Write(p)
	if h.serial {
		h.md5.Write(p)
		return len(p), nil
	}
	for rest := p; len(rest) > 0; {
		if h.fill == nil {
			h.fill = make([]byte, 0, HasherBlock)
		}
		k := copy(h.fill[len(h.fill):cap(h.fill)], rest)
		h.fill, rest = h.fill[:len(h.fill)+k], rest[k:]
		if len(h.fill) == cap(h.fill) {
			h.handOff()
		}
	}
	return len(p), nil
}

// handOff gives the full block to a new MD5 goroutine once the previous
// one is done, and makes the other block the one to fill.
func (h *Hasher) handOff() {
	h.waitMD5()
	full := h.fill
	h.fill, h.spare = h.spare[:0], full
	done := make(chan struct{})
	h.busy = done
	go func() {
		h.md5.Write(full)
		close(done)
	}()
}

func (h *Hasher) waitMD5() {
	if h.busy != nil {
		<-h.busy
		h.busy = nil
	}
}

func (h *Hasher) Digests() Digests {
	h.waitMD5()
	h.md5.Write(h.fill)
	h.fill = h.fill[:0]
	return Digests{Size: h.n, MD5: hex.EncodeToString(h.md5.Sum(nil)), SHA512: hex.EncodeToString(h.sha.Sum(nil))}
}

// CopyFile copies src to a new file dst, leaving holes where src
// has whole zero blocks, and returns the digests of all bytes of src
// (holes included). Volume and image data are stored this way so that a
// 10 GiB volume holding 1 GiB costs 1 GiB of disk.
func CopyFile(dst, src string) (Digests, error) {
	in, err := os.Open(src)
	if err != nil {
		return Digests{}, err
	}
	defer in.Close()
	return WriteFile(dst, in, -1)
}

// WriteFile writes r to a new file at path, seeking over whole
// zero blocks, and truncates it to size when size >= 0 (so a volume can
// be longer than the data written to it). It returns the digests of the
// bytes read from r.
func WriteFile(path string, r io.Reader, size int64) (Digests, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return Digests{}, err
	}
	out, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return Digests{}, err
	}
	h := NewHasher()
	n, err := copySparse(out, io.TeeReader(r, h))
	if err == nil && size >= 0 && size < n {
		err = fmt.Errorf("data is %d bytes, larger than %d", n, size)
	}
	if err == nil {
		end := max(n, size)
		err = out.Truncate(end)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return Digests{}, err
	}
	return h.Digests(), nil
}

const SparseBlock = 64 << 10

var zeroBlock = make([]byte, SparseBlock)

// copySparse copies r to f block by block, seeking over all-zero blocks.
// It returns the number of bytes read.
func copySparse(f *os.File, r io.Reader) (int64, error) {
	buf := make([]byte, SparseBlock)
	var off int64
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			if n == SparseBlock && bytes.Equal(buf, zeroBlock) {
				if _, serr := f.Seek(int64(n), io.SeekCurrent); serr != nil {
					return off, serr
				}
			} else if _, werr := f.Write(buf[:n]); werr != nil {
				return off, werr
			}
			off += int64(n)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return off, nil
		}
		if err != nil {
			return off, err
		}
	}
}
