package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/inventory"
)

func inventoryCommand() *cli.Command {
	return &cli.Command{
		Name:  "inventory",
		Usage: "snapshot a tenant of the source cloud into one versioned document",
		Description: "Reads everything the project has on the cloud (servers, flavors, images, volumes, networks,\n" +
			"security groups, load balancers, quotas, …) into one document (docs/inventory.md).\n" +
			"-o table prints a summary; -o json|yaml prints the document. With --output the document is\n" +
			"written to FILE (YAML for .yaml/.yml, else JSON unless -o says otherwise) and the summary\n" +
			"is printed. What could not be read is listed as warnings, in the document and the summary.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "source", Aliases: []string{"s"}, Required: true, Usage: "the cloud to read, by its clouds.yaml `NAME`"},
			outputFlag("table", "table", "json", "yaml"),
			&cli.StringFlag{Name: "output", Usage: "write the document to `FILE` (atomically, mode 0600)"},
			&cli.BoolFlag{Name: "all-namespaces", Usage: "read the Clusters of every namespace of the management cluster"},
			workloadFlag(),
		}, append(kubeFlags("", "source"), s3Flags("source")...)...),
		Action: runInventory,
	}
}

func runInventory(c *cli.Context) error {
	s, err := cloud.Open(c.Context, c.String("source"), cloudOptions(cloud.Options{}))
	if err != nil {
		return err
	}
	opts := inventory.Options{Observer: progressObserver(os.Stderr)}
	s3c, closeS3, err := inventoryS3(c, s)
	if err != nil {
		return err
	}
	defer closeS3()
	opts.S3 = s3c
	mgmt, err := openKube(c, "")
	if err != nil {
		return err
	}
	if mgmt != nil {
		workloads, err := kube.OpenWorkloads(c.StringSlice("workload-kubeconfig"))
		if err != nil {
			return err
		}
		opts.Clusters = &inventory.KubeClusters{Management: mgmt, AllNamespaces: c.Bool("all-namespaces"), Workloads: workloads}
	}
	doc, err := inventory.Collect(c.Context, s, opts)
	if err != nil {
		return err
	}
	format, file := c.String("output-format"), c.String("output")
	if file == "" {
		if format == "table" {
			return printSummary(c.App.Writer, inventory.Summarize(doc))
		}
		return encode(c.App.Writer, format, doc)
	}
	if err := inventory.WriteFile(file, doc, fileFormat(file, format)); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "inventory written to %s\n", file)
	if format == "table" {
		return printSummary(c.App.Writer, inventory.Summarize(doc))
	}
	return nil
}

// fileFormat is the format of the written document: -o json|yaml when
// given, else by the file's extension.
func fileFormat(file, format string) string {
	if format == "json" || format == "yaml" {
		return format
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".yaml", ".yml":
		return "yaml"
	}
	return "json"
}

func printSummary(w io.Writer, s inventory.Summary) error {
	fmt.Fprintf(w, "Inventory of project %q on cloud %q\n\n", s.Project, s.Cloud)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tCOUNT")
	for _, k := range s.Counts {
		fmt.Fprintf(tw, "%s\t%d\n", k.Kind, k.Count)
	}
	fmt.Fprintf(tw, "\nimage bytes (tenant-owned)\t%s\n", gib(s.ImageBytes))
	fmt.Fprintf(tw, "volume bytes (provisioned)\t%s\n", gib(s.VolumeBytes))
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "\n%d warning(s):\n", len(s.Warnings))
		for _, wr := range s.Warnings {
			fmt.Fprintf(w, "  %s: %s\n", wr.Kind, wr.Message)
		}
	}
	return nil
}

func gib(b int64) string { return fmt.Sprintf("%.2f GiB", float64(b)/inventory.GiB) }

// stderrProgress prints one line per kind as it is read, when stderr is
// a terminal.
type stderrProgress struct{ w io.Writer }

func progressObserver(f *os.File) inventory.Observer {
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return stderrProgress{w: f}
}

func (p stderrProgress) KindStarted(string) {}

func (p stderrProgress) KindFinished(kind string, n int, err error) {
	if err != nil {
		fmt.Fprintf(p.w, "  %-18s not read (see warnings)\n", kind)
		return
	}
	fmt.Fprintf(p.w, "  %-18s %d\n", kind, n)
}
