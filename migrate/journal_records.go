package migrate

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// State is where a step stands.
type State string

// The states of a step. A step is pending until it starts; a step that
// was running when the process died stays running in the journal and is
// run again, adoption first, by the next migrate.
const (
	StatePending   State = "pending"
	StateRunning   State = "running"
	StateSucceeded State = "succeeded"
	StateFailed    State = "failed"
	StateSkipped   State = "skipped"
)

// States are all states in their display order.
var States = []State{StatePending, StateRunning, StateSucceeded, StateFailed, StateSkipped}

// StepRecord is the journal's record of one step.
type StepRecord struct {
	State State `json:"state"`
	// Attempts counts how often the step was started.
	Attempts   int       `json:"attempts,omitempty"`
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	Error      string    `json:"error,omitempty"`
	// TargetID is the main resource the step made or adopted.
	TargetID string `json:"targetID,omitempty"`
	// Adopted is true when the step found its resource already made.
	Adopted bool     `json:"adopted,omitempty"`
	Notes   []string `json:"notes,omitempty"`
	Bytes   int64    `json:"bytes,omitempty"`
	// Preexisting lists, per claim, the IDs of same-named resources that
	// existed on the target before the step first tried to create one;
	// they are never adopted.
	Preexisting map[string][]string `json:"preexisting,omitempty"`
	// Values are small facts an executor keeps (e.g. the old and the new
	// floating IP address).
	Values map[string]string `json:"values,omitempty"`
	// Stale marks a copy made from a source server that has run again
	// since: the next attempt removes it and copies anew.
	Stale bool `json:"stale,omitempty"`
}

// Created is a resource a plan made, on the target or (temporarily) on
// the source.
type Created struct {
	Cloud  string `json:"cloud"` // "target" or "source"
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	StepID string `json:"stepID"`
	// Parent is the resource this one lives in (the router of an
	// interface, the load balancer of a listener), where that matters
	// for deleting it.
	Parent string    `json:"parent,omitempty"`
	At     time.Time `json:"at"`
}

func (c Created) key() string { return c.Cloud + "/" + c.Kind + "/" + c.ID }

// Stopped is a source server the plan stopped for a cold cutover.
type Stopped struct {
	ServerID    string    `json:"serverID"`
	Name        string    `json:"name"`
	StoppedAt   time.Time `json:"stoppedAt"`
	Restarted   bool      `json:"restarted,omitempty"`
	RestartedAt time.Time `json:"restartedAt,omitzero"`
}

// Step returns the record of a step (pending if there is none).
func (j *Journal) Step(id string) StepRecord {
	j.mu.Lock()
	defer j.mu.Unlock()
	if r, ok := j.steps[id]; ok {
		return r
	}
	return StepRecord{State: StatePending}
}

// Steps returns a copy of all step records.
func (j *Journal) Steps() map[string]StepRecord {
	j.mu.Lock()
	defer j.mu.Unlock()
	return maps.Clone(j.steps)
}

// UpdateStep changes a step's record in one commit and returns the record
// as it was before.
func (j *Journal) UpdateStep(id string, change func(*StepRecord)) (before StepRecord, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	before, ok := j.steps[id]
	if !ok {
		before = StepRecord{State: StatePending}
	}
	after := before
	after.Notes = slices.Clone(before.Notes)
	after.Preexisting = maps.Clone(before.Preexisting)
	after.Values = maps.Clone(before.Values)
	change(&after)
	kind, _, _ := strings.Cut(id, "/")
	if err := j.update("step:"+kind+":"+string(after.State), func(tx *bolt.Tx) error { return putJSON(tx, bucketSteps, id, after) }); err != nil {
		return before, err
	}
	j.steps[id] = after
	return before, nil
}

func idKey(kind, sourceID string) string { return kind + "/" + sourceID }

