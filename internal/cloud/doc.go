// Package cloud opens authenticated sessions to OpenStack clouds the way
// OpenStack users expect (clouds.yaml, OS_CLOUD, OS_* variables, password
// and application-credential auth, cacert/verify) and gives every caller
// the same HTTP stack: a bounded number of API calls in flight, retries
// with backoff on transient failures, transparent token renewal, and call
// counting. Credentials never leave this package except inside the
// gophercloud provider client.
package cloud
