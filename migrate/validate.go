package migrate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scs-migrate/scs-migrate/plans"
)

// ErrInvalidPlan means the plan cannot be executed as it stands.
var ErrInvalidPlan = errors.New("invalid plan")

// kubeKinds are step kinds whose executors need the Kubernetes
// management clusters (registered by Kube.Register).
var kubeKinds = map[plans.StepKind]bool{
	plans.StepCluster: true, plans.StepVeleroBackup: true, plans.StepVeleroRestore: true,
}

// buildGraph checks that every step can run — the plan has its ID and
// source inventory, every step's kind has an executor, and the steps
// form the DAG plans.NewGraph and Graph.Order accept — and returns the
// plan's graph. The plan holds every edge; nothing is added here.
func buildGraph(p *plans.Plan, reg Registry) (*plans.Graph, error) {
	if p.Inventory == nil {
		return nil, fmt.Errorf("%w: plan %q has no source inventory", ErrInvalidPlan, p.ID)
	}
	if p.ID == "" {
		return nil, fmt.Errorf("%w: the plan has no ID", ErrInvalidPlan)
	}
	var problems []string
	for _, s := range p.Steps {
		if _, ok := reg[s.Kind]; !ok {
			problems = append(problems, unsupported(s))
		}
	}
	g, err := plans.NewGraph(p.Steps)
	if err == nil {
		_, err = g.Order()
	}
	if err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w %q:\n  %s", ErrInvalidPlan, p.ID, strings.Join(problems, "\n  "))
	}
	return g, nil
}

func unsupported(s plans.Step) string {
	if kubeKinds[s.Kind] {
		return fmt.Sprintf("step %q: %s steps need the KaaS management clusters of both clouds: "+
			"give --source-kubeconfig and --target-kubeconfig", s.ID, s.Kind)
	}
	return fmt.Sprintf("step %q: unknown step kind %q", s.ID, s.Kind)
}
