package migrate

import (
	"slices"
	"time"

	"github.com/scs-migrate/scs-migrate/plans"
)

// ServerCutover is the downtime of one source server the plan stopped:
// from its stop on the source until its twin was ACTIVE on the target,
// beside the plan's estimate.
type ServerCutover struct {
	ServerID string `json:"serverID"`
	Name     string `json:"name"`
	Wave     string `json:"wave,omitempty"`
	// StoppedAt is when the plan stopped the server on the source.
	StoppedAt time.Time `json:"stoppedAt"`
	// ActiveAt is when its twin was ACTIVE on the target; zero while it
	// is not.
	ActiveAt time.Time `json:"activeAt,omitzero"`
	// Downtime is ActiveAt − StoppedAt; zero while the twin is not up.
	Downtime time.Duration `json:"downtime,omitempty"`
	// Estimate is the plan's expected downtime at its bandwidth.
	Estimate time.Duration `json:"estimate,omitempty"`
	// Restarted says the server runs on the source again (its cutover
	// failed, or the run was interrupted), and since when.
	Restarted   bool      `json:"restarted,omitempty"`
	RestartedAt time.Time `json:"restartedAt,omitzero"`
}

// cutoverReport lists the servers the plan stopped, in plan order.
func cutoverReport(p *plans.Plan, recs map[string]StepRecord, stopped []Stopped) []ServerCutover {
	var out []ServerCutover
	for _, s := range p.Steps {
		if c, ok := serverCutover(p, s, recs[s.ID], stopped); ok {
			out = append(out, c)
		}
	}
	return out
}

// serverCutover is the cutover of the server step s, if the plan stopped
// its source server.
func serverCutover(p *plans.Plan, s plans.Step, rec StepRecord, stopped []Stopped) (ServerCutover, bool) {
	if s.Kind != plans.StepServer {
		return ServerCutover{}, false
	}
	i := slices.IndexFunc(stopped, func(st Stopped) bool { return st.ServerID == s.SourceID })
	if i < 0 {
		return ServerCutover{}, false
	}
	st := stopped[i]
	c := ServerCutover{ServerID: s.SourceID, Name: s.Name, Wave: s.Wave, StoppedAt: st.StoppedAt,
		Restarted: st.Restarted, RestartedAt: st.RestartedAt}
	if j := slices.IndexFunc(p.Downtime, func(d plans.Downtime) bool { return d.ServerID == s.SourceID }); j >= 0 {
		c.Estimate = time.Duration(p.Downtime[j].Seconds) * time.Second
	}
	if rec.State == StateSucceeded && !st.Restarted && rec.FinishedAt.After(st.StoppedAt) {
		c.ActiveAt, c.Downtime = rec.FinishedAt, rec.FinishedAt.Sub(st.StoppedAt)
	}
	return c, true
}

// LongestDowntime is the longest downtime of a server whose twin is up.
func (r *Report) LongestDowntime() (ServerCutover, bool) {
	var longest ServerCutover
	for _, c := range r.Servers {
		if c.Downtime > longest.Downtime {
			longest = c
		}
	}
	return longest, longest.Downtime > 0
}
