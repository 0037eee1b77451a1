// Package reliability holds the reliability and security suite of
// scs-migrate (issue 9): whole migrations of the example tenant on the
// simulated clouds under fault injection, quota exhaustion and name
// clashes, hostile input to the real CLI binary, a search for secrets in
// everything the tool writes, TLS verification, and a 10,000-resource
// load test. Its code is all in _test.go files; docs/reliability.md has
// the figures it measures. The crash harness lives beside the journal,
// in migrate/crash_test.go.
package reliability
