package plans

import (
	"fmt"
	"time"
)

// StepOverhead is what the duration estimate adds per step on the
// plan's longest dependency chain: the API calls and the waits for a
// resource to become ready (a server to boot, a volume to turn
// available), which a bandwidth figure does not cover.
const StepOverhead = 5 * time.Second

// Totals are the data the plan moves.
type Totals struct {
	Steps int
	// Bytes expected to move by each copying kind, and in all: each
	// copy's data estimate (Step.DataBytes, else its Bytes).
	ImageBytes, SnapshotBytes, VolumeBytes, BucketBytes, Bytes int64
	// Objects is the number of objects in the buckets the plan copies.
	Objects int64
	// ProvisionedBytes is the sum of the copies' sizes (Step.Bytes), an
	// upper bound; UpperBound says whether any estimate in Bytes is a
	// provisioned size.
	ProvisionedBytes int64
	UpperBound       bool
	// CriticalPath is the number of steps on the longest chain.
	CriticalPath int
}

// Summarize adds up the plan's byte estimates.
func Summarize(p *Plan) Totals {
	t := Totals{Steps: len(p.Steps)}
	objects := map[string]int64{}
	if p.Inventory != nil {
		for _, c := range p.Inventory.Containers {
			objects[c.Name] = c.Objects
		}
	}
	for _, s := range p.Steps {
		if s.Kind == StepCopyBucket {
			t.Objects += objects[s.SourceID]
		}
		if s.Bytes == 0 && s.DataBytes == 0 {
			continue
		}
		n, basis := stepData(s)
		switch s.Kind {
		case StepCopyImage:
			t.ImageBytes += n
		case StepSnapshotServer:
			t.SnapshotBytes += n
		case StepCopyVolume:
			t.VolumeBytes += n
		case StepCopyBucket:
			t.BucketBytes += n
		}
		t.Bytes += n
		t.ProvisionedBytes += s.Bytes
		t.UpperBound = t.UpperBound || (basis == DataProvisioned && n > 0)
	}
	ordered := p.Steps
	if g, err := NewGraph(p.Steps); err == nil {
		if o, err := g.Order(); err == nil {
			ordered = o
		}
	}
	t.CriticalPath = criticalPath(ordered)
	return t
}

// EstimateDuration is the time to move bytes at the bandwidth, plus
// StepOverhead for each step of the critical path. Transfers run in
// parallel, so the bandwidth, not the number of copies, is the limit.
func EstimateDuration(t Totals, bandwidthMbps int) time.Duration {
	return transferTime(t.Bytes, bandwidthMbps) + time.Duration(t.CriticalPath)*StepOverhead
}

// criticalPath is the number of steps on the longest dependency chain
// of steps given in a topological order.
func criticalPath(ordered []Step) int {
	depth := make(map[string]int, len(ordered))
	longest := 0
	for _, s := range ordered {
		d := 1
		for _, dep := range s.DependsOn {
			d = max(d, depth[dep]+1)
		}
		depth[s.ID] = d
		longest = max(longest, d)
	}
	return longest
}

// formatBytes prints a size in binary units, e.g. "12.0 MiB", "4.0 GiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	v, i := float64(n)/unit, 0
	for v >= unit && i < len(units)-1 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// formatDuration prints a duration rounded to seconds, e.g. "1h 02m 05s".
func formatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %02dm %02ds", h, m, sec)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}
