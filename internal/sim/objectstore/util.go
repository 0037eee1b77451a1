package objectstore

import (
	"os"
	"sort"
)

func sortStrings(s []string) { sort.Strings(s) }

func removePath(p string) error { return os.Remove(p) }
