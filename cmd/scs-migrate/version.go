package main

import (
	"fmt"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

// versionInfo is what the binary knows about how it was built.
type versionInfo struct {
	Version  string `json:"version"`
	Module   string `json:"module"`
	Go       string `json:"go"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Dependencies are the versions of the clients that talk to the
	// clouds, by module path.
	Dependencies map[string]string `json:"dependencies"`
}

// keyModules are the dependencies worth naming in a bug report.
var keyModules = []string{"github.com/gophercloud/gophercloud/v2", "k8s.io/client-go", "github.com/minio/minio-go/v7",
	"github.com/vmware-tanzu/velero", "sigs.k8s.io/cluster-api"}

func readVersion() versionInfo {
	v := versionInfo{Version: version, Dependencies: map[string]string{}}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module, v.Go = bi.Main.Path, bi.GoVersion
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = strings.TrimPrefix(bi.Main.Version, "v")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	for _, d := range bi.Deps {
		for _, k := range keyModules {
			if d.Path == k {
				v.Dependencies[k] = d.Version
			}
		}
	}
	return v
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, the commit and the versions of the cloud clients it was built with",
		Flags: []cli.Flag{outputFlag("table", "table", "json", "yaml")},
		Action: func(c *cli.Context) error {
			v := readVersion()
			if f := c.String("output-format"); f != "table" {
				return encode(c.App.Writer, f, v)
			}
			tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "scs-migrate\t%s\n", v.Version)
			fmt.Fprintf(tw, "module\t%s\n", v.Module)
			if v.Revision != "" {
				mod := ""
				if v.Modified {
					mod = " (with uncommitted changes)"
				}
				fmt.Fprintf(tw, "commit\t%s %s%s\n", v.Revision, v.Time, mod)
			}
			fmt.Fprintf(tw, "go\t%s\n", v.Go)
			for _, k := range keyModules {
				if d, ok := v.Dependencies[k]; ok {
					fmt.Fprintf(tw, "%s\t%s\n", k, d)
				}
			}
			return tw.Flush()
		},
	}
}
