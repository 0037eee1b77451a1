package inventory

// GiB is the size unit of volumes.
const GiB = 1 << 30

// Summary is the short account of a document that `-o table` prints.
type Summary struct {
	Cloud   string      `json:"cloud"`
	Project string      `json:"project"`
	Counts  []KindCount `json:"counts"`
	// ImageBytes are the bytes of the images the tenant owns (the ones a
	// migration copies); public images are referenced, not copied.
	ImageBytes int64 `json:"imageBytes"`
	// VolumeBytes are the provisioned sizes of all volumes.
	VolumeBytes int64     `json:"volumeBytes"`
	Warnings    []Warning `json:"warnings"`
}

// KindCount is the number of items of one kind.
type KindCount struct {
	Kind  string `json:"kind"`
	Count int    `json:"count"`
}

// Summarize counts the document's kinds (in document order) and bytes.
func Summarize(doc *Document) Summary {
	s := Summary{Cloud: doc.Cloud.Name, Project: doc.Cloud.ProjectName, Warnings: doc.Warnings}
	for _, k := range Kinds {
		if k == KindClusters && len(doc.Clusters) == 0 {
			continue
		}
		s.Counts = append(s.Counts, KindCount{Kind: k, Count: doc.Count(k)})
	}
	for _, img := range doc.Images {
		if img.OwnedByTenant {
			s.ImageBytes += img.SizeBytes
		}
	}
	for _, v := range doc.Volumes {
		s.VolumeBytes += int64(v.SizeGB) * GiB
	}
	if s.Warnings == nil {
		s.Warnings = []Warning{}
	}
	return s
}
