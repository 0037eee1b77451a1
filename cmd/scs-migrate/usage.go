package main

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// strictUsage makes every usage mistake one line on stderr and exit 2
// (bad input), as docs/plan.md promises, instead of urfave/cli's help
// page and exit 1: a flag that does not parse, a required flag that is
// missing, a command that does not exist. Required flags are checked by
// a Before hook, since urfave/cli prints the whole help page before its
// own "Required flag" error.
func strictUsage(app *cli.App) {
	app.OnUsageError = usageError("")
	app.CommandNotFound = func(c *cli.Context, name string) {
		// urfave/cli takes no error from this hook: say it and exit here.
		fmt.Fprintf(c.App.ErrWriter, "scs-migrate: no command %q (scs-migrate --help lists them)\n", name)
		cli.OsExiter(exitBadInput)
	}
	var walk func(parent string, cmds []*cli.Command)
	walk = func(parent string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			name := strings.TrimSpace(parent + " " + cmd.Name)
			cmd.OnUsageError = usageError(name)
			if required := takeRequired(cmd.Flags); len(required) > 0 {
				cmd.Before = chainBefore(requireFlags(name, required), cmd.Before)
			}
			walk(name, cmd.Subcommands)
		}
	}
	walk("", app.Commands)
}

func usageError(command string) cli.OnUsageErrorFunc {
	return func(_ *cli.Context, err error, _ bool) error {
		return cli.Exit(fmt.Sprintf("%s: %v (see %s --help)", cmp.Or(command, "usage"), err, strings.TrimSpace("scs-migrate "+command)), exitBadInput)
	}
}

// takeRequired clears the Required mark of the flags and returns their
// names, for requireFlags to check instead.
func takeRequired(flags []cli.Flag) []string {
	var names []string
	for _, f := range flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Required {
			sf.Required = false
			names = append(names, sf.Name)
		}
	}
	return names
}

func requireFlags(command string, names []string) cli.BeforeFunc {
	return func(c *cli.Context) error {
		var missing []string
		for _, n := range names {
			if !c.IsSet(n) {
				missing = append(missing, "--"+n)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		return cli.Exit(fmt.Sprintf("%s: missing %s (see scs-migrate %s --help)", command, strings.Join(missing, " and "), command), exitBadInput)
	}
}

func chainBefore(first, then cli.BeforeFunc) cli.BeforeFunc {
	if then == nil {
		return first
	}
	return func(c *cli.Context) error {
		if err := first(c); err != nil {
			return err
		}
		return then(c)
	}
}
