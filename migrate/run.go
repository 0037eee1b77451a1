package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// Defaults for the zero fields of Options.
const (
	DefaultParallel = 4
	DefaultPoll     = 2 * time.Second
	DefaultTimeout  = 30 * time.Minute
	// DefaultStepRetries is how often a transiently failed step is
	// tried again within one run.
	DefaultStepRetries = cloud.DefaultStepRetries
)

// Options tune Run.
type Options struct {
	// JournalPath is the journal file; JournalPath(planFile) by convention.
	JournalPath string
	// Parallel bounds the steps running at once; 0 means DefaultParallel.
	// Data streams are bounded separately, by Transfers.
	Parallel int
	// Transfers bounds the image and volume streams in flight; 0 means
	// transfer.DefaultTransfers. Ignored when Data is set.
	Transfers int
	// KeepSourceStopped leaves a source server stopped when its cutover
	// fails or the run is interrupted before its twin is up; by default
	// it is started again at once (see cutover.go).
	KeepSourceStopped bool
	// Observer hears step transitions and transfer progress.
	Observer Observer
	// Registry holds the executors; nil means DefaultRegistry().
	Registry Registry
	// Data moves images and volumes; nil means a transfer.Copier.
	Data DataMover
	// Buckets moves object storage buckets; a plan with copy-bucket
	// steps does not start without it.
	Buckets BucketMover
	// DeleteObjects removes objects from the target's buckets that the
	// source no longer has (deleted since an earlier run); without it
	// they are counted and kept.
	DeleteObjects bool
	// Poll is the longest pause between two looks at a changing resource;
	// 0 means DefaultPoll.
	Poll time.Duration
	// Timeout bounds each wait for a resource to become ready; 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// AcceptDrift runs the plan although source resources in it changed
	// since it was made (the report lists the changes); without it Run
	// refuses. A target without room is refused either way.
	AcceptDrift bool
	// StepRetries is how often a step that failed transiently (see
	// cloud.Retryable) is tried again within the run; 0 means
	// DefaultStepRetries, negative means never.
	StepRetries int
}

// ErrIncomplete means some steps failed, were skipped or did not start.
var ErrIncomplete = errors.New("migration incomplete")

// Run executes the plan from the source to the target session, resuming
// from the journal. It returns the report also when it returns an error
// after steps ran.
//
// Before it changes anything, on every start and resume, Run refuses
// (ErrRefused) a plan that is blocked or failed its pre-flight checks, a
// source that drifted from the plan (unless Options.AcceptDrift) and a
// target that no longer has room for the steps still to run.
func Run(ctx context.Context, p *plans.Plan, src, dst *cloud.Session, opts Options) (*Report, error) {
	if err := checkSessions(p, src, dst); err != nil {
		return nil, err
	}
	if opts.JournalPath == "" {
		return nil, errors.New("migrate: Options.JournalPath is required")
	}
	if err := refuseBlocked(p); err != nil {
		return nil, err
	}
	if opts.Buckets == nil && slices.ContainsFunc(p.Steps, func(s plans.Step) bool { return s.Kind == plans.StepCopyBucket }) {
		return nil, ErrNoBuckets
	}
	drift, err := recheck(ctx, p, src, dst, opts.JournalPath, opts.AcceptDrift)
	if err != nil {
		return nil, err
	}
	r, err := newRun(p, src, dst, opts)
	if err != nil {
		return nil, err
	}
	defer r.journal.Close()
	if err := journalCredentials(ctx, r.journal, opts.Buckets, src, dst); err != nil {
		return nil, err
	}
	start := time.Now()
	notStarted := r.walk(ctx)
	r.finish(ctx, notStarted)
	rep := newReport(p, r.journal)
	rep.StartedAt, rep.FinishedAt = start.UTC(), time.Now().UTC()
	rep.NotStarted = notStarted
	rep.SourceCalls, rep.TargetCalls = src.Calls(), dst.Calls()
	rep.Restarted = r.restarted
	rep.AcceptedDrift = drift
	return rep, r.verdict(ctx, rep)
}

// run is one execution of a plan.
type run struct {
	plan     *plans.Plan
	src, dst *cloud.Session
	opts     Options
	reg      Registry
	g        *plans.Graph
	ix       *index
	journal  *Journal
	data     DataMover
	obs      Observer
	poll     cloud.Poll

	// retryPause is the first pause before a step is tried again.
	retryPause time.Duration

	cut *cutovers

	mu        sync.Mutex
	fatal     error // a journal write failed: nothing more may run
	restarted []string
}

