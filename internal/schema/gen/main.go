// Command gen writes the JSON Schemas of scs-migrate's documents (see
// package schema) into a directory: go generate ./internal/schema runs it.
package main

import (
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/schema"
)

func main() {
	root := flag.String("root", ".", "the module's source `DIR`, for the doc comments")
	output := flag.String("output", "docs/schemas", "write the schemas to `DIR`")
	flag.Parse()
	if err := run(*root, *output); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(root, output string) error {
	files, err := schema.Generate(root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(output, 0o755); err != nil {
		return err
	}
	for _, n := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(output, n), files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}
