package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/objectstorage/v1/containers"
	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/transfer"
)

func transferBucketCommand() *cli.Command {
	return &cli.Command{
		Name: "bucket", Usage: "copy object storage buckets with every object, verified; a re-run copies only what changed",
		ArgsUsage: "BUCKET[=TARGET_NAME]…",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "source", Required: true, Usage: "source cloud `NAME` in clouds.yaml"},
			&cli.StringFlag{Name: "target", Required: true, Usage: "target cloud `NAME` in clouds.yaml"},
			&cli.IntFlag{Name: "transfers", Value: transfer.DefaultObjectTransfers, Usage: "`N` objects in flight at the same time"},
			&cli.IntFlag{Name: "part-size", Value: transfer.DefaultPartSize >> 20, Usage: "multipart part size in `MiB` (objects up to it go in one PUT)"},
			&cli.IntFlag{Name: "buffer", Value: transfer.DefaultBufferBudget >> 20, Usage: "bound the part buffers to `MiB` in all"},
			&cli.BoolFlag{Name: "delete", Usage: "remove objects the target bucket has and the source has not (by default they are only counted)"},
			&cli.BoolFlag{Name: "verify-only", Usage: "copy nothing: compare the object lists, sizes and checksums"},
			outputFlag("table", "table", "json", "yaml"),
		}, s3Flags("source", "target")...),
		Action: runTransferBucket,
	}
}

func runTransferBucket(c *cli.Context) error {
	args := c.Args().Slice()
	switch {
	case len(args) == 0:
		return cli.Exit("name at least one bucket to copy", 2)
	case c.String("source") == c.String("target"):
		return cli.Exit(fmt.Sprintf("--source and --target are both %q", c.String("source")), 2)
	case c.Int("transfers") < 1 || c.Int("part-size") < 5 || c.Int("buffer") < c.Int("part-size"):
		return cli.Exit("want --transfers ≥ 1, --part-size ≥ 5 (S3's smallest part) and --buffer ≥ --part-size", 2)
	}
	ctx := c.Context
	bc, srcSession, closeAll, err := openBucketCopier(ctx, c)
	if err != nil {
		return err
	}
	defer closeAll()
	bc.Transfers, bc.PartSize, bc.BufferBudget = c.Int("transfers"), int64(c.Int("part-size"))<<20, int64(c.Int("buffer"))<<20
	view := newProgress(os.Stderr)
	bc.Observer = view
	rows := make([]bucketRow, len(args))
	var errs []error
	for i, a := range args {
		src, dst, _ := strings.Cut(a, "=")
		rows[i] = bucketRow{Bucket: src, Target: cmpOr(dst, src)}
		start := time.Now()
		if c.Bool("verify-only") {
			d, err := bc.CompareBucket(ctx, src, rows[i].Target)
			rows[i].Diff, rows[i].Error = &d, errString(err)
			if err == nil && d.Problems() != "" {
				err = fmt.Errorf("bucket %s: %s", src, d.Problems())
			}
			errs = append(errs, err)
			continue
		}
		set, err := bc.Source.Settings(ctx, src)
		if err != nil {
			rows[i].Error = err.Error()
			errs = append(errs, err)
			continue
		}
		res, err := bc.CopyBucket(ctx, src, transfer.BucketOptions{Target: rows[i].Target, Delete: c.Bool("delete"), Settings: set,
			Expected: swiftSize(ctx, srcSession, src)})
		rows[i].Result, rows[i].Duration, rows[i].Error = &res, time.Since(start).Round(time.Millisecond).String(), errString(err)
		errs = append(errs, err)
	}
	view.Close()
	if err := printBuckets(c.App.Writer, c.String("output-format"), rows); err != nil {
		return err
	}
	return errors.Join(errs...)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// openBucketCopier opens both clouds and their S3; closeAll revokes
// credentials made for the run.
func openBucketCopier(ctx context.Context, c *cli.Context) (*transfer.BucketCopier, *cloud.Session, func(), error) {
	src, err := cloud.Open(ctx, c.String("source"), cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, nil, nil, err
	}
	dst, err := cloud.Open(ctx, c.String("target"), cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, nil, nil, err
	}
	bc, cs, err := readS3Config(c).bucketCopier(ctx, nil, src, dst)
	if err != nil {
		return nil, nil, nil, err
	}
	return bc, src, func() { cs.close(ctx, func(err error) { fmt.Fprintln(os.Stderr, "warning:", err) }) }, nil
}

// swiftSize is a bucket's size as Swift's container counters have it,
// for the progress totals without listing the bucket twice; nil where
// the cloud has no Swift (the copier lists it then).
func swiftSize(ctx context.Context, s *cloud.Session, bucket string) *transfer.BucketSize {
	if s.ObjectStore == nil {
		return nil
	}
	h, err := containers.Get(ctx, s.ObjectStore, bucket, nil).Extract()
	if err != nil {
		return nil
	}
	return &transfer.BucketSize{Bytes: h.BytesUsed, Objects: h.ObjectCount}
}

// bucketRow is one bucket of the result.
type bucketRow struct {
	Bucket   string                 `json:"bucket"`
	Target   string                 `json:"target"`
	Result   *transfer.BucketResult `json:"result,omitempty"`
	Diff     *transfer.BucketDiff   `json:"diff,omitempty"`
	Duration string                 `json:"duration,omitempty"`
	Error    string                 `json:"error,omitempty"`
}

func printBuckets(w io.Writer, format string, rows []bucketRow) error {
	if format != "table" {
		return encode(w, format, rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "BUCKET\tTARGET\tOBJECTS\tSIZE\tCOPIED\tUNCHANGED\tONLY ON TARGET\tTIME\tRESULT")
	for _, r := range rows {
		switch {
		case r.Diff != nil:
			fmt.Fprintf(tw, "%s\t%s\t%d\t\t\t\t%d\t\t%s\n", r.Bucket, r.Target, r.Diff.Objects, r.Diff.Extraneous,
				cmpOr(r.Error, cmpOr(r.Diff.Problems(), "verified")))
		case r.Result != nil:
			res := r.Result
			result := "copied"
			if res.Copied == 0 && res.Deleted == 0 {
				result = "up to date"
			}
			if r.Error != "" {
				result = "failed: " + r.Error
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d (%s)\t%d\t%d\t%s\t%s\n", r.Bucket, r.Target, res.Objects, humanBytes(res.Bytes),
				res.Copied, humanBytes(res.BytesCopied), res.Unchanged, res.Extraneous, r.Duration, result)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		if r.Result == nil {
			continue
		}
		for _, name := range sortedKeys(r.Result.Lost) {
			fmt.Fprintf(w, "%s: %s not kept: %s\n", r.Bucket, name, r.Result.Lost[name])
		}
		if r.Result.Aborted > 0 {
			fmt.Fprintf(w, "%s: aborted %d unfinished uploads of an interrupted run\n", r.Bucket, r.Result.Aborted)
		}
		if n := r.Result.Extraneous - r.Result.Deleted; n > 0 {
			fmt.Fprintf(w, "%s: %d objects only on the target (deleted on the source?), kept; --delete removes them: %s\n",
				r.Bucket, n, strings.Join(r.Result.ExtraneousFew, ", "))
		}
	}
	return nil
}
