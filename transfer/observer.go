package transfer

// Observer hears about copies. id is the ID of the source image or
// volume the caller asked to copy. Started comes when bytes start to
// move (again, with the same id, if a volume copy starts over), with the
// number of bytes the stream carries; Finished comes once, when the copy
// ends, also for a copy that failed or was adopted before any byte moved.
// Implementations must be safe for concurrent use and return quickly:
// they are called from the stream itself.
type Observer interface {
	Started(id, name string, total int64)
	// Progress reports bytes delivered to the target since the last
	// call. When an attempt fails (and the stream starts over, or gives
	// up), a negative delta takes back what it had delivered, so the sum
	// never exceeds total and is total exactly when the copy succeeded.
	Progress(id string, delta int64)
	Finished(id string, err error)
}

// StageObserver is an optional capability of an Observer: it also hears
// what a copy is doing while no bytes move (snapshotting, preparing the
// image on the source, creating the volume on the target).
type StageObserver interface {
	Stage(id, stage string)
}

// ObjectObserver is an optional capability of an Observer: it also
// hears, for a bucket copy, how many of the bucket's objects are done
// (copied, found unchanged or removed) of how many.
type ObjectObserver interface {
	Objects(id string, done, total int64)
}

type nopObserver struct{}

func (nopObserver) Started(string, string, int64) {}
func (nopObserver) Progress(string, int64)        {}
func (nopObserver) Finished(string, error)        {}

var _ Observer = nopObserver{}

// stage tells the observer what copy id is doing, if it wants to know.
func (c *Copier) stage(id, stage string) {
	if so, ok := c.Observer.(StageObserver); ok {
		so.Stage(id, stage)
	}
}
