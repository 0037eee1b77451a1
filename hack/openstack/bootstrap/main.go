// Command bootstrap registers and seeds the local OpenStack fixture of
// hack/openstack (see its README). It talks to the cloud as the Keystone
// admin, with gophercloud, and is idempotent: everything is looked up
// before it is created.
//
//	bootstrap register  service project, service users, catalog
//	bootstrap wait      until Nova, Cinder, Glance and Neutron answer and
//	                    nova-compute and cinder-volume are up
//	bootstrap seed      tenants source and target, the SCS seed, clouds.yaml
//
// Passwords come from the environment: SCS_OS_ADMIN_PASSWORD,
// SCS_OS_SERVICE_PASSWORD and SCS_OS_USER_PASSWORD; setup.sh sets them
// from the state directory.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
)

// Fixed facts of the fixture; setup.sh configures the services the same way.
const (
	host   = "127.0.0.1"
	region = "RegionOne"
	domain = "Default"
)

// since is the -since flag of wait.
var since timeFlag

// timeFlag is a flag.Value holding an RFC 3339 time.
type timeFlag struct{ time.Time }

func (t *timeFlag) String() string { return t.Format(time.RFC3339) }

func (t *timeFlag) Set(s string) (err error) {
	t.Time, err = time.Parse(time.RFC3339, s)
	return err
}

func main() {
	authURL := flag.String("auth-url", envOr("SCS_OS_AUTH_URL", "http://"+host+":5000/v3"), "Keystone v3 URL")
	state := flag.String("state", envOr("SCS_OS_STATE", "/var/tmp/scs-openstack"), "state directory (clouds.yaml and seed data go here)")
	timeout := flag.Duration("timeout", 5*time.Minute, "overall time limit")
	flag.Var(&since, "since", "wait: count a service as up only if it reported after this time (RFC 3339), so a heartbeat from before a restart does not count")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: bootstrap [flags] register|wait|seed\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	start := time.Now()
	err := run(ctx, flag.Arg(0), *authURL, *state)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bootstrap %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
	logf("%s done in %.1fs", flag.Arg(0), time.Since(start).Seconds())
}

func run(ctx context.Context, cmd, authURL, state string) error {
	adminPW := os.Getenv("SCS_OS_ADMIN_PASSWORD")
	if adminPW == "" {
		return errors.New("SCS_OS_ADMIN_PASSWORD is not set")
	}
	pc, err := openstack.AuthenticatedClient(ctx, gophercloud.AuthOptions{
		IdentityEndpoint: authURL, Username: "admin", Password: adminPW,
		DomainName: domain, TenantName: "admin", AllowReauth: true,
	})
	if err != nil {
		return fmt.Errorf("authenticate as admin at %s: %w", authURL, err)
	}
	eo := gophercloud.EndpointOpts{Region: region}
	switch cmd {
	case "register":
		pw := os.Getenv("SCS_OS_SERVICE_PASSWORD")
		if pw == "" {
			return errors.New("SCS_OS_SERVICE_PASSWORD is not set")
		}
		return register(ctx, pc, eo, pw)
	case "wait":
		return waitReady(ctx, pc, eo)
	case "seed":
		pw := os.Getenv("SCS_OS_USER_PASSWORD")
		if pw == "" {
			return errors.New("SCS_OS_USER_PASSWORD is not set")
		}
		return seed(ctx, pc, eo, authURL, state, pw)
	}
	return fmt.Errorf("unknown command %q", cmd)
}

func ptr[T any](v T) *T { return &v }

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bootstrap %s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func short(err error) string {
	s := err.Error()
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
