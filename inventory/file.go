package inventory

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Marshal encodes the document as "json" (two-space indent, final
// newline) or "yaml".
func Marshal(doc *Document, format string) ([]byte, error) {
	switch format {
	case "json":
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return nil, err
		}
		return append(b, '\n'), nil
	case "yaml":
		return yaml.Marshal(doc)
	}
	return nil, fmt.Errorf("unknown inventory format %q: want json or yaml", format)
}

// WriteFile writes the document to path atomically: a temporary file in
// the same directory, synced, then renamed over path. The file is mode
// 0600: an inventory describes a tenant in detail.
func WriteFile(path string, doc *Document, format string) error {
	b, err := Marshal(doc, format)
	if err != nil {
		return err
	}
	if err := writeAtomic(path, b); err != nil {
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	return nil
}

func writeAtomic(path string, b []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(b); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

// syncDir makes the rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	d.Sync() // not supported everywhere; the rename has happened anyway
	return nil
}
