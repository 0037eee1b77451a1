package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/s3"
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

// openS3 connects to one side's S3, or returns nil when the cloud has
// no object store at all.
func openS3(ctx context.Context, c *cli.Context, side string, sess *cloud.Session) (*s3.Client, error) {
	env := s3Env(side)
	o := s3.Options{Endpoint: c.String(side + "-s3-endpoint"), Region: c.String(side + "-s3-region"),
		AccessKey: os.Getenv(env + "_ACCESS_KEY"), SecretKey: s3.Secret(os.Getenv(env + "_SECRET_KEY"))}
	if o.Endpoint == "" {
		if _, err := sess.S3Endpoint(); err != nil {
			return nil, nil
		}
	}
	cl, err := s3.Open(ctx, sess, o)
	if err != nil {
		return nil, fmt.Errorf("%s object store: %w", side, err)
	}
	return cl, nil
}