// newRun prepares a run whose sessions and journal path Run checked.
func newRun(p *plans.Plan, src, dst *cloud.Session, opts Options) (*run, error) {
	r := &run{plan: p, src: src, dst: dst, opts: opts, reg: opts.Registry, obs: opts.Observer, data: opts.Data}
	if r.reg == nil {
		r.reg = DefaultRegistry()
	}
	if r.obs == nil {
		r.obs = NopObserver{}
	}
	if r.opts.Parallel <= 0 {
		r.opts.Parallel = DefaultParallel
	}
	switch {
	case r.opts.StepRetries == 0:
		r.opts.StepRetries = DefaultStepRetries
	case r.opts.StepRetries < 0:
		r.opts.StepRetries = 0
	}
	r.retryPause = min(time.Second, 10*orDefault(opts.Poll, DefaultPoll))
	r.poll = cloud.Poll{Max: orDefault(opts.Poll, DefaultPoll), Timeout: orDefault(opts.Timeout, DefaultTimeout)}
	g, err := buildGraph(p, r.reg)
	if err != nil {
		return nil, err
	}
	r.g, r.ix = g, newIndex(p, g)
	if r.data == nil {
		r.data = &transfer.Copier{Source: src, Target: dst, Transfers: opts.Transfers,
			Observer: &transferBridge{obs: r.obs, crash: crashBytesHook()}}
	}
	r.journal, err = CreateJournal(opts.JournalPath, p, src.ProjectID, dst.ProjectID, dst.AuthURL)
	if err != nil {
		return nil, err
	}
	r.cut = newCutovers(r)
	return r, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// checkSessions refuses credentials for other projects than the plan's.
func checkSessions(p *plans.Plan, src, dst *cloud.Session) error {
	if src == nil || dst == nil {
		return errors.New("migrate: both the source and the target session are required")
	}
	if p.Source.ProjectID != "" && src.ProjectID != p.Source.ProjectID {
		return fmt.Errorf("%w: plan %q moves project %s (%s), but the source credentials are for project %s (%s)",
			ErrJournalMismatch, p.ID, p.Source.ProjectID, p.Source.ProjectName, src.ProjectID, src.ProjectName)
	}
	if p.Target.ProjectID != "" && dst.ProjectID != p.Target.ProjectID {
		return fmt.Errorf("%w: plan %q is for target project %s (%s), but the target credentials are for project %s (%s)",
			ErrJournalMismatch, p.ID, p.Target.ProjectID, p.Target.ProjectName, dst.ProjectID, dst.ProjectName)
	}
	return nil
}

// walk runs every step that has not succeeded yet.
func (r *run) walk(ctx context.Context) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make([]bool, len(r.plan.Steps))
	for i, s := range r.plan.Steps {
		// A bucket copy is a sync: it runs again on every migrate.
		done[i] = r.journal.Step(s.ID).State == StateSucceeded && s.Kind != plans.StepCopyBucket
	}
	w := &walker{g: r.g, parallel: r.opts.Parallel,
		run: func(ctx context.Context, i int) error {
			err := r.runStep(ctx, r.plan.Steps[i])
			if r.failedFatally() {
				cancel()
			}
			return err
		},
		skip: func(i, cause int) { r.skipStep(r.plan.Steps[i], r.plan.Steps[cause]) },
	}
	return w.walk(ctx, done)
}

func (r *run) setFatal(err error) {
	r.mu.Lock()
	if r.fatal == nil {
		r.fatal = err
	}
	r.mu.Unlock()
}

func (r *run) failedFatally() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fatal != nil
}

// runStep runs one step and journals its transitions. A failure that
// another attempt may fix (cloud.Retryable: a 5xx the transport would
// not repeat, a broken connection) is tried again, adoption first, up
// to StepRetries times before the step counts as failed.
func (r *run) runStep(ctx context.Context, s plans.Step) error {
	var notes []string
	var out Outcome
	var runErr, fatal error
	_ = cloud.Retry(ctx, r.opts.StepRetries, r.retryPause, func(attempt int) error {
		if attempt > 0 {
			notes = append(notes, fmt.Sprintf("attempt %d failed and was retried: %v", attempt, runErr))
		}
		var sc *StepContext
		if sc, out, runErr, fatal = r.attempt(ctx, s, attempt > 0); fatal != nil {
			return cloud.Permanent(fatal)
		}
		notes = append(notes, sc.Notes()...)
		return runErr
	})
	if fatal != nil {
		r.setFatal(fatal)
		return fatal
	}
	return r.record(ctx, s, out, runErr, notes)
}

