package blob

import (
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// BenchmarkHasher measures the digests of a raw upload as Glance takes
// it: 64 KiB writes (copySparse's block) of incompressible data, hashed
// one digest after the other ("serial", as before) and both at once.
func BenchmarkHasher(b *testing.B) {
	buf := make([]byte, SparseBlock)
	rng := rand.NewChaCha8([32]byte{1})
	rng.Read(buf)
	const total = 64 << 20
	for _, bc := range []struct {
		name   string
		serial bool
	}{{"serial", true}, {"parallel", false}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(total)
			b.ReportAllocs()
			for b.Loop() {
				h := NewHasher()
				h.serial = bc.serial
				for range total / SparseBlock {
					h.Write(buf)
				}
				h.Digests()
			}
		})
	}
}

func TestHasherDigests(t *testing.T) {
	rng := rand.NewChaCha8([32]byte{2})
	data := make([]byte, 3<<20+123)
	rng.Read(data)
	md, sha := md5.Sum(data), sha512.Sum512(data)
	want := Digests{Size: int64(len(data)), MD5: hex.EncodeToString(md[:]), SHA512: hex.EncodeToString(sha[:])}
	// Writes of every size: tiny, straddling and filling the hand-off
	// blocks, larger than two of them.
	for _, chunk := range []int{1, 7, 4096, SparseBlock, HasherBlock, HasherBlock + 1, 1 << 20, len(data)} {
		h := NewHasher()
		for off := 0; off < len(data); off += chunk {
			end := min(off+chunk, len(data))
			if n, err := h.Write(data[off:end]); n != end-off || err != nil {
				t.Fatalf("chunk %d: Write = %d, %v", chunk, n, err)
			}
		}
		if got := h.Digests(); got != want {
			t.Errorf("chunk %d: got %+v, want %+v", chunk, got, want)
		}
	}
	if got := NewHasher().Digests(); got.Size != 0 || got.MD5 != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("empty: %+v", got)
	}
}
