//go:build scsmigrate_crashtest

package migrate

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// CrashEnv names the environment variable that the crash tests set in
// binaries built with -tags scsmigrate_crashtest. It holds crash points
// separated by commas; the process kills itself with SIGKILL at the
// first one reached:
//
//	journal:N      just before its Nth journal commit
//	at:WHAT        just before the first commit recording WHAT, e.g.
//	               at:created:target/network (a network was made and is
//	               about to be journaled) or at:step:server:succeeded
//	bytes:N        once N bytes of image and volume data have arrived
//
// Before dying it writes "crash-hook: <point>" to stderr.
const CrashEnv = "SCS_MIGRATE_CRASH_AT"

func crashPoints(kind string) []string {
	var out []string
	for _, p := range strings.Split(os.Getenv(CrashEnv), ",") {
		if k, v, ok := strings.Cut(p, ":"); ok && k == kind {
			out = append(out, v)
		}
	}
	return out
}

func die(point string) {
	fmt.Fprintf(os.Stderr, "crash-hook: %s\n", point)
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

func crashHook() func(n int, what string) {
	counts, ats := crashPoints("journal"), crashPoints("at")
	if len(counts)+len(ats) == 0 {
		return nil
	}
	return func(n int, what string) {
		for _, c := range counts {
			if c == strconv.Itoa(n) {
				die("journal:" + c + " (" + what + ")")
			}
		}
		for _, a := range ats {
			if a == what {
				die("at:" + a)
			}
		}
	}
}

func crashBytesHook() func(total int64) {
	points := crashPoints("bytes")
	if len(points) == 0 {
		return nil
	}
	at, err := strconv.ParseInt(points[0], 10, 64)
	if err != nil {
		return nil
	}
	var fired atomic.Bool
	return func(total int64) {
		if total >= at && !fired.Swap(true) {
			die("bytes:" + points[0])
		}
	}
}
