package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/plans"
)

// attachment finds the server and block device an attach-volume step
// connects: the server ParentID and the volume SourceID (as plans writes
// them), else from "attach-volume/<server>/<volume>", a SourceID
// "<server>/<volume>", or the server and copy-volume steps it depends on.
func attachment(ix *index, s plans.Step, deps func(plans.StepKind) []plans.Step) (*inventory.Server, inventory.BlockDevice, error) {
	serverID, volumeID := "", ""
	rest, ok := strings.CutPrefix(s.ID, string(plans.StepAttachVolume)+"/")
	if s.ParentID != "" {
		serverID, volumeID = s.ParentID, s.SourceID
	} else if a, b, cut := strings.Cut(rest, "/"); ok && cut {
		serverID, volumeID = a, b
	} else if a, b, cut := strings.Cut(s.SourceID, "/"); cut {
		serverID, volumeID = a, b
	} else if deps != nil {
		if ss, vs := deps(plans.StepServer), deps(plans.StepCopyVolume); len(ss) == 1 && len(vs) == 1 {
			serverID, volumeID = ss[0].SourceID, vs[0].SourceID
		}
	}
	srv, ok := ix.servers[serverID]
	if !ok {
		return nil, inventory.BlockDevice{}, fmt.Errorf("step %s: the plan's inventory has no server %q", s.ID, serverID)
	}
	for _, bd := range srv.BlockDevices {
		if bd.VolumeID == volumeID {
			return srv, bd, nil
		}
	}
	return nil, inventory.BlockDevice{}, fmt.Errorf("step %s: server %q has no volume %q in the inventory", s.ID, srv.Name, volumeID)
}

// runAttachVolume attaches a copied data volume to the new server at the
// original device (a hint the hypervisor may not follow; the order of
// attachments, which the plan's DAG keeps, is what guests see).
func runAttachVolume(ctx context.Context, sc *StepContext) (Outcome, error) {
	srv, bd, err := attachment(sc.inv, sc.Step, sc.dependencies)
	if err != nil {
		return Outcome{}, err
	}
	serverID, err := sc.targetOf("server", srv.ID)
	if err != nil {
		return Outcome{}, err
	}
	volumeID, err := sc.targetOf("volume", bd.VolumeID)
	if err != nil {
		return Outcome{}, err
	}
	cc := sc.Target.Compute
	have, err := cloud.ListAll(ctx, volumeattach.List(cc, serverID), volumeattach.ExtractVolumeAttachments)
	if err != nil {
		return Outcome{}, cloud.Wrap("list volume attachments", err)
	}
	for _, a := range have {
		if a.VolumeID == volumeID {
			return Outcome{TargetID: volumeID, Adopted: true}, waitVolume(ctx, sc, volumeID, "in-use")
		}
	}
	opts := volumeattach.CreateOpts{VolumeID: volumeID, Device: bd.Device, DeleteOnTermination: bd.DeleteOnTermination}
	_, err = volumeattach.Create(ctx, cc, serverID, opts).Extract()
	if err != nil && opts.Device != "" && cloud.StatusOf(err) == 400 {
		sc.Note("the target refused device %s (%v); attached at the next free device", opts.Device, cloud.Wrap("attach", err))
		opts.Device = ""
		_, err = volumeattach.Create(ctx, cc, serverID, opts).Extract()
	}
	if err != nil {
		return Outcome{}, cloud.Wrap("attach volume", err)
	}
	return Outcome{TargetID: volumeID}, waitVolume(ctx, sc, volumeID, "in-use")
}

// waitVolume waits until a target volume has the status.
func waitVolume(ctx context.Context, sc *StepContext, id, status string) error {
	return cloud.WaitFor(ctx, sc.poll, cloud.Volume, id, cloud.VolumeStatus(sc.Target.BlockStorage, id, nil), status)
}
