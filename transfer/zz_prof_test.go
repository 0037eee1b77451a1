package transfer_test

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

func BenchmarkZZ(b *testing.B) {
	e := newEnv(b, sim.PairOptions{})
	e.copier.Transfers = 8
	var ids []string
	for i := range 8 {
		ids = append(ids, e.createImage(e.src, fmt.Sprintf("half-%d", i), content{size: 128 << 20, seed: uint64(200 + i)}, nil))
	}
	fn := e.copyWithCopier
	if os.Getenv("ZZ") == "raw" {
		fn = e.copyRawHashed
	}
	b.ResetTimer()
	for b.Loop() {
		d := e.timed(func() {
			var wg sync.WaitGroup
			for _, id := range ids {
				wg.Go(func() { fn(id) })
			}
			wg.Wait()
		})
		b.Logf("%s", d)
	}
}
