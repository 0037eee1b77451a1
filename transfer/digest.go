package transfer

import (
	"crypto/md5"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// digests are what is known of a stream of bytes: its size and the
// checksums Glance keeps (checksum is MD5, os_hash_value is SHA-512 when
// os_hash_algo says so, which is the default since Rocky).
type digests struct {
	Size   int64
	MD5    string
	SHA512 string
}

// hasher computes both digests of everything written to it.
type hasher struct {
	md5, sha hash.Hash
	n        int64
}

func newHasher() *hasher { return &hasher{md5: md5.New(), sha: sha512.New()} }

func (h *hasher) Write(p []byte) (int, error) {
	h.md5.Write(p)
	h.sha.Write(p)
	h.n += int64(len(p))
	return len(p), nil
}

func (h *hasher) digests() digests {
	return digests{Size: h.n, MD5: hex.EncodeToString(h.md5.Sum(nil)), SHA512: hex.EncodeToString(h.sha.Sum(nil))}
}

// mismatch compares what passed (got) with what a party claims (want)
// and describes every difference. Claims that are unknown ("" or a
// negative size) are not compared.
func mismatch(party string, got, want digests) error {
	var diffs []string
	if want.Size >= 0 && got.Size != want.Size {
		diffs = append(diffs, fmt.Sprintf("size %d, %s says %d", got.Size, party, want.Size))
	}
	if want.MD5 != "" && !strings.EqualFold(got.MD5, want.MD5) {
		diffs = append(diffs, fmt.Sprintf("md5 %s, %s says %s", got.MD5, party, want.MD5))
	}
	if want.SHA512 != "" && !strings.EqualFold(got.SHA512, want.SHA512) {
		diffs = append(diffs, fmt.Sprintf("sha512 %.16s…, %s says %.16s…", got.SHA512, party, want.SHA512))
	}
	if len(diffs) == 0 {
		return nil
	}
	return cloud.Transient(fmt.Errorf("%w: streamed %s", ErrChecksumMismatch, strings.Join(diffs, "; ")))
}
