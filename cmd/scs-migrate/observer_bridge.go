package main

import (
	"github.com/scs-migrate/scs-migrate/migrate"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// toMigrateObserver hands the progress of bucket copies to the
// migration's observers (the step view, the event log), as image and
// volume streams do.
type toMigrateObserver struct{ obs migrate.Observer }

func (b toMigrateObserver) Started(id, name string, total int64) {
	b.obs.TransferStarted(id, name, total)
}
func (b toMigrateObserver) Progress(id string, delta int64) { b.obs.TransferProgress(id, delta) }
func (b toMigrateObserver) Finished(id string, err error)   { b.obs.TransferFinished(id, err) }

var _ transfer.Observer = toMigrateObserver{}
