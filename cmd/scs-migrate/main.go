// Command scs-migrate moves a tenant from one Sovereign Cloud Stack cloud
// to another: inventory, portability audit, plan, streaming transfer,
// migrate, verify and rollback.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newApp().RunContext(ctx, os.Args)
	os.Exit(signalExit(ctx, exitCode(err, os.Stderr)))
}

// signalExit turns the 130 of a cancelled run into 143 when SIGTERM,
// not Ctrl-C, cancelled it, as a shell reports the two.
func signalExit(ctx context.Context, code int) int {
	if cause := context.Cause(ctx); code == 130 && cause != nil && cause.Error() == syscall.SIGTERM.String()+" signal received" {
		return 143
	}
	return code
}

func newApp() *cli.App {
	app := &cli.App{
		Name:    "scs-migrate",
		Usage:   "move a tenant between Sovereign Cloud Stack clouds",
		Version: version,
		Description: "scs-migrate snapshots a tenant on one SCS cloud, maps every resource onto another by the\n" +
			"SCS standards, streams images and volumes across, rebuilds the tenant there, verifies\n" +
			"it and can roll back. Clouds are named as in clouds.yaml (OS_CLOUD, OS_CLIENT_CONFIG_FILE).",
		EnableBashCompletion: true,
		Commands:             commands(),
		Flags:                debugFlags(),
		ExitErrHandler:       func(*cli.Context, error) {},
		Before:               func(c *cli.Context) error { setupDebug(c); return nil },
		After:                func(*cli.Context) error { tracer.printTimings(); return nil },
	}
	for _, cmd := range app.Commands {
		withDebugFlags(cmd)
	}
	strictUsage(app)
	return app
}

// commands is the explicit registry of subcommands.
func commands() []*cli.Command {
	return []*cli.Command{
		demoCommand(),
		inventoryCommand(),
		auditCommand(),
		planCommand(),
		migrateCommand(),
		statusCommand(),
		verifyCommand(),
		rollbackCommand(),
		exportCommand(),
		transferCommand(),
		simCommand(),
		versionCommand(),
		completionCommand(),
		manCommand(),
	}
}

// exitCode maps errors to the process exit code, printing the error to
// w; only main does this. An exit-coded error (cli.Exit) gives its code
// and a cancelled context 130 (signalExit makes SIGTERM's 143), both
// wherever they are in the chain of wrapped errors; any other error
// gives 1.
func exitCode(err error, w io.Writer) int {
	if err == nil {
		return 0
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(w, "scs-migrate:", msg)
	}
	var coder cli.ExitCoder
	switch {
	case errors.As(err, &coder):
		return coder.ExitCode()
	case errors.Is(err, context.Canceled):
		return 130
	}
	return 1
}

// withDebugFlags gives a command and its subcommands --debug and
// --timings, read before the command runs.
func withDebugFlags(cmd *cli.Command) {
	for _, sub := range cmd.Subcommands {
		withDebugFlags(sub)
	}
	if cmd.Action == nil {
		return
	}
	cmd.Flags = append(cmd.Flags, debugFlags()...)
	before := cmd.Before
	cmd.Before = func(c *cli.Context) error {
		setupDebug(c)
		if before != nil {
			return before(c)
		}
		return nil
	}
}
