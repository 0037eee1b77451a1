package migrate

import (
	"context"
	"fmt"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
)

// claim describes one target resource that a step makes, so that ensure
// can make it exactly once across crashes and re-runs.
type claim struct {
	kind string // journal kind: "network", "port", …
	// key tells several claims of one step apart ("" for the main one).
	key    string
	name   string
	source string // source ID mapped to the result ("" for none)
	parent string // see Created.Parent
	// find lists the resources on the target that may be this claim's.
	find func(ctx context.Context) ([]candidate, error)
	// byName claims are recognised by name until their markers are set:
	// the same-named resources that existed before the first create are
	// remembered in the journal and never adopted.
	byName bool
	create func(ctx context.Context) (string, error)
	// mark sets the markers after create, where the create call cannot;
	// nil means create sets them.
	mark   func(ctx context.Context, id string) error
	remove func(ctx context.Context, id string) error
}

// candidate is a resource find returned.
type candidate struct {
	ID string
	// Marked: it carries this step's markers.
	Marked bool
	// Mine: it is this step's by construction, e.g. a subnet with the
	// planned CIDR on a network the plan made.
	Mine bool
	// Foreign: it carries another plan's or step's markers.
	Foreign bool
	// Broken: half-made or in an error state; removed and made again.
	Broken bool
}

// ensure returns the claim's resource: adopted when an earlier attempt
// made it, made otherwise. Extra or broken copies an earlier attempt left
// are removed, so nothing exists twice.
func (sc *StepContext) ensure(ctx context.Context, c claim) (id string, adopted bool, err error) {
	what := c.kind
	if c.name != "" {
		what = fmt.Sprintf("%s %q", c.kind, c.name)
	}
	ck := c.kind + "/" + c.key
	pre, snapshotted := sc.Previous.Preexisting[ck]
	if sc.Resume {
		id, err := sc.adopt(ctx, c, pre, snapshotted)
		if err != nil || id != "" {
			return id, id != "", err
		}
	}
	if c.byName && !snapshotted {
		if err := sc.snapshot(ctx, c, ck); err != nil {
			return "", false, err
		}
	}
	id, err = c.create(ctx)
	if err != nil {
		return "", false, cloud.Wrap("create "+what, err)
	}
	if c.mark != nil {
		if err := c.mark(ctx, id); err != nil {
			return "", false, cloud.Wrap("mark "+what, err)
		}
	}
	if err := sc.created(c.kind, c.source, id, c.name, c.parent); err != nil {
		return "", false, err
	}
	return id, false, nil
}

// adopt looks for what an earlier attempt made.
func (sc *StepContext) adopt(ctx context.Context, c claim, pre []string, snapshotted bool) (string, error) {
	found, err := c.find(ctx)
	if err != nil {
		return "", cloud.Wrap("look for "+c.kind+" made by an earlier run", err)
	}
	var keep candidate
	var stale []string
	for _, f := range found {
		mine := f.Mine || f.Marked || (c.byName && snapshotted && !f.Foreign && !slices.Contains(pre, f.ID))
		switch {
		case !mine:
		case f.Broken || keep.ID != "":
			stale = append(stale, f.ID)
		default:
			keep = f
		}
	}
	for _, id := range stale {
		if err := c.remove(ctx, id); err != nil && !cloud.IsNotFound(err) {
			return "", cloud.Wrap(fmt.Sprintf("remove unfinished %s %s", c.kind, id), err)
		}
		sc.Note("removed the unfinished %s %s an earlier run left", c.kind, id)
		if err := sc.Journal.RemoveCreated("target", c.kind, id); err != nil {
			return "", err
		}
	}
	if keep.ID == "" {
		return "", nil
	}
	if !keep.Marked && c.mark != nil {
		if err := c.mark(ctx, keep.ID); err != nil {
			return "", cloud.Wrap("mark "+c.kind, err)
		}
	}
	if err := sc.created(c.kind, c.source, keep.ID, c.name, c.parent); err != nil {
		return "", err
	}
	return keep.ID, nil
}

// snapshot remembers which same-named resources exist before the first
// create: they are the user's, never the plan's.
func (sc *StepContext) snapshot(ctx context.Context, c claim, ck string) error {
	found, err := c.find(ctx)
	if err != nil {
		return cloud.Wrap("look for existing "+c.kind+" "+c.name, err)
	}
	ids := []string{}
	for _, f := range found {
		if !f.Marked && !f.Mine {
			ids = append(ids, f.ID)
		}
	}
	return sc.snapshotIDs(ck, ids)
}

// snapshotIDs records the pre-existing IDs of a claim in the journal.
func (sc *StepContext) snapshotIDs(ck string, ids []string) error {
	_, err := sc.Journal.UpdateStep(sc.Step.ID, func(r *StepRecord) {
		if r.Preexisting == nil {
			r.Preexisting = map[string][]string{}
		}
		r.Preexisting[ck] = ids
	})
	if err != nil {
		return err
	}
	if sc.Previous.Preexisting == nil {
		sc.Previous.Preexisting = map[string][]string{}
	}
	sc.Previous.Preexisting[ck] = ids
	return nil
}