// attempt journals the start of one attempt and runs the executor.
func (r *run) attempt(ctx context.Context, s plans.Step, retry bool) (*StepContext, Outcome, error, error) {
	before, err := r.journal.UpdateStep(s.ID, func(rec *StepRecord) {
		rec.State, rec.Attempts, rec.StartedAt = StateRunning, rec.Attempts+1, time.Now().UTC()
		rec.FinishedAt, rec.Error = time.Time{}, ""
	})
	if err != nil {
		return nil, Outcome{}, nil, err
	}
	if !retry {
		r.emit(s, before.State, StateRunning, "", "", false)
	}
	sc := &StepContext{Step: s, Plan: r.plan, Source: r.src, Target: r.dst, Journal: r.journal, Data: r.data, Buckets: r.opts.Buckets, deleteObjects: r.opts.DeleteObjects,
		Resume: before.Attempts > 0, Previous: before, inv: r.ix, mark: newMarker(r.plan.ID, s.ID), poll: r.poll}
	if before.Stale {
		if err := dropStaleCopy(ctx, sc, before); err != nil {
			return sc, Outcome{}, err, nil
		}
		if before, err = r.journal.UpdateStep(s.ID, func(rec *StepRecord) { rec.Stale, rec.TargetID = false, "" }); err != nil {
			return nil, Outcome{}, nil, err
		}
		sc.Resume, sc.Previous = false, before
	}
	out, runErr := r.reg[s.Kind].Execute(ctx, sc)
	return sc, out, runErr, nil
}

// record journals how a step ended.
func (r *run) record(ctx context.Context, s plans.Step, out Outcome, runErr error, notes []string) error {
	to, msg := StateSucceeded, ""
	if runErr != nil {
		to, msg = StateFailed, runErr.Error()
		if ctx.Err() != nil {
			msg = "interrupted: " + msg
		}
	}
	_, err := r.journal.UpdateStep(s.ID, func(rec *StepRecord) {
		rec.State, rec.Error, rec.FinishedAt, rec.Notes = to, msg, time.Now().UTC(), notes
		if runErr == nil {
			rec.TargetID, rec.Adopted, rec.Bytes, rec.Values = out.TargetID, out.Adopted, out.Bytes, out.Values
		}
	})
	if err != nil {
		r.setFatal(err)
		return err
	}
	r.emit(s, StateRunning, to, msg, out.TargetID, out.Adopted)
	if runErr != nil {
		r.cut.stepEnded(ctx, s)
		return fmt.Errorf("step %s: %w", s.ID, runErr)
	}
	return nil
}

func (r *run) skipStep(s, cause plans.Step) {
	msg := fmt.Sprintf("skipped: it depends on step %s, which did not succeed", cause.ID)
	before, err := r.journal.UpdateStep(s.ID, func(rec *StepRecord) {
		rec.State, rec.Error, rec.FinishedAt = StateSkipped, msg, time.Now().UTC()
	})
	if err != nil {
		r.setFatal(err)
		return
	}
	r.emit(s, before.State, StateSkipped, msg, "", false)
	r.cut.stepEnded(context.Background(), s)
}

func (r *run) emit(s plans.Step, from, to State, msg, targetID string, adopted bool) {
	e := Event{Time: time.Now().UTC(), Step: s.ID, Kind: s.Kind, Name: s.Name,
		From: from, To: to, Error: msg, TargetID: targetID, Adopted: adopted}
	if to == StateSucceeded {
		if c, ok := serverCutover(r.plan, s, r.journal.Step(s.ID), r.journal.StoppedServers()); ok {
			e.Cutover = &c
		}
	}
	r.obs.StepChanged(e)
}

// finish tidies up after the walk: the source servers whose cutover
// failed are running again (cutover.go); temporary artefacts go when
// every step succeeded.
func (r *run) finish(ctx context.Context, notStarted int) {
	names, err := r.cut.finish(ctx)
	r.restarted = names
	if err != nil {
		r.setFatal(err)
	}
	complete := notStarted == 0 && !r.failedFatally()
	for _, s := range r.plan.Steps {
		if r.journal.Step(s.ID).State != StateSucceeded {
			complete = false
		}
	}
	if complete {
		if _, err := r.data.CleanupOrphans(ctx); err != nil {
			r.setFatal(fmt.Errorf("remove temporary copies: %w", err))
		}
	}
}

// verdict is Run's error: nil only when every step succeeded.
func (r *run) verdict(ctx context.Context, rep *Report) error {
	r.mu.Lock()
	fatal := r.fatal
	r.mu.Unlock()
	if fatal != nil {
		return fatal
	}
	if ctx.Err() != nil && rep.Counts[StateSucceeded] < len(r.plan.Steps) {
		return fmt.Errorf("%w: interrupted with %d of %d steps done: %w", ErrIncomplete, rep.Counts[StateSucceeded], len(r.plan.Steps), ctx.Err())
	}
	if n := rep.Counts[StateFailed] + rep.Counts[StateSkipped] + rep.NotStarted; n > 0 {
		return fmt.Errorf("%w: %d steps failed, %d skipped, %d not started (re-run migrate to resume)",
			ErrIncomplete, rep.Counts[StateFailed], rep.Counts[StateSkipped], rep.NotStarted)
	}
	return nil
}
