package export

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/plans"
)

// Plan exports what the plan (read from planFile) made on the target:
// the resources from its journal, their attributes from a fresh
// inventory of dst. Options.Cloud defaults to the plan's target cloud.
func Plan(ctx context.Context, planFile string, p *plans.Plan, dst *cloud.Session, opts Options) (*Result, error) {
	j, err := migrate.OpenJournal(migrate.JournalPath(planFile), p, true)
	if err != nil {
		return nil, err
	}
	created := j.CreatedResources()
	if err := j.Close(); err != nil {
		return nil, err
	}
	doc, err := inventory.Collect(ctx, dst, inventory.Options{})
	if err != nil {
		return nil, fmt.Errorf("inventory the target: %w", err)
	}
	if opts.Cloud == "" {
		opts.Cloud = p.Target.Cloud
	}
	return OpenTofu(created, doc, opts)
}

// ErrNotEmpty is returned by WriteDir for a directory that has files.
var ErrNotEmpty = errors.New("the output directory is not empty (use --force to replace it)")

// WriteDir writes the files as the whole content of dir: into a new
// directory beside it first, which then takes dir's place, so that a
// failure leaves dir as it was. A dir that has files is replaced only
// with force.
func WriteDir(dir string, files map[string][]byte, force bool) (err error) {
	dir = filepath.Clean(dir)
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	case len(entries) > 0 && !force:
		return fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := os.WriteFile(filepath.Join(tmp, name), files[name], 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if entries == nil {
		if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return os.Rename(tmp, dir)
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		os.Rename(old, dir)
		return err
	}
	return os.RemoveAll(old)
}
