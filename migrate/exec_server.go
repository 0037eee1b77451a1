package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// runServer makes the server on the target: the mapped flavor; the
// mapped standard image, the copied image or the server's own snapshot,
// or boot from the copied root volume; its ports in interface order
// (which carry the security groups); keypair, metadata, tags, server
// group and availability zone. It waits until the server is ACTIVE, and
// stops it again when it was stopped on the source before the migration.
func runServer(ctx context.Context, sc *StepContext) (Outcome, error) {
	srv, err := lookup(sc.inv.servers, "server", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	opts, err := serverCreateOpts(sc, srv)
	if err != nil {
		return Outcome{}, err
	}
	cc := sc.Target.Compute
	c := claim{kind: "server", name: srv.Name, source: srv.ID,
		find: func(ctx context.Context) ([]candidate, error) { return markedServers(ctx, sc) },
		create: func(ctx context.Context) (string, error) {
			out, err := servers.Create(ctx, cc, opts, opts.hints()).Extract()
			if err != nil {
				return "", err
			}
			return out.ID, nil
		},
		remove: func(ctx context.Context, id string) error { return deleteServer(ctx, sc.Target, id, sc.poll) },
	}
	id, adopted, err := sc.ensure(ctx, c)
	if err != nil {
		return Outcome{}, err
	}
	if err := waitServer(ctx, sc, id, "ACTIVE", "SHUTOFF"); err != nil {
		return Outcome{TargetID: id}, err
	}
	if strings.EqualFold(srv.Status, "SHUTOFF") {
		if err := stopServer(ctx, sc.Target, id, sc.poll); err != nil {
			return Outcome{TargetID: id}, err
		}
		sc.Note("stopped, as the server was on the source before the migration")
	}
	return Outcome{TargetID: id, Adopted: adopted}, nil
}

// markedServers lists the servers carrying the step's markers.
func markedServers(ctx context.Context, sc *StepContext) ([]candidate, error) {
	q := servers.ListOpts{Tags: sc.mark.planTag() + "," + sc.mark.stepTag()}
	all, err := cloud.ListAll(ctx, servers.List(sc.Target.Compute, q), servers.ExtractServers)
	var out []candidate
	for _, s := range all {
		var tags []string
		if s.Tags != nil {
			tags = *s.Tags
		}
		if c := sc.mark.tagged(s.ID, tags); c.Marked {
			c.Broken = s.Status == "ERROR"
			out = append(out, c)
		}
	}
	return out, err
}

// serverOpts is a server create request with what gophercloud's
// CreateOpts lacks (key_name, description) and the scheduler hints.
type serverOpts struct {
	servers.CreateOpts
	keyName, description, group string
}

func (o serverOpts) ToServerCreateMap() (map[string]any, error) {
	b, err := o.CreateOpts.ToServerCreateMap()
	if err != nil {
		return nil, err
	}
	m := b["server"].(map[string]any)
	if o.keyName != "" {
		m["key_name"] = o.keyName
	}
	if o.description != "" {
		m["description"] = o.description
	}
	return b, nil
}

func (o serverOpts) hints() servers.SchedulerHintOptsBuilder {
	if o.group == "" {
		return nil
	}
	return servers.SchedulerHintOpts{Group: o.group}
}

func serverCreateOpts(sc *StepContext, srv *inventory.Server) (serverOpts, error) {
	t := sc.Step.Target
	if t.FlavorID == "" {
		return serverOpts{}, fmt.Errorf("the plan maps no target flavor for server %q", srv.Name)
	}
	o := serverOpts{CreateOpts: servers.CreateOpts{Name: srv.Name, FlavorRef: t.FlavorID, AvailabilityZone: t.AvailabilityZone,
		Metadata: srv.Metadata, Tags: sc.mark.tags(srv.Tags)}, keyName: srv.KeyName, description: srv.Description}
	if srv.ConfigDrive {
		o.ConfigDrive = &srv.ConfigDrive
	}
	var nets []servers.Network
	for _, p := range srv.Ports {
		id, err := sc.targetOf("port", p)
		if err != nil {
			return o, err
		}
		nets = append(nets, servers.Network{Port: id})
	}
	o.Networks = nets
	if len(nets) == 0 {
		o.Networks = "none"
	}
	if srv.ServerGroupID != "" {
		id, err := sc.targetOf("server-group", srv.ServerGroupID)
		if err != nil {
			return o, err
		}
		o.group = id
	}
	if srv.BootFromVolume {
		bd, err := rootDevice(sc, srv)
		if err != nil {
			return o, err
		}
		o.BlockDevice = []servers.BlockDevice{bd}
		return o, nil
	}
	img, err := serverImage(sc, srv)
	o.ImageRef = img
	return o, err
}

// rootDevice is the copied root volume as the boot device.
func rootDevice(sc *StepContext, srv *inventory.Server) (servers.BlockDevice, error) {
	for _, bd := range srv.BlockDevices {
		if bd.BootIndex != 0 {
			continue
		}
		id, err := sc.targetOf("volume", bd.VolumeID)
		if err != nil {
			return servers.BlockDevice{}, err
		}
		return servers.BlockDevice{SourceType: servers.SourceVolume, DestinationType: servers.DestinationVolume,
			UUID: id, BootIndex: 0, DeleteOnTermination: bd.DeleteOnTermination}, nil
	}
	return servers.BlockDevice{}, fmt.Errorf("server %q boots from a volume, but the inventory has no boot device", srv.Name)
}

// serverImage is the target image a server boots from: its own snapshot
// when the plan snapshots it, else the mapped standard image, else the
// copy of its image.
func serverImage(sc *StepContext, srv *inventory.Server) (string, error) {
	if len(sc.dependencies(plans.StepSnapshotServer)) > 0 {
		return sc.targetOf("server-image", srv.ID)
	}
	if id := sc.Step.Target.ImageID; id != "" {
		return id, nil
	}
	for _, m := range sc.Plan.Mappings.Images {
		if m.SourceID == srv.ImageID && m.Action == "map" && m.TargetID != "" {
			return m.TargetID, nil
		}
	}
	if srv.ImageID == "" {
		return "", fmt.Errorf("server %q has no image and does not boot from a volume", srv.Name)
	}
	return sc.targetOf("image", srv.ImageID)
}

// waitServer waits until the server is in one of the states; ERROR ends
// the wait with the server's fault.
func waitServer(ctx context.Context, sc *StepContext, id string, states ...string) error {
	return cloud.WaitFor(ctx, sc.poll, cloud.Server, id, cloud.ServerStatus(sc.Target.Compute, id, nil), states...)
}
