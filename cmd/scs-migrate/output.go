package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
	"sigs.k8s.io/yaml"
)

// outputFlag is -o/--output-format for commands that print data.
func outputFlag(def string, allowed ...string) *cli.StringFlag {
	return &cli.StringFlag{
		Name: "output-format", Aliases: []string{"o"}, Value: def,
		Usage: fmt.Sprintf("how to print the result: %v", allowed),
		Action: func(_ *cli.Context, v string) error {
			for _, a := range allowed {
				if v == a {
					return nil
				}
			}
			return fmt.Errorf("-o %q: want one of %v", v, allowed)
		},
	}
}

// encode writes v as JSON or YAML.
func encode(w io.Writer, format string, v any) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	return fmt.Errorf("unknown output format %q", format)
}
