package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// bashCompletion asks the binary itself for the words that may follow
// (urfave/cli answers --generate-bash-completion from the command
// definitions), so it never goes stale.
const bashCompletion = `# bash completion for scs-migrate: source it, or put it in
# /etc/bash_completion.d/scs-migrate.
_scs_migrate() {
  local cur words
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  if [[ "$cur" == -* ]]; then
    words+=("$cur")
  fi
  COMPREPLY=($(compgen -W "$("${words[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
}
complete -o bashdefault -o default -F _scs_migrate scs-migrate
`

// zshCompletion runs the bash completion under zsh's bashcompinit.
const zshCompletion = `# zsh completion for scs-migrate: source it from ~/.zshrc.
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
` + bashCompletion

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "  bash: scs-migrate completion bash > /etc/bash_completion.d/scs-migrate\n" +
			"  zsh:  scs-migrate completion zsh > ~/.scs-migrate.zsh; echo 'source ~/.scs-migrate.zsh' >> ~/.zshrc\n" +
			"  fish: scs-migrate completion fish > ~/.config/fish/completions/scs-migrate.fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return cli.Exit("name one shell: bash, zsh or fish", 2)
			}
			switch c.Args().First() {
			case "bash":
				_, err := fmt.Fprint(c.App.Writer, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(c.App.Writer, zshCompletion)
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return fmt.Errorf("fish completion: %w", err)
				}
				_, err = fmt.Fprint(c.App.Writer, s)
				return err
			}
			return cli.Exit(fmt.Sprintf("no completion for shell %q: want bash, zsh or fish", c.Args().First()), 2)
		},
	}
}

func manCommand() *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the manual page (roff), made from the command definitions",
		Description: "  scs-migrate man > /usr/local/share/man/man1/scs-migrate.1   # then: man scs-migrate\n" +
			"  scs-migrate man | man -l -",
		Action: func(c *cli.Context) error {
			s, err := c.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("manual page: %w", err)
			}
			_, err = fmt.Fprint(c.App.Writer, s)
			return err
		},
	}
}
