package main

import (
	"fmt"
	"os"

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
				"on the source, writes a clouds.yaml with the entries sim-source and sim-target, and prints\n" +
				"\"ready\". Point the openstack CLI or scs-migrate at it with OS_CLIENT_CONFIG_FILE.",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "tenant", Usage: "tenant fixture `FILE` to seed on the source (YAML)"},
				&cli.StringFlag{Name: "write-clouds", Value: "clouds.yaml", Usage: "write the clouds.yaml to `FILE`"},
				&cli.StringFlag{Name: "faults", Usage: "fault `SPEC` for both clouds, e.g. error-rate=0.05,reset-rate=0.01,latency=20ms,token-ttl=60s"},
				&cli.StringFlag{Name: "source-listen", Usage: "listen `ADDR` of the source (default 127.0.0.1:0)"},
				&cli.StringFlag{Name: "target-listen", Usage: "listen `ADDR` of the target (default 127.0.0.1:0)"},
			},
			Action: simServe,
		}},
	}
}

func simServe(c *cli.Context) error {
	faults, err := sim.ParseFaults(c.String("faults"))
	if err != nil {
		return cli.Exit(fmt.Sprintf("--faults: %v", err), 2)
	}
	pair, err := sim.NewPair(sim.PairOptions{
		Source: sim.Options{Listen: c.String("source-listen")},
		Target: sim.Options{Listen: c.String("target-listen")},
	})
	if err != nil {
		return err
	}
	defer pair.Close()
	if f := c.String("tenant"); f != "" {
		fx, err := sim.LoadTenant(f)
		if err != nil {
			return cli.Exit(err.Error(), 2)
		}
		if err := sim.SeedTenant(c.Context, pair.Source, fx); err != nil {
			return fmt.Errorf("seed tenant from %s: %w", f, err)
		}
	}
	if err := sim.WriteCloudsYAML(c.String("write-clouds"), pair.Entries()); err != nil {
		return fmt.Errorf("write clouds.yaml: %w", err)
	}
	pair.SetFaults(faults)
	fmt.Fprintf(os.Stderr, "source %s (%s), target %s (%s); clouds.yaml: %s\n",
		pair.Source.AuthURL(), pair.Source.Profile().Provider, pair.Target.AuthURL(), pair.Target.Profile().Provider, c.String("write-clouds"))
	fmt.Println("ready")
	<-c.Context.Done()
	return nil
}
