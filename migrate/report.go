package migrate

import (
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// Report says what a migration did, step by step. Status builds the same
// report from the journal alone.
type Report struct {
	PlanID     string    `json:"planID"`
	Journal    string    `json:"journal"`
	StartedAt  time.Time `json:"startedAt,omitzero"`
	FinishedAt time.Time `json:"finishedAt,omitzero"`
	// Counts are the steps per state.
	Counts map[State]int `json:"counts"`
	// NotStarted are steps a run left pending because it was interrupted.
	NotStarted int          `json:"notStarted,omitempty"`
	Steps      []StepReport `json:"steps"`
	// AddressChanges map old floating IP addresses to new ones, for DNS.
	AddressChanges []AddressChange `json:"addressChanges,omitempty"`
	// Bytes is the image and volume data the plan's finished copy steps
	// moved, over all runs (a re-run that copies nothing reports the
	// same figure; its events show that no step ran).
	Bytes int64 `json:"bytes"`
	// SourceCalls and TargetCalls count the API calls the sessions made.
	SourceCalls int64 `json:"sourceCalls,omitempty"`
	TargetCalls int64 `json:"targetCalls,omitempty"`
	// Stopped are the source servers the plan stopped; Restarted those
	// this run started again.
	Stopped   []Stopped `json:"stopped,omitempty"`
	Restarted []string  `json:"restarted,omitempty"`
	// AcceptedDrift are the source changes since the plan that the run
	// went on with (Options.AcceptDrift).
	AcceptedDrift []inventory.Change `json:"acceptedDrift,omitempty"`
	// Servers are the cutovers of the source servers the plan stopped:
	// when each went down, when its twin came up, the downtime and the
	// plan's estimate.
	Servers []ServerCutover `json:"servers,omitempty"`
}

// StepReport is one step's line in a report.
type StepReport struct {
	ID       string         `json:"id"`
	Kind     plans.StepKind `json:"kind"`
	Name     string         `json:"name"`
	State    State          `json:"state"`
	Attempts int            `json:"attempts,omitempty"`
	TargetID string         `json:"targetID,omitempty"`
	Adopted  bool           `json:"adopted,omitempty"`
	Error    string         `json:"error,omitempty"`
	Notes    []string       `json:"notes,omitempty"`
	Duration time.Duration  `json:"duration,omitempty"`
	// Values are the facts the step kept (a bucket copy's object counts,
	// a copy's checksums, a floating IP's old and new address).
	Values map[string]string `json:"values,omitempty"`
}

// AddressChange is an address that is another on the target: a
// floating IP, a load balancer's VIP, a Kubernetes API endpoint or a
// LoadBalancer Service's or Ingress's address.
type AddressChange struct {
	Old string `json:"old"`
	New string `json:"new"`
	// Server says whose address it is (a server's name, "VIP of load
	// balancer shop-lb", "API endpoint of cluster shop", …).
	Server string `json:"server,omitempty"`
	// DNSName is the floating IP's dns_name.dns_domain on the source,
	// where Neutron's DNS integration kept one: the record to change.
	DNSName string `json:"dnsName,omitempty"`
}

// Values keys of floating-ip steps.
const (
	valueOldAddress = "oldAddress"
	valueNewAddress = "newAddress"
	valueServer     = "server"
)

// Complete reports whether every step succeeded.
func (r *Report) Complete() bool {
	return r.Counts[StateSucceeded] == len(r.Steps)
}

// Status is where the migration of plan p stands, from its journal; a
// nil journal means nothing has run yet.
func Status(p *plans.Plan, j *Journal) *Report { return newReport(p, j) }

func newReport(p *plans.Plan, j *Journal) *Report {
	rep := &Report{PlanID: p.ID, Counts: map[State]int{}}
	recs := map[string]StepRecord{}
	if j != nil {
		recs, rep.Journal, rep.Stopped = j.Steps(), j.Path(), j.StoppedServers()
	}
	dnsNames := map[string]string{}
	if p.Inventory != nil {
		for _, f := range p.Inventory.FloatingIPs {
			if f.DNSName != "" {
				dnsNames[f.ID] = strings.TrimSuffix(f.DNSName+"."+f.DNSDomain, ".")
			}
		}
	}
	for _, s := range p.Steps {
		rec, ok := recs[s.ID]
		if !ok {
			rec.State = StatePending
		}
		rep.Counts[rec.State]++
		sr := StepReport{ID: s.ID, Kind: s.Kind, Name: s.Name, State: rec.State, Attempts: rec.Attempts,
			TargetID: rec.TargetID, Adopted: rec.Adopted, Error: rec.Error, Notes: rec.Notes, Values: rec.Values}
		if !rec.StartedAt.IsZero() && rec.FinishedAt.After(rec.StartedAt) {
			sr.Duration = rec.FinishedAt.Sub(rec.StartedAt)
		}
		rep.Steps = append(rep.Steps, sr)
		if rec.State == StateSucceeded {
			rep.Bytes += rec.Bytes
			if old, nw := rec.Values[valueOldAddress], rec.Values[valueNewAddress]; nw != "" && nw != old {
				rep.AddressChanges = append(rep.AddressChanges, AddressChange{Old: old, New: nw, Server: rec.Values[valueServer],
					DNSName: dnsNames[s.SourceID]})
			}
			rep.AddressChanges = append(rep.AddressChanges, KubeAddressChanges(s, rec)...)
		}
	}
	rep.Servers = cutoverReport(p, recs, rep.Stopped)
	return rep
}
