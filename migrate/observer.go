package migrate

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// Event is one step transition. It never carries a secret: errors are
// the services' messages, IDs and names are the tenant's.
type Event struct {
	Time     time.Time      `json:"time"`
	Step     string         `json:"step"`
	Kind     plans.StepKind `json:"kind"`
	Name     string         `json:"name"`
	From     State          `json:"from"`
	To       State          `json:"to"`
	Error    string         `json:"error,omitempty"`
	TargetID string         `json:"targetID,omitempty"`
	Adopted  bool           `json:"adopted,omitempty"`
	// Cutover is set on the success of a server step whose source server
	// the plan stopped: its downtime so far ends here.
	Cutover *ServerCutover `json:"cutover,omitempty"`
}

// Observer hears what a migration does. Implementations must be safe for
// concurrent use and return quickly.
type Observer interface {
	// StepChanged is told of every step transition.
	StepChanged(e Event)
	// TransferStarted, TransferProgress and TransferFinished follow the
	// data streams of copy-image, snapshot-server and copy-volume steps;
	// id is the source image or volume. delta may be negative when a
	// stream starts over.
	TransferStarted(id, name string, total int64)
	TransferProgress(id string, delta int64)
	TransferFinished(id string, err error)
}

// NopObserver hears nothing; embed it to implement only some methods.
type NopObserver struct{}

func (NopObserver) StepChanged(Event)                     {}
func (NopObserver) TransferStarted(string, string, int64) {}
func (NopObserver) TransferProgress(string, int64)        {}
func (NopObserver) TransferFinished(string, error)        {}

var _ Observer = NopObserver{}

// Observers fans events out to several observers.
type Observers []Observer

func (os Observers) StepChanged(e Event) {
	for _, o := range os {
		o.StepChanged(e)
	}
}

func (os Observers) TransferStarted(id, name string, total int64) {
	for _, o := range os {
		o.TransferStarted(id, name, total)
	}
}

func (os Observers) TransferProgress(id string, delta int64) {
	for _, o := range os {
		o.TransferProgress(id, delta)
	}
}

func (os Observers) TransferFinished(id string, err error) {
	for _, o := range os {
		o.TransferFinished(id, err)
	}
}

// Objects passes a bucket copy's object count to the observers that
// want it (transfer.ObjectObserver).
func (os Observers) Objects(id string, done, total int64) {
	for _, o := range os {
		if oo, ok := o.(transfer.ObjectObserver); ok {
			oo.Objects(id, done, total)
		}
	}
}

var _ Observer = Observers(nil)

// EventLog writes one JSON line per step transition (for --events).
type EventLog struct {
	NopObserver
	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewEventLog writes events to w.
func NewEventLog(w io.Writer) *EventLog { return &EventLog{w: w} }

// StepChanged writes the event as one line.
func (l *EventLog) StepChanged(e Event) {
	b, err := json.Marshal(e)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil && l.err == nil {
		_, l.err = l.w.Write(append(b, '\n'))
	}
}

// Err is the first write error, if any.
func (l *EventLog) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

var _ Observer = (*EventLog)(nil)
