package inventory

import (
	"encoding/json"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/scs-migrate/scs-migrate/internal/atomicfile"
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
	if err := atomicfile.Write(path, b, 0o600); err != nil {
		return fmt.Errorf("write inventory %s: %w", path, err)
	}
	return nil
}
