package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestExitCode: a Ctrl-C exits 130 and an exit-coded error with its code
// however deeply either is wrapped; the error is printed once, and an
// exit-coded error without a message prints nothing.
func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
		out  string
	}{
		{nil, 0, ""},
		{errors.New("boom"), 1, "scs-migrate: boom\n"},
		{context.Canceled, 130, "scs-migrate: context canceled\n"},
		{fmt.Errorf("migrate: step network/a: %w", context.Canceled), 130, "scs-migrate: migrate: step network/a: context canceled\n"},
		{fmt.Errorf("plan: %w", fmt.Errorf("inventory: %w", cli.Exit("bad input", 2))), 2, "scs-migrate: plan: inventory: bad input\n"},
		{cli.Exit("", 3), 3, ""},
	} {
		var out bytes.Buffer
		if code := exitCode(tc.err, &out); code != tc.code || out.String() != tc.out {
			t.Errorf("exitCode(%v) = %d, printed %q; want %d, %q", tc.err, code, out.String(), tc.code, tc.out)
		}
	}
}

// TestSignalExit: a run cancelled by SIGTERM exits 143, by Ctrl-C 130,
// as a shell reports them.
func TestSignalExit(t *testing.T) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-ctx.Done()
	if got := signalExit(ctx, 130); got != 143 {
		t.Errorf("SIGTERM: exit %d, want 143", got)
	}
	if got := signalExit(ctx, 2); got != 2 {
		t.Errorf("a bad-input exit became %d under SIGTERM", got)
	}
	plain, cancel := context.WithCancel(context.Background())
	cancel()
	if got := signalExit(plain, 130); got != 130 {
		t.Errorf("Ctrl-C: exit %d, want 130", got)
	}
}
