// Package migrate executes a migration plan: it walks the plan's DAG with
// bounded parallelism, runs one Executor per step kind (registered
// explicitly in a Registry), records every transition in a crash-safe
// journal beside the plan, and marks every resource it creates on the
// target so that a re-run after a crash adopts what an earlier run made
// instead of creating it twice. Verify compares the target with the
// source inventory through the plan's mappings; Rollback removes what a
// plan created and nothing else.
//
// The journal (a bbolt file, mode 0600, fsynced on every commit) is the
// single source of truth for what a plan has done. Markers are the
// fallback for the moment between a create call and its journal write:
// Neutron, Nova and Octavia tags, Glance properties and Cinder metadata
// carry the plan and step; keypairs and server groups are found by name,
// against a snapshot of the same-named resources that existed before the
// first create was attempted.
package migrate

// APIVersion is the version of the JSON documents this package writes:
// the migration Report (migrate and status -o json), the CutoverReport
// (--report FILE.json), the VerifyReport (verify -o json) and the Event
// lines (--events). They carry no apiVersion field of their own; this
// version names their schemas in docs/schemas/, and changes when their
// shape does (see internal/schema).
const APIVersion = "scs-migrate.io/v1alpha1"
