package objectstore

import (
	"os"
	"sort"
	"time"
)

func sortStrings(s []string) { sort.Strings(s) }

func removePath(p string) error { return os.Remove(p) }

// upload is an S3 multipart upload in progress.
type upload struct {
	id, key     string
	initiated   time.Time
	contentType string
	meta        map[string]string
	parts       map[int]filePart
}

func (u *upload) removeFiles() {
	for _, p := range u.parts {
		os.Remove(p.path)
	}
}
