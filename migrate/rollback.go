package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// RollbackOptions tune Rollback.
type RollbackOptions struct {
	// Data removes the temporary copies on both clouds; nil means a
	// transfer.Copier.
	Data DataMover
	// Poll and Timeout as in Options.
	Poll, Timeout time.Duration
	// Kube reaches the target's KaaS, to delete the Clusters the plan made.
	Kube *Kube
	// Buckets removes the buckets the plan made (with their objects).
	Buckets BucketMover
}

// RollbackReport says what a rollback did.
type RollbackReport struct {
	// Deleted are the target resources removed, in the order removed.
	Deleted []string `json:"deleted"`
	// Restored are the target default security groups whose rules were
	// put back as they were.
	Restored []string `json:"restored,omitempty"`
	// Restarted are the source servers started again.
	Restarted []string `json:"restarted,omitempty"`
	// Temporaries are the temporary copies removed from either cloud.
	Temporaries []string `json:"temporaries,omitempty"`
}

// Rollback deletes what plan p made on the target — the resources in the
// journal and those carrying the plan's markers, nothing else — in
// reverse dependency order, puts back the rules of the target's default
// security group, removes temporary copies from both clouds and restarts
// the source servers the plan stopped. It is idempotent; when it
// succeeds the journal is reset, so the plan can be migrated again.
func Rollback(ctx context.Context, p *plans.Plan, j *Journal, src, dst *cloud.Session, opts RollbackOptions) (*RollbackReport, error) {
	if err := checkSessions(p, src, dst); err != nil {
		return nil, err
	}
	if err := j.checkTarget(dst.ProjectID); err != nil {
		return nil, err
	}
	poll := cloud.Poll{Max: orDefault(opts.Poll, DefaultPoll), Timeout: orDefault(opts.Timeout, DefaultTimeout)}
	data := opts.Data
	if data == nil {
		data = &transfer.Copier{Source: src, Target: dst}
	}
	rep := &RollbackReport{}
	var errs []error
	k := opts.Kube
	if k == nil {
		k = &Kube{}
	}
	deleted, err := k.RollbackClusters(ctx, j, opts.Timeout)
	rep.Deleted = append(rep.Deleted, deleted...)
	if err != nil {
		errs = append(errs, err)
	}
	if err := removeBuckets(ctx, j, opts.Buckets, rep); err != nil {
		errs = append(errs, err)
	}
	keep := map[string]string{}
	if m, ok := opts.Buckets.(mintedCredentials); ok && opts.Buckets != nil {
		keep = m.Minted()
	}
	if err := revokeLeftCredentials(ctx, j, src, dst, keep); err != nil {
		errs = append(errs, err)
	}
	if err := removeTarget(ctx, p, j, dst, poll, rep); err != nil {
		errs = append(errs, err)
	}
	if err := restoreDefaultRules(ctx, p, j, dst, rep); err != nil {
		errs = append(errs, err)
	}
	if err := removeSourceTemporaries(ctx, j, src, rep); err != nil {
		errs = append(errs, err)
	}
	removed, err := data.CleanupOrphans(ctx)
	rep.Temporaries = append(rep.Temporaries, removed...)
	if err != nil {
		errs = append(errs, fmt.Errorf("remove temporary copies: %w", err))
	}
	names, err := restartSource(ctx, src, j, poll)
	rep.Restarted = names
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return rep, fmt.Errorf("rollback incomplete (run it again): %w", errors.Join(errs...))
	}
	return rep, j.Reset()
}

// removeTarget deletes the plan's target resources kind by kind.
func removeTarget(ctx context.Context, p *plans.Plan, j *Journal, dst *cloud.Session, poll cloud.Poll, rep *RollbackReport) error {
	marked, err := markedResources(ctx, dst, p, j)
	if err != nil {
		return err
	}
	byKind := map[string][]Created{}
	seen := map[string]bool{}
	for _, r := range append(reverse(j.CreatedResources()), marked...) {
		if r.Cloud != "target" || r.Kind == kindBucket || r.Kind == kindEC2 || seen[r.key()] {
			continue
		}
		seen[r.key()] = true
		byKind[r.Kind] = append(byKind[r.Kind], r)
	}
	var errs []error
	for _, k := range removalOrder {
		for _, r := range byKind[k.kind] {
			if err := k.remove(ctx, dst, r, poll); err != nil {
				errs = append(errs, cloud.Wrap("delete "+describeCreated(r), err))
				continue
			}
			rep.Deleted = append(rep.Deleted, describeCreated(r))
			if err := j.RemoveCreated(r.Cloud, r.Kind, r.ID); err != nil {
				return err
			}
		}
	}
	return errors.Join(errs...)
}

func reverse[T any](s []T) []T {
	out := make([]T, len(s))
	for i, x := range s {
		out[len(s)-1-i] = x
	}
	return out
}

// restoreDefaultRules gives the target default security groups back the
// rules they had before the plan replaced them.
func restoreDefaultRules(ctx context.Context, p *plans.Plan, j *Journal, dst *cloud.Session, rep *RollbackReport) error {
	for _, s := range p.Steps {
		if s.Kind != plans.StepSecurityGroupRules {
			continue
		}
		id, ok := j.TargetID("security-group", s.SourceID)
		if !ok {
			continue
		}
		var saved []Rule
		if ok, err := j.Load(defaultRulesKey(id), &saved); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		have, err := groupRules(ctx, dst, id)
		if err != nil {
			return err
		}
		if _, _, _, err := convergeRules(ctx, dst, id, saved, have); err != nil {
			return fmt.Errorf("restore the rules of default security group %s: %w", id, err)
		}
		rep.Restored = append(rep.Restored, id)
		if err := j.Forget(defaultRulesKey(id)); err != nil {
			return err
		}
	}
	return nil
}

// removeSourceTemporaries deletes the source snapshots the journal knows.
func removeSourceTemporaries(ctx context.Context, j *Journal, src *cloud.Session, rep *RollbackReport) error {
	var errs []error
	for _, r := range j.CreatedResources() {
		if r.Cloud != "source" || r.Kind == kindEC2 {
			continue
		}
		if r.Kind != "image" || !strings.HasPrefix(r.Name, transfer.TempPrefix) {
			errs = append(errs, fmt.Errorf("unexpected source resource %s in the journal; left alone", describeCreated(r)))
			continue
		}
		sc := &StepContext{Source: src, Journal: j}
		if err := removeSourceImage(ctx, sc, r.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Temporaries = append(rep.Temporaries, describeCreated(r))
	}
	return errors.Join(errs...)
}
