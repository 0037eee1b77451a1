package migrate

import (
	"context"
	"fmt"

	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"

	"github.com/scs-migrate/scs-migrate/internal/cloud"
	"github.com/scs-migrate/scs-migrate/transfer"
)

// runCopyImage streams a Glance image to the target. The copy carries
// the step's markers, so a re-run adopts a verified earlier copy.
func runCopyImage(ctx context.Context, sc *StepContext) (Outcome, error) {
	img, err := lookup(sc.inv.images, "image", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	vis := img.Visibility
	if vis == "" || vis == "public" {
		vis = "private" // publishing needs the target's admin
	}
	res, err := sc.Data.CopyImage(ctx, img.ID, transfer.ImageOptions{Name: img.Name, Label: sc.Step.Name, Visibility: vis,
		Properties: sc.mark.properties(), Adopt: sc.Resume})
	if err != nil {
		return Outcome{}, err
	}
	if err := sc.created("image", img.ID, res.TargetID, img.Name, ""); err != nil {
		return Outcome{}, err
	}
	return copied(res), nil
}

func copied(res transfer.Result) Outcome {
	return Outcome{TargetID: res.TargetID, Adopted: res.Adopted, Bytes: res.BytesOnWire,
		Values: map[string]string{"md5": res.MD5, "sha512": res.SHA512, "size": fmt.Sprint(res.Size)}}
}

// runCopyVolume streams a Cinder volume to the target, with the mapped
// volume type and availability zone.
func runCopyVolume(ctx context.Context, sc *StepContext) (Outcome, error) {
	v, err := lookup(sc.inv.volumes, "volume", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	t := sc.Step.Target
	res, err := sc.Data.CopyVolume(ctx, v.ID, transfer.VolumeOptions{Name: v.Name, Label: sc.Step.Name, Description: v.Description,
		VolumeType: t.VolumeType, AvailabilityZone: t.AvailabilityZone, Metadata: sc.mark.properties(), Adopt: sc.Resume})
	if err != nil {
		return Outcome{}, err
	}
	if err := sc.created("volume", v.ID, res.TargetID, v.Name, ""); err != nil {
		return Outcome{}, err
	}
	return copied(res), nil
}

// snapshotName is the name of the temporary source snapshot of a
// server's root disk; CleanupOrphans knows it by its prefix.
func snapshotName(serverID string) string { return transfer.TempName("server", serverID) }

// runSnapshotServer copies a server's ephemeral root disk: a snapshot on
// the source (journaled as a temporary artefact), streamed to the target
// as the image the new server boots from, then removed from the source.
func runSnapshotServer(ctx context.Context, sc *StepContext) (Outcome, error) {
	srv, err := lookup(sc.inv.servers, "server", sc.Step.SourceID)
	if err != nil {
		return Outcome{}, err
	}
	if sc.Resume {
		if out, done, err := finishedSnapshot(ctx, sc, srv.ID); err != nil || done {
			return out, err
		}
	}
	snap, err := sourceSnapshot(ctx, sc, srv.ID)
	if err != nil {
		return Outcome{}, err
	}
	name := srv.Name + " (root disk, migrated)"
	res, err := sc.Data.CopyImage(ctx, snap, transfer.ImageOptions{Name: name, Label: sc.Step.Name + " root disk", Properties: sc.mark.properties(), Adopt: sc.Resume})
	if err != nil {
		return Outcome{}, err
	}
	if err := sc.created("image", "", res.TargetID, name, ""); err != nil {
		return Outcome{}, err
	}
	if err := sc.Journal.MapID("server-image", srv.ID, res.TargetID); err != nil {
		return Outcome{}, err
	}
	if err := removeSourceImage(ctx, sc, snap); err != nil {
		return Outcome{}, err
	}
	return copied(res), nil
}

// finishedSnapshot completes a step whose copy was journaled before the
// process died: only the source snapshot may be left to remove.
func finishedSnapshot(ctx context.Context, sc *StepContext, serverID string) (Outcome, bool, error) {
	id, ok := sc.Journal.TargetID("server-image", serverID)
	if !ok {
		return Outcome{}, false, nil
	}
	img, err := images.Get(ctx, sc.Target.Image, id).Extract()
	if cloud.IsNotFound(err) || err == nil && img.Status != images.ImageStatusActive {
		return Outcome{}, false, nil
	}
	if err != nil {
		return Outcome{}, false, cloud.Wrap("get image "+id, err)
	}
	for _, c := range sc.Journal.CreatedResources() {
		if c.Cloud == "source" && c.StepID == sc.Step.ID {
			if err := removeSourceImage(ctx, sc, c.ID); err != nil {
				return Outcome{}, false, err
			}
		}
	}
	return Outcome{TargetID: id, Adopted: true}, true, nil
}

// sourceSnapshot returns an active snapshot of the server's root disk:
// one an earlier attempt made, or a new one. Extra or unfinished ones an
// earlier attempt left are removed.
func sourceSnapshot(ctx context.Context, sc *StepContext, serverID string) (string, error) {
	name := snapshotName(serverID)
	if sc.Resume {
		all, err := cloud.ListAll(ctx, images.List(sc.Source.Image, images.ListOpts{Name: name, Owner: sc.Source.ProjectID}), images.ExtractImages)
		if err != nil {
			return "", cloud.Wrap("look for an earlier snapshot", err)
		}
		keep := ""
		for _, img := range all {
			if keep == "" && img.Status == images.ImageStatusActive {
				keep = img.ID
				continue
			}
			if err := removeSourceImage(ctx, sc, img.ID); err != nil {
				return "", err
			}
		}
		if keep != "" {
			return keep, sc.Journal.AddCreated(Created{Cloud: "source", Kind: "image", ID: keep, Name: name, StepID: sc.Step.ID})
		}
	}
	id, err := sc.Data.SnapshotServer(ctx, serverID, name)
	if err != nil {
		return "", err
	}
	return id, sc.Journal.AddCreated(Created{Cloud: "source", Kind: "image", ID: id, Name: name, StepID: sc.Step.ID})
}

// removeSourceImage deletes a temporary image on the source and forgets it.
func removeSourceImage(ctx context.Context, sc *StepContext, id string) error {
	if err := images.Delete(ctx, sc.Source.Image, id).ExtractErr(); err != nil && !cloud.IsNotFound(err) {
		return cloud.Wrap("remove temporary snapshot "+id+" from the source", err)
	}
	return sc.Journal.RemoveCreated("source", "image", id)
}
