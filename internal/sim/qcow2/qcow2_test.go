package qcow2

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
)

// qcPiece is data written at an offset of a test raw image.
type qcPiece struct {
	off int64
	n   int
}

// qcMakeRaw writes a sparse raw image of size bytes holding random bytes
// at the given pieces.
func qcMakeRaw(t testing.TB, path string, size int64, pieces []qcPiece) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rng := rand.New(rand.NewPCG(uint64(size), 7))
	for _, p := range pieces {
		b := make([]byte, p.n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		if _, err := f.WriteAt(b, p.off); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func qcToQcow2(t testing.TB, raw, out string) int64 {
	t.Helper()
	in, err := os.Open(raw)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, _ := in.Stat()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := Write(f, in, fi.Size())
	if err != nil {
		t.Fatalf("write qcow2: %v", err)
	}
	return n
}

func qcToRaw(t testing.TB, qcow, out string) int64 {
	t.Helper()
	in, err := os.Open(qcow)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := ToRaw(f, in)
	if err != nil {
		t.Fatalf("read qcow2: %v", err)
	}
	return n
}

// qcSameFiles compares two sparse files by content: the sizes, and the
// bytes of every data extent of either file against the other.
func qcSameFiles(t testing.TB, a, b string) {
	t.Helper()
	fa, err := os.Open(a)
	if err != nil {
		t.Fatal(err)
	}
	defer fa.Close()
	fb, err := os.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer fb.Close()
	sa, _ := fa.Stat()
	sb, _ := fb.Stat()
	if sa.Size() != sb.Size() {
		t.Fatalf("%s is %d bytes, %s is %d", a, sa.Size(), b, sb.Size())
	}
	ba, bb := make([]byte, 1<<20), make([]byte, 1<<20)
	compare := func(start, end int64) error {
		for off := start; off < end; {
			n := int(min(int64(len(ba)), end-off))
			fa.ReadAt(ba[:n], off)
			fb.ReadAt(bb[:n], off)
			if !bytes.Equal(ba[:n], bb[:n]) {
				t.Fatalf("%s and %s differ in the %d bytes at %d", a, b, n, off)
			}
			off += int64(n)
		}
		return nil
	}
	blob.Extents(fa, sa.Size(), compare)
	blob.Extents(fb, sb.Size(), compare)
}

var qcow2Cases = []struct {
	name   string
	size   int64
	pieces []qcPiece
}{
	{"empty", 1 << 20, nil},
	{"first-partial", 3 << 20, []qcPiece{{100, 5000}}},
	{"straddling", 5<<20 + 512, []qcPiece{{qcow2ClusterSize - 10, 30}, {2<<20 + 7, 200000}, {5<<20 + 500, 12}}},
	{"second-l2", 1 << 30, []qcPiece{{0, 1 << 20}, {600 << 20, 70000}, {1<<30 - 4096, 4096}}},
	{"unaligned-size", 1000001, []qcPiece{{999000, 1001}}},
}

func TestQcow2RoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, c := range qcow2Cases {
		t.Run(c.name, func(t *testing.T) {
			raw := filepath.Join(dir, c.name+".raw")
			qcMakeRaw(t, raw, c.size, c.pieces)
			q := filepath.Join(dir, c.name+".qcow2")
			n := qcToQcow2(t, raw, q)
			fi, _ := os.Stat(q)
			if fi.Size() != n || n%qcow2ClusterSize != 0 {
				t.Fatalf("qcow2 file is %d bytes, writer reported %d", fi.Size(), n)
			}
			data := int64(0)
			for _, p := range c.pieces {
				data += int64(p.n)
			}
			if limit := data + int64(len(c.pieces)+8)*qcow2ClusterSize; n > limit {
				t.Errorf("qcow2 of %d data bytes is %d bytes, want at most %d", data, n, limit)
			}
			f, _ := os.Open(q)
			vs, ok := VirtualSize(f)
			f.Close()
			if !ok || vs != c.size {
				t.Errorf("virtual size %d (%v), want %d", vs, ok, c.size)
			}
			back := filepath.Join(dir, c.name+".back")
			if got := qcToRaw(t, q, back); got != c.size {
				t.Fatalf("raw size %d, want %d", got, c.size)
			}
			qcSameFiles(t, raw, back)
		})
	}
}

func TestQcow2RejectsNonQcow2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x")
	os.WriteFile(path, bytes.Repeat([]byte("raw!"), 1000), 0o600)
	f, _ := os.Open(path)
	defer f.Close()
	if _, ok := VirtualSize(f); ok {
		t.Fatal("raw data taken for qcow2")
	}
	out, _ := os.Create(path + ".out")
	defer out.Close()
	if _, err := ToRaw(out, f); err != errNotQcow2 {
		t.Fatalf("got %v, want errNotQcow2", err)
	}
}

// TestQcow2WithQemuImg checks the writer and the reader against qemu-img
// (CI installs qemu-utils and fails without it; elsewhere the test is
// skipped when qemu-img is absent).
func TestQcow2WithQemuImg(t *testing.T) {
	qemuImg, err := exec.LookPath("qemu-img")
	if err != nil && os.Getenv("CI") != "" {
		t.Fatal("qemu-img is not installed; CI must install qemu-utils (hack/install-deps.sh)")
	}
	if err != nil {
		t.Skip("qemu-img is not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		out, err := exec.Command(qemuImg, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("qemu-img %v: %v\n%s", args, err, out)
		}
		return out
	}
	for _, c := range qcow2Cases {
		if c.size%512 != 0 {
			continue // qemu counts whole sectors
		}
		t.Run(c.name, func(t *testing.T) {
			raw := filepath.Join(dir, c.name+".raw")
			qcMakeRaw(t, raw, c.size, c.pieces)
			ours := filepath.Join(dir, c.name+".qcow2")
			qcToQcow2(t, raw, ours)
			run("check", "-f", "qcow2", ours)
			var info struct {
				VirtualSize int64  `json:"virtual-size"`
				Format      string `json:"format"`
			}
			if err := json.Unmarshal(run("info", "--output=json", ours), &info); err != nil {
				t.Fatal(err)
			}
			if info.Format != "qcow2" || info.VirtualSize != c.size {
				t.Errorf("qemu-img info: %+v", info)
			}
			converted := filepath.Join(dir, c.name+".qemu.raw")
			run("convert", "-f", "qcow2", "-O", "raw", ours, converted)
			qcSameFiles(t, raw, converted)
			theirs := filepath.Join(dir, c.name+".qemu.qcow2")
			run("convert", "-f", "raw", "-O", "qcow2", raw, theirs)
			back := filepath.Join(dir, c.name+".back")
			qcToRaw(t, theirs, back)
			qcSameFiles(t, raw, back)
		})
	}
}
