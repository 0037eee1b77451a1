package main

import (
	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// kubeFlags are the flags naming a KaaS management cluster; prefix is
// "" (inventory), "source-" or "target-".
func kubeFlags(prefix, what string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: prefix + "kubeconfig", Usage: "kubeconfig `FILE` of the " + what + " KaaS management cluster"},
		&cli.StringFlag{Name: prefix + "context", Usage: "kubeconfig `CONTEXT` of the " + what + " KaaS management cluster"},
		&cli.StringFlag{Name: prefix + "namespace", Usage: "the tenant's `NAMESPACE` there (default: the context's)"},
	}
}

// workloadFlag gives workload-cluster kubeconfigs the Secret does not.
func workloadFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "workload-kubeconfig", Usage: "kubeconfig of a source workload cluster, `CLUSTER=FILE` (repeatable; default: its <cluster>-kubeconfig Secret)"}
}

func openKube(c *cli.Context, prefix string) (*kube.Clients, error) {
	return kube.OpenIfGiven(c.String(prefix+"kubeconfig"), c.String(prefix+"context"), c.String(prefix+"namespace"))
}
