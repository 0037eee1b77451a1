package kubetest

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
)

// Main starts n API servers at once (in parallel), runs the package's
// tests, stops the servers and returns the exit code; for TestMain. When
// the binaries are absent the servers are nil and Need skips.
func Main(m *testing.M, envs ...**Env) int {
	var wg sync.WaitGroup
	errs := make([]error, len(envs))
	for i, p := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			*p, errs[i] = Start()
		}()
	}
	wg.Wait()
	defer func() {
		for _, p := range envs {
			if *p != nil {
				(*p).Stop()
			}
		}
	}()
	for _, err := range errs {
		switch {
		case errors.Is(err, ErrNoAssets):
			skipReason = err.Error()
		case err != nil:
			fmt.Fprintln(os.Stderr, "kubetest:", err)
			return 1
		}
	}
	for i, p := range envs {
		if *p != nil {
			fmt.Fprintf(os.Stderr, "kubetest: API server %d started in %s\n", i+1, (*p).StartTime.Round(1e6))
		}
	}
	return m.Run()
}

var skipReason string

// Need skips the test when Main found no binaries.
func Need(t testing.TB, e *Env) {
	t.Helper()
	if e == nil {
		skip(t, skipReason)
	}
}

// skip skips a test that needs the binaries, except in CI, which must
// always provide them: there a missing binary fails the test.
func skip(t testing.TB, reason any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("no real kube-apiserver in CI (set KUBEBUILDER_ASSETS, see hack/kube/build-apiserver.sh): %v", reason)
	}
	t.Skipf("no real kube-apiserver: %v", reason)
}

// Require skips the test (fails it in CI) when the binaries are absent.
// Call it from the test's own goroutine before starting servers in
// others: a skip from another goroutine cannot stop the test.
func Require(t testing.TB) {
	t.Helper()
	if _, err := assets(); err != nil {
		skip(t, err)
	}
}

// StartT starts an API server for one test (and its subtests) and stops
// it when the test ends; it skips the test when the binaries are absent.
// Packages whose test binary has a TestMain of someone else's use it
// with one top-level test that runs the others as subtests.
func StartT(t testing.TB) *Env {
	t.Helper()
	e, err := Start()
	if errors.Is(err, ErrNoAssets) {
		skip(t, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := e.Stop(); err != nil {
			t.Errorf("stop kube-apiserver: %v", err)
		}
	})
	t.Logf("kube-apiserver and etcd started in %s", e.StartTime.Round(1e6))
	return e
}
