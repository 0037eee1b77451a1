package migrate

import (
	"strings"

	"github.com/scs-migrate/scs-migrate/inventory"
)

func emptyInventory() *inventory.Document {
	return &inventory.Document{APIVersion: inventory.APIVersion, Kind: inventory.Kind}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
