package main

import (
	"bytes"
	"fmt"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
	"github.com/scs-migrate/scs-migrate/plans"
)

// writeReport renders an audit report into a file, atomically.
func writeReport(path string, r *plans.Report, format string) error {
	var b bytes.Buffer
	if err := r.Write(&b, format); err != nil {
		return fmt.Errorf("render the %s report: %w", format, err)
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
