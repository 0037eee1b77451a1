package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/scs-migrate/scs-migrate/internal/sim"
)

func simCommand() *cli.Command {
	return &cli.Command{
		Name:  "sim",
		Usage: "run the embedded simulated SCS clouds",
		Subcommands: []*cli.Command{{
			Name:  "serve",
			Usage: "serve a source and a target cloud on loopback until Ctrl-C",
			Description: "Starts two simulated SCS-compliant providers on 127.0.0.1, seeds the tenant fixture\n" +
				"on the source, writes a clouds.yaml with the entries sim-source and sim-target, prints\n" +
				"the two auth URLs on stderr and \"ready\" on stdout. Point the openstack CLI or\n" +
				"scs-migrate at it with OS_CLIENT_CONFIG_FILE. Ctrl-C or SIGTERM stops it.",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "tenant", Usage: "tenant fixture `FILE` to seed on the source (YAML)"},
				&cli.StringFlag{Name: "write-clouds", Value: "clouds.yaml", Usage: "write the clouds.yaml to `FILE`"},
				&cli.StringFlag{Name: "faults", Usage: "fault `SPEC` for both clouds, e.g. error-rate=0.05,reset-rate=0.01,latency=20ms,token-ttl=60s"},
				&cli.StringFlag{Name: "source-listen", Usage: "listen `ADDR` of the source (default 127.0.0.1:0)"},
				&cli.StringFlag{Name: "target-listen", Usage: "listen `ADDR` of the target (default 127.0.0.1:0)"},
				&cli.StringFlag{Name: "target-quotas", Usage: "quota `SPEC` for the target project, e.g. instances=2,gigabytes=10"},
				&cli.StringFlag{Name: "data-dir", Usage: "keep image and volume bytes in `DIR` (source/ and target/ below it) instead of a temporary directory"},
			},
			Action: simServe,
		}},
	}
}

// simServeOptions are the checked flags of sim serve.
type simServeOptions struct {
	fixture      *sim.Tenant
	fixtureFile  string
	faults       sim.Faults
	targetQuotas *sim.TenantQuotas
	cloudsFile   string
	pair         sim.PairOptions
}

func newSimServeOptions(c *cli.Context) (*simServeOptions, error) {
	o := &simServeOptions{cloudsFile: c.String("write-clouds"), fixtureFile: c.String("tenant")}
	var err error
	if o.faults, err = sim.ParseFaults(c.String("faults")); err != nil {
		return nil, fmt.Errorf("--faults: %v", err)
	}
	if spec := c.String("target-quotas"); spec != "" {
		q, err := sim.ParseQuotas(spec)
		if err != nil {
			return nil, fmt.Errorf("--target-quotas: %v", err)
		}
		o.targetQuotas = &q
	}
	if o.fixtureFile != "" {
		if o.fixture, err = sim.LoadTenant(o.fixtureFile); err != nil {
			return nil, err
		}
	}
	o.pair = sim.PairOptions{
		Source: sim.Options{Listen: c.String("source-listen")},
		Target: sim.Options{Listen: c.String("target-listen")},
	}
	if dir := c.String("data-dir"); dir != "" {
		o.pair.Source.DataDir = filepath.Join(dir, "source")
		o.pair.Target.DataDir = filepath.Join(dir, "target")
	}
	return o, nil
}

func simServe(c *cli.Context) error {
	o, err := newSimServeOptions(c)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	pair, err := sim.NewPair(o.pair)
	if err != nil {
		return err
	}
	defer pair.Close()
	if err := o.prepare(c.Context, pair); err != nil {
		return err
	}
	if err := sim.WriteCloudsYAML(o.cloudsFile, pair.Entries()); err != nil {
		return fmt.Errorf("write clouds.yaml: %w", err)
	}
	pair.SetFaults(o.faults)
	fmt.Fprintf(os.Stderr, "source: %s (%s)\ntarget: %s (%s)\nclouds.yaml: %s\n",
		pair.Source.AuthURL(), pair.Source.Profile().Provider,
		pair.Target.AuthURL(), pair.Target.Profile().Provider, o.cloudsFile)
	fmt.Println("ready")
	<-c.Context.Done()
	return nil
}

// prepare sets the target's quotas and seeds the fixture on the source
// (its quotas first, then its resources, then its bulk section).
func (o *simServeOptions) prepare(ctx context.Context, pair *sim.Pair) error {
	if o.targetQuotas != nil {
		if err := pair.Target.UpdateQuotas(pair.Target.Projects()[0].Name, *o.targetQuotas); err != nil {
			return fmt.Errorf("target quotas: %w", err)
		}
	}
	if o.fixture == nil {
		return nil
	}
	start := time.Now()
	if err := sim.SeedTenant(ctx, pair.Source, o.fixture); err != nil {
		return fmt.Errorf("seed tenant from %s: %w", o.fixtureFile, err)
	}
	fmt.Fprintf(os.Stderr, "seeded %s in %s\n", o.fixtureFile, time.Since(start).Round(time.Millisecond))
	return nil
}
