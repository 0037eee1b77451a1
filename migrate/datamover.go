package migrate

import (
	"context"
	"sync/atomic"

	"github.com/scs-migrate/scs-migrate/transfer"
)

// DataMover moves the bytes of images and volumes between the clouds.
// *transfer.Copier is the implementation; a later release runs copies as
// Kubernetes Jobs behind the same interface.
type DataMover interface {
	CopyImage(ctx context.Context, sourceImageID string, opts transfer.ImageOptions) (transfer.Result, error)
	CopyVolume(ctx context.Context, sourceVolumeID string, opts transfer.VolumeOptions) (transfer.Result, error)
	SnapshotServer(ctx context.Context, serverID, name string) (string, error)
	// CleanupOrphans removes the temporary resources of copies on both
	// clouds and returns what it removed.
	CleanupOrphans(ctx context.Context) ([]string, error)
}

var _ DataMover = (*transfer.Copier)(nil)

// TransferObserver passes the progress of copies made outside Run's
// own Copier (bucket copies) on to obs, as Run does for its own.
func TransferObserver(obs Observer) transfer.Observer {
	return &transferBridge{obs: obs, crash: crashBytesHook()}
}

// transferBridge passes transfer progress on to a migrate Observer.
type transferBridge struct {
	obs   Observer
	total atomic.Int64
	// crash is the crash tests' hook on bytes delivered (nil in
	// production builds).
	crash func(total int64)
}

func (b *transferBridge) Started(id, name string, total int64) {
	b.obs.TransferStarted(id, name, total)
}

func (b *transferBridge) Progress(id string, delta int64) {
	b.obs.TransferProgress(id, delta)
	if n := b.total.Add(delta); b.crash != nil {
		b.crash(n)
	}
}

func (b *transferBridge) Finished(id string, err error) { b.obs.TransferFinished(id, err) }

// Objects passes a bucket copy's object count on, to observers that
// want it.
func (b *transferBridge) Objects(id string, done, total int64) {
	if oo, ok := b.obs.(transfer.ObjectObserver); ok {
		oo.Objects(id, done, total)
	}
}

var _ transfer.ObjectObserver = (*transferBridge)(nil)

var _ transfer.Observer = (*transferBridge)(nil)
