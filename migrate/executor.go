package migrate

import (
	"context"
	"fmt"
	"sync"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/plans"
)

// Executor runs the steps of one kind. An Executor must be idempotent
// given the journal: when StepContext.Resume is set, an earlier attempt
// may have made (part of) the step's resources, which are found by their
// markers and adopted or removed, never made twice.
type Executor interface {
	Execute(ctx context.Context, sc *StepContext) (Outcome, error)
}

// ExecutorFunc is a function that is an Executor.
type ExecutorFunc func(ctx context.Context, sc *StepContext) (Outcome, error)

// Execute calls f.
func (f ExecutorFunc) Execute(ctx context.Context, sc *StepContext) (Outcome, error) {
	return f(ctx, sc)
}

var _ Executor = ExecutorFunc(nil)

// Registry maps each step kind to the executor that runs it. A plan with
// a step of a kind the registry lacks does not start.
type Registry map[plans.StepKind]Executor

// Outcome is what a step achieved.
type Outcome struct {
	// TargetID is the main target resource the step made or adopted.
	TargetID string
	// Adopted is true when the resource was found already made.
	Adopted bool
	// Bytes are the data the step moved.
	Bytes int64
	// Values are facts worth keeping in the journal and the report.
	Values map[string]string
}

// StepContext is what an executor works with.
type StepContext struct {
	Step plans.Step
	Plan *plans.Plan
	// Source and Target are the two clouds.
	Source, Target *cloud.Session
	Journal        *Journal
	// Data moves images and volumes (transfer.Copier); Buckets moves
	// object storage buckets (nil when no S3 access was given).
	Data    DataMover
	Buckets BucketMover
	// Resume is true when an earlier attempt of this step was started.
	Resume bool
	// Previous is the journal's record of the step before this attempt.
	Previous StepRecord

	inv  *index
	mark marker
	// deleteObjects is Options.DeleteObjects.
	deleteObjects bool
	poll          cloud.Poll

	mu    sync.Mutex
	notes []string
}

// Note adds a remark to the step's record (a MAC the target refused, a
// rule that already existed, …).
func (sc *StepContext) Note(format string, args ...any) {
	sc.mu.Lock()
	sc.notes = append(sc.notes, fmt.Sprintf(format, args...))
	sc.mu.Unlock()
}

// Notes are the remarks made so far.
func (sc *StepContext) Notes() []string {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return append([]string(nil), sc.notes...)
}

// targetOf is the target ID that the source resource of a kind became,
// from the journal; an error names the step that should have made it.
func (sc *StepContext) targetOf(kind, sourceID string) (string, error) {
	if id, ok := sc.Journal.TargetID(kind, sourceID); ok {
		return id, nil
	}
	return "", fmt.Errorf("the target %s for source %s is not in the journal (its step has not succeeded)", kind, sourceID)
}

// created records a resource this step made on the target and maps the
// source ID to it when sourceID is not "".
func (sc *StepContext) created(kind, sourceID, targetID, name, parent string) error {
	if err := sc.Journal.AddCreated(Created{Cloud: "target", Kind: kind, ID: targetID, Name: name, StepID: sc.Step.ID, Parent: parent}); err != nil {
		return err
	}
	if sourceID == "" {
		return nil
	}
	return sc.Journal.MapID(kind, sourceID, targetID)
}

// adopted maps a source resource onto a target resource the plan did not
// make (the target's default security group, a pre-existing keypair).
func (sc *StepContext) adopted(kind, sourceID, targetID string) error {
	return sc.Journal.MapID(kind, sourceID, targetID)
}

// dependencies are the plan steps this step depends on, of the given kind.
func (sc *StepContext) dependencies(kind plans.StepKind) []plans.Step {
	var out []plans.Step
	for _, id := range sc.Step.DependsOn {
		if i, ok := sc.inv.graph.Index(id); ok && sc.inv.graph.Step(i).Kind == kind {
			out = append(out, sc.inv.graph.Step(i))
		}
	}
	return out
}
