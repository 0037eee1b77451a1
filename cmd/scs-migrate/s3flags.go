package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
	"github.com/scs-migrate/scs-migrate/plans"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// s3Flags are the object-store overrides of one side ("source" or
// "target"). Keys are not flags: a secret on a command line is visible
// to every user of the machine. They come from the environment.
func s3Flags(sides ...string) []cli.Flag {
	var out []cli.Flag
	for _, side := range sides {
		env := s3Env(side)
		out = append(out,
			&cli.StringFlag{Name: side + "-s3-endpoint", Usage: "S3 `URL` of the " + side + " (default: the catalog's object-store-s3, else the object-store host); " +
				"credentials: $" + env + "_ACCESS_KEY and $" + env + "_SECRET_KEY, else EC2 credentials made for the run and deleted afterwards"},
			&cli.StringFlag{Name: side + "-s3-region", Usage: "SigV4 `REGION` of the " + side + "'s S3 (default: the cloud's region, else us-east-1)"},
		)
	}
	return out
}

func s3Env(side string) string { return "SCS_MIGRATE_" + strings.ToUpper(side) + "_S3" }

// s3Config is how each side's S3 is reached, from flags and environment.
type s3Config map[string]s3.Options

func readS3Config(c *cli.Context) s3Config {
	cfg := s3Config{}
	for _, side := range []string{"source", "target"} {
		env := s3Env(side)
		cfg[side] = s3.Options{Endpoint: c.String(side + "-s3-endpoint"), Region: c.String(side + "-s3-region"),
			AccessKey: os.Getenv(env + "_ACCESS_KEY"), SecretKey: s3.Secret(os.Getenv(env + "_SECRET_KEY"))}
	}
	return cfg
}

// configured reports whether anything was set for the side.
func (cfg s3Config) configured(side string) bool {
	o := cfg[side]
	return o.Endpoint != "" || o.AccessKey != "" || o.SecretKey != ""
}

// errNoObjectStore: the cloud's catalog offers no S3 and none was given.
var errNoObjectStore = errors.New("no object store: neither object-store-s3 nor object-store is in the catalog")

// open connects to one side's S3.
func (cfg s3Config) open(ctx context.Context, side string, sess *cloud.Session) (*s3.Client, error) {
	o := cfg[side]
	if o.Endpoint == "" {
		if _, err := sess.S3Endpoint(); err != nil {
			return nil, fmt.Errorf("%s: %w (give --%s-s3-endpoint)", side, errNoObjectStore, side)
		}
	}
	cl, err := s3.Open(ctx, sess, o)
	if err != nil {
		return nil, fmt.Errorf("%s object store: %w", side, err)
	}
	return cl, nil
}

// closer revokes the credentials made for a run, warning on failure.
type closer []*s3.Client

func (cs closer) close(ctx context.Context, warn func(error)) {
	for _, cl := range cs {
		if err := cl.Close(context.WithoutCancel(ctx)); err != nil {
			warn(err)
		}
	}
}

// bucketCopier opens both sides' S3, or returns nil when the plan
// copies no bucket (no credentials are made then).
func (cfg s3Config) bucketCopier(ctx context.Context, p *plans.Plan, src, dst *cloud.Session) (*transfer.BucketCopier, closer, error) {
	if p != nil && !slices.ContainsFunc(p.Steps, func(s plans.Step) bool { return s.Kind == plans.StepCopyBucket }) {
		return nil, nil, nil
	}
	var cs closer
	from, err := cfg.open(ctx, "source", src)
	if err != nil {
		return nil, nil, err
	}
	cs = append(cs, from)
	to, err := cfg.open(ctx, "target", dst)
	if err != nil {
		cs.close(ctx, func(error) {})
		return nil, nil, err
	}
	return &transfer.BucketCopier{Source: from, Target: to}, append(cs, to), nil
}

// inventoryS3 opens the source's S3 for an inventory. When no S3 was
// configured and it cannot be reached (no object store, no right to
// make EC2 credentials), the inventory goes on through Swift alone,
// saying so: its buckets are then blocked in the plan with that reason.
func inventoryS3(c *cli.Context, sess *cloud.Session) (*s3.Client, func(), error) {
	cfg := readS3Config(c)
	cl, err := cfg.open(c.Context, "source", sess)
	switch {
	case errors.Is(err, errNoObjectStore) && !cfg.configured("source"):
		return nil, func() {}, nil
	case err != nil && !cfg.configured("source"):
		fmt.Fprintf(c.App.ErrWriter, "note: buckets are read through Swift only (%v)\n", err)
		return nil, func() {}, nil
	case err != nil:
		return nil, nil, err
	}
	return cl, func() {
		closer{cl}.close(c.Context, func(err error) { fmt.Fprintln(c.App.ErrWriter, "warning:", err) })
	}, nil
}