// MapID records that the source resource of a kind became targetID.
func (j *Journal) MapID(kind, sourceID, targetID string) error {
	k := idKey(kind, sourceID)
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.ids[k] == targetID {
		return nil
	}
	if err := j.update("id:"+kind, func(tx *bolt.Tx) error { return tx.Bucket(bucketIDs).Put([]byte(k), []byte(targetID)) }); err != nil {
		return err
	}
	j.ids[k] = targetID
	return nil
}

// TargetID returns the target ID a source resource became.
func (j *Journal) TargetID(kind, sourceID string) (string, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	id, ok := j.ids[idKey(kind, sourceID)]
	return id, ok
}

// IDs returns a copy of the source → target ID map, keyed "kind/sourceID".
func (j *Journal) IDs() map[string]string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return maps.Clone(j.ids)
}

// AddCreated records a resource the plan made.
func (j *Journal) AddCreated(c Created) error {
	if c.At.IsZero() {
		c.At = time.Now().UTC()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.created[c.key()]; ok {
		return nil
	}
	if err := j.update("created:"+c.Cloud+"/"+c.Kind, func(tx *bolt.Tx) error { return putJSON(tx, bucketCreated, c.key(), c) }); err != nil {
		return err
	}
	j.created[c.key()] = c
	return nil
}

// RemoveCreated forgets a resource that no longer exists.
func (j *Journal) RemoveCreated(cloud, kind, id string) error {
	k := Created{Cloud: cloud, Kind: kind, ID: id}.key()
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.created[k]; !ok {
		return nil
	}
	if err := j.update("removed:"+cloud+"/"+kind, func(tx *bolt.Tx) error { return tx.Bucket(bucketCreated).Delete([]byte(k)) }); err != nil {
		return err
	}
	delete(j.created, k)
	return nil
}

// CreatedResources lists what the plan made, oldest first.
func (j *Journal) CreatedResources() []Created {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := slices.Collect(maps.Values(j.created))
	slices.SortFunc(out, func(a, b Created) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.key(), b.key())
	})
	return out
}

// AddStopped records a source server the plan stopped.
func (j *Journal) AddStopped(s Stopped) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.update("stopped", func(tx *bolt.Tx) error { return putJSON(tx, bucketStopped, s.ServerID, s) }); err != nil {
		return err
	}
	j.stopped[s.ServerID] = s
	return nil
}

// StoppedServers lists the source servers the plan stopped.
func (j *Journal) StoppedServers() []Stopped {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := slices.Collect(maps.Values(j.stopped))
	slices.SortFunc(out, func(a, b Stopped) int { return cmp.Compare(a.ServerID, b.ServerID) })
	return out
}

// Save keeps a small JSON value under key (e.g. the rules a default
// security group had before the plan changed them).
func (j *Journal) Save(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.update("saved", func(tx *bolt.Tx) error { return tx.Bucket(bucketSaved).Put([]byte(key), b) }); err != nil {
		return err
	}
	j.saved[key] = b
	return nil
}

// Load reads a value kept with Save; it reports whether there was one.
func (j *Journal) Load(key string, v any) (bool, error) {
	j.mu.Lock()
	b, ok := j.saved[key]
	j.mu.Unlock()
	if !ok {
		return false, nil
	}
	return true, json.Unmarshal(b, v)
}

// Forget removes a value kept with Save.
func (j *Journal) Forget(key string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.saved[key]; !ok {
		return nil
	}
	if err := j.update("forgotten", func(tx *bolt.Tx) error { return tx.Bucket(bucketSaved).Delete([]byte(key)) }); err != nil {
		return err
	}
	delete(j.saved, key)
	return nil
}

// Reset forgets every step, ID and stopped server after a complete
// rollback, so that the plan can be migrated again from the start.
// Resources still recorded as created are kept.
func (j *Journal) Reset() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	err := j.update("reset", func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSteps, bucketIDs, bucketStopped, bucketSaved} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	j.steps, j.ids, j.stopped, j.saved = map[string]StepRecord{}, map[string]string{}, map[string]Stopped{}, map[string][]byte{}
	return nil
}
