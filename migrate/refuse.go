package migrate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// ErrRefused means migrate did not start: the plan cannot finish as it
// is, and nothing was changed on either cloud. The error is a *Refusal
// listing why.
var ErrRefused = errors.New("migration refused")

// Refusal is why migrate will not run a plan.
type Refusal struct {
	// What sums it up: "the plan is blocked", "the source changed since
	// the plan was made", …
	What string
	// Reasons are the findings, failed checks or changes, one a line.
	Reasons []string
	// Hint says what to do.
	Hint string
}

func (r *Refusal) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s; nothing was changed:", r.What)
	for _, reason := range r.Reasons {
		b.WriteString("\n  - " + reason)
	}
	if r.Hint != "" {
		b.WriteString("\n" + r.Hint)
	}
	return b.String()
}

func (r *Refusal) Unwrap() error { return ErrRefused }

// refuseBlocked refuses a plan whose own pre-flight failed or that
// blocks resources: running it would stop production on a plan that
// cannot finish.
func refuseBlocked(p *plans.Plan) error {
	var reasons []string
	for _, f := range p.Blocked {
		reasons = append(reasons, fmt.Sprintf("blocked %s %s: %s", f.Kind, cmpName(f.Name, f.SourceID), f.Reason))
	}
	for _, c := range p.Preflight {
		if !c.OK {
			reasons = append(reasons, fmt.Sprintf("pre-flight %s: %s", c.Name, c.Detail))
		}
	}
	if len(reasons) == 0 {
		return nil
	}
	return &Refusal{What: fmt.Sprintf("plan %s is blocked or failed its pre-flight checks", p.ID), Reasons: reasons,
		Hint: "Resolve them (a mapping file, more quota, other names) and plan again."}
}

func cmpName(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// recheck reads both clouds again before anything is changed, on every
// start and resume: the source resources in the plan must be as they
// were when it was made (unless acceptDrift), and the target must still
// have room and offer what the plan chose for the steps not yet done.
func recheck(ctx context.Context, p *plans.Plan, src, dst *cloud.Session, journalPath string, acceptDrift bool) (drift []inventory.Change, err error) {
	started, err := startedSteps(p, journalPath)
	if err != nil {
		return nil, err
	}
	now, err := inventory.Collect(ctx, src, inventory.Options{})
	if err != nil {
		return nil, fmt.Errorf("read the source again to check it against the plan: %w", err)
	}
	drift = inventory.Drift(p.Inventory, now)
	if len(drift) > 0 && !acceptDrift {
		reasons := make([]string, len(drift))
		for i, c := range drift {
			reasons[i] = c.String()
		}
		return drift, &Refusal{What: fmt.Sprintf("the source changed since plan %s was made", p.ID), Reasons: reasons,
			Hint: "Plan again; or, having read the changes, run migrate with --accept-drift to move what the plan holds."}
	}
	tgt, err := plans.ReadTarget(ctx, dst)
	if err != nil {
		return drift, fmt.Errorf("read the target again to check it against the plan: %w", err)
	}
	var reasons []string
	for _, c := range plans.Recheck(p, tgt, func(id string) bool { return started[id] }) {
		if !c.OK {
			reasons = append(reasons, c.Name+": "+c.Detail)
		}
	}
	if len(reasons) > 0 {
		return drift, &Refusal{What: fmt.Sprintf("the target no longer fits plan %s", p.ID), Reasons: reasons,
			Hint: "Make room on the target (quota, names) and run migrate again, or plan again."}
	}
	return drift, nil
}

// startedSteps are the steps an earlier run started, from the journal if
// there is one (it is only read). A started step may have made its
// resource already — a crash can fall between the create call and the
// journal write — and the re-run adopts it: neither its name on the
// target nor its quota is new.
func startedSteps(p *plans.Plan, journalPath string) (map[string]bool, error) {
	started := map[string]bool{}
	if _, err := os.Stat(journalPath); errors.Is(err, os.ErrNotExist) {
		return started, nil
	}
	j, err := OpenJournal(journalPath, p, true)
	if err != nil {
		return nil, err
	}
	defer j.Close()
	for id, rec := range j.Steps() {
		started[id] = rec.Attempts > 0 || rec.State == StateSucceeded
	}
	return started, nil
}
