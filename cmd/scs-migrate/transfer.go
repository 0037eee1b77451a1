package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/transfer"
)

func transferCommand() *cli.Command {
	return &cli.Command{
		Name:  "transfer",
		Usage: "stream images, volumes and buckets from one cloud to another, verified",
		Description: "Copies images and volumes between two clouds named in clouds.yaml, each as one stream\n" +
			"from the source's download into the target's upload (nothing is staged on local disk),\n" +
			"verified by MD5 and SHA-512, resumed where the download breaks. Volumes travel as a\n" +
			"temporary qcow2 image; temporary resources are removed on both clouds afterwards.",
		Subcommands: []*cli.Command{
			{
				Name: "image", Usage: "copy images", ArgsUsage: "IMAGE_ID…",
				Flags: append(transferFlags(),
					&cli.StringFlag{Name: "visibility", Value: "private", Usage: "`VISIBILITY` of the copies (private, shared, community, public)"}),
				Action: func(c *cli.Context) error { return runTransfer(c, "image") },
			},
			{
				Name: "volume", Usage: "copy volumes (in-use ones through a temporary snapshot)", ArgsUsage: "VOLUME_ID…",
				Flags: append(transferFlags(),
					&cli.StringFlag{Name: "volume-type", Usage: "volume `TYPE` on the target (default: the target's default)"},
					&cli.StringFlag{Name: "availability-zone", Usage: "availability `ZONE` on the target"}),
				Action: func(c *cli.Context) error { return runTransfer(c, "volume") },
			},
			transferBucketCommand(),
			{
				Name:  "cleanup",
				Usage: "remove temporary images, volumes and snapshots left by interrupted transfers",
				Flags: transferFlags()[:2],
				Action: func(c *cli.Context) error {
					o := transferOptions{source: c.String("source"), target: c.String("target")}
					return o.cleanup(c.Context, c.App.Writer)
				},
			},
		},
	}
}

func transferFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "source", Required: true, Usage: "source cloud `NAME` in clouds.yaml"},
		&cli.StringFlag{Name: "target", Required: true, Usage: "target cloud `NAME` in clouds.yaml"},
		&cli.IntFlag{Name: "transfers", Value: transfer.DefaultTransfers, Usage: "`N` streams at the same time"},
		&cli.IntFlag{Name: "retries", Value: transfer.DefaultRetries, Usage: "start a failed stream again up to `N` times"},
		outputFlag("table", "table", "json", "yaml"),
	}
}

// transferOptions is one invocation of transfer image|volume.
type transferOptions struct {
	kind           string
	source, target string
	transfers      int
	retries        int
	ids            []string
	output         string
	visibility     string
	volumeType, az string
}

func runTransfer(c *cli.Context, kind string) error {
	o := transferOptions{kind: kind}
	o.complete(c)
	if err := o.validate(); err != nil {
		return cli.Exit(err.Error(), 2)
	}
	return o.run(c.Context, c.App.Writer, os.Stderr)
}

func (o *transferOptions) complete(c *cli.Context) {
	o.source, o.target = c.String("source"), c.String("target")
	o.transfers, o.retries = c.Int("transfers"), c.Int("retries")
	o.ids = c.Args().Slice()
	o.output = c.String("output-format")
	o.visibility = c.String("visibility")
	o.volumeType, o.az = c.String("volume-type"), c.String("availability-zone")
}

func (o *transferOptions) validate() error {
	switch {
	case len(o.ids) == 0:
		return fmt.Errorf("name at least one %s ID to copy", o.kind)
	case o.source == o.target:
		return fmt.Errorf("--source and --target are both %q", o.source)
	case o.transfers < 1:
		return fmt.Errorf("--transfers %d: want at least 1", o.transfers)
	}
	return nil
}

// copier opens both clouds.
func (o *transferOptions) copier(ctx context.Context) (*transfer.Copier, error) {
	src, err := cloud.Open(ctx, o.source, cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, err
	}
	dst, err := cloud.Open(ctx, o.target, cloudOptions(cloud.Options{}))
	if err != nil {
		return nil, err
	}
	retries := o.retries
	if retries == 0 {
		retries = -1 // the flag's 0 means none; the Copier's 0 means the default
	}
	return &transfer.Copier{Source: src, Target: dst, Transfers: o.transfers, Retries: retries}, nil
}

// run copies every ID, all at once; the Copier bounds the streams. A
// failed copy does not stop the others.
func (o *transferOptions) run(ctx context.Context, stdout, stderr io.Writer) error {
	c, err := o.copier(ctx)
	if err != nil {
		return err
	}
	view := newProgress(stderr)
	c.Observer = view
	results := make([]transfer.Result, len(o.ids))
	errs := make([]error, len(o.ids))
	var wg sync.WaitGroup
	for i, id := range o.ids {
		wg.Go(func() { results[i], errs[i] = o.copyOne(ctx, c, id) })
	}
	wg.Wait()
	view.Close()
	if err := o.print(stdout, results, errs); err != nil {
		return err
	}
	return errors.Join(errs...)
}

func (o *transferOptions) copyOne(ctx context.Context, c *transfer.Copier, id string) (transfer.Result, error) {
	if o.kind == "volume" {
		return c.CopyVolume(ctx, id, transfer.VolumeOptions{VolumeType: o.volumeType, AvailabilityZone: o.az})
	}
	return c.CopyImage(ctx, id, transfer.ImageOptions{Visibility: o.visibility})
}

// transferRow is one line of the result: a copy, or why it failed.
type transferRow struct {
	transfer.Result
	Duration string `json:"duration"` // readable, instead of nanoseconds
	Error    string `json:"error,omitempty"`
}

func (o *transferOptions) print(w io.Writer, results []transfer.Result, errs []error) error {
	rows := make([]transferRow, len(results))
	for i, r := range results {
		rows[i].Result = r
		rows[i].Duration = r.Duration.Round(time.Millisecond).String()
		if errs[i] != nil {
			rows[i].Error = errs[i].Error()
		}
	}
	if o.output != "table" {
		return encode(w, o.output, rows)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tTARGET\tNAME\tSIZE\tON WIRE\tRETRIES\tTIME\tRATE\tRESULT")
	for _, r := range rows {
		result := "copied"
		switch {
		case r.Error != "":
			result = "failed"
		case r.Adopted:
			result = "adopted"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.SourceID, r.TargetID, r.Name,
			humanBytes(r.Size), humanBytes(r.BytesOnWire), r.Retries, r.Result.Duration.Round(100*time.Millisecond),
			rate(r.BytesOnWire, r.Result.Duration), result)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range rows {
		for _, l := range r.Leftovers {
			fmt.Fprintf(w, "left behind by %s (scs-migrate transfer cleanup removes it): %s\n", r.SourceID, l)
		}
	}
	return nil
}

// cleanup runs transfer cleanup.
func (o *transferOptions) cleanup(ctx context.Context, w io.Writer) error {
	c, err := o.copier(ctx)
	if err != nil {
		return err
	}
	removed, err := c.CleanupOrphans(ctx)
	for _, r := range removed {
		fmt.Fprintln(w, "removed", r)
	}
	if len(removed) == 0 && err == nil {
		fmt.Fprintln(w, "nothing to remove")
	}
	return err
}
