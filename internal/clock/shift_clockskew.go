//go:build clockskew

package clock

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// ShiftEnv names the duration by which Real is shifted in the clockskew
// build.
const ShiftEnv = "SCS_MIGRATE_CLOCK_SHIFT"

var shift = sync.OnceValue(func() time.Duration {
	v := os.Getenv(ShiftEnv)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		// Only CI's guard builds this file; a typo there must not pass
		// as "no shift".
		panic(fmt.Sprintf("%s=%q: %v", ShiftEnv, v, err))
	}
	return d
})
