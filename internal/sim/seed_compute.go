package sim

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"

	"github.com/gophercloud/gophercloud/v2/openstack/blockstorage/v3/volumes"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/flavors"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/keypairs"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servergroups"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/volumeattach"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/imagedata"
	"github.com/gophercloud/gophercloud/v2/openstack/image/v2/images"
	"github.com/gophercloud/gophercloud/v2/openstack/networking/v2/ports"
)

func (s *seeder) keypairs(ctx context.Context) error {
	for _, k := range s.t.Keypairs {
		if _, err := keypairs.Create(ctx, s.compute, keypairs.CreateOpts{Name: k.Name, PublicKey: k.PublicKey}).Extract(); err != nil {
			return fmt.Errorf("keypair %q: %w", k.Name, err)
		}
	}
	return nil
}

func (s *seeder) serverGroups(ctx context.Context) error {
	for _, g := range s.t.ServerGroups {
		sg, err := servergroups.Create(ctx, s.compute, servergroups.CreateOpts{Name: g.Name, Policy: g.Policy}).Extract()
		if err != nil {
			return fmt.Errorf("server group %q: %w", g.Name, err)
		}
		s.srvGroups[g.Name] = sg.ID
	}
	return nil
}

// generated returns size bytes of deterministic pseudo-random data
// derived from name, so fixtures have content whose checksums can be
// compared after a migration.
func generated(name string, size int64) io.Reader {
	h := fnv.New64a()
	io.WriteString(h, name)
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(h.Sum64() >> (8 * (i % 8)))
	}
	return io.LimitReader(rand.NewChaCha8(seed), size)
}

func (s *seeder) privateImages(ctx context.Context) error {
	for _, im := range s.t.Images {
		df := im.DiskFormat
		if df == "" {
			df = "raw"
		}
		img, err := images.Create(ctx, s.image, images.CreateOpts{
			Name: im.Name, DiskFormat: df, ContainerFormat: "bare", MinDisk: im.MinDiskGB,
			MinRAM: im.MinRAMMiB, Tags: im.Tags, Properties: im.Properties,
		}).Extract()
		if err != nil {
			return fmt.Errorf("image %q: %w", im.Name, err)
		}
		data := generated(im.Name, int64(im.SizeMiB)<<20)
		if err := imagedata.Upload(ctx, s.image, img.ID, data).ExtractErr(); err != nil {
			return fmt.Errorf("upload image %q: %w", im.Name, err)
		}
		s.images[im.Name] = img.ID
	}
	return nil
}

// imageID resolves a fixture image name: a private image of the fixture
// or a public image of the provider.
func (s *seeder) imageID(ctx context.Context, name string) (string, error) {
	if id, ok := s.images[name]; ok {
		return id, nil
	}
	pages, err := images.List(s.image, images.ListOpts{Name: name}).AllPages(ctx)
	if err != nil {
		return "", err
	}
	all, err := images.ExtractImages(pages)
	if err != nil {
		return "", err
	}
	if len(all) == 0 {
		return "", fmt.Errorf("no image %q on the cloud", name)
	}
	return all[0].ID, nil
}

func (s *seeder) dataVolumes(ctx context.Context) error {
	for _, v := range s.t.Volumes {
		opts := volumes.CreateOpts{Name: v.Name, Size: v.SizeGB, VolumeType: v.Type, Description: v.Description, Metadata: v.Metadata}
		if v.Image != "" {
			id, err := s.imageID(ctx, v.Image)
			if err != nil {
				return fmt.Errorf("volume %q: %w", v.Name, err)
			}
			opts.ImageID = id
		}
		vol, err := volumes.Create(ctx, s.volume, opts, nil).Extract()
		if err != nil {
			return fmt.Errorf("volume %q: %w", v.Name, err)
		}
		if err := s.waitVolume(ctx, vol.ID, "available"); err != nil {
			return err
		}
		if err := s.writeVolumeData(vol.ID, v); err != nil {
			return fmt.Errorf("volume %q data: %w", v.Name, err)
		}
		s.volumes[v.Name] = vol.ID
	}
	return nil
}

// writeVolumeData puts the fixture's data at the start of the volume. A
// tenant writes to its disks from inside its servers; the simulator has
// no guests, so the seeder writes to the backing file directly.
func (s *seeder) writeVolumeData(id string, v TenantVolume) error {
	if v.DataMiB == 0 {
		return nil
	}
	s.c.Lock()
	info, ok := s.c.volume.InfoLocked(s.project, id)
	s.c.Unlock()
	if !ok || info.Path == "" {
		return fmt.Errorf("volume %s has no backing file", id)
	}
	f, err := os.OpenFile(info.Path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, generated(v.Name, int64(v.DataMiB)<<20))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (s *seeder) waitVolume(ctx context.Context, id, status string) error {
	return waitFor(ctx, "volume "+id+" "+status, func() (bool, error) {
		v, err := volumes.Get(ctx, s.volume, id).Extract()
		if err != nil {
			return false, err
		}
		if v.Status == "error" {
			return false, fmt.Errorf("volume %s went to error", id)
		}
		return v.Status == status, nil
	})
}

func (s *seeder) serversUp(ctx context.Context) error {
	for _, srv := range s.t.Servers {
		id, err := s.createServer(ctx, srv)
		if err != nil {
			return fmt.Errorf("server %q: %w", srv.Name, err)
		}
		s.servers[srv.Name] = id
	}
	for name, id := range s.servers {
		if err := s.waitServer(ctx, id, "ACTIVE"); err != nil {
			return fmt.Errorf("server %q: %w", name, err)
		}
	}
	return s.collectServerPorts(ctx)
}

func (s *seeder) createServer(ctx context.Context, srv TenantServer) (string, error) {
	opts := servers.CreateOpts{Name: srv.Name, FlavorRef: "", AvailabilityZone: srv.AZ,
		Metadata: srv.Metadata, Tags: srv.Tags, SecurityGroups: srv.SecurityGroups}
	flavorID, err := s.flavorID(ctx, srv.Flavor)
	if err != nil {
		return "", err
	}
	opts.FlavorRef = flavorID
	var nets []servers.Network
	for _, n := range srv.Networks {
		nets = append(nets, servers.Network{UUID: s.networks[n.Network], FixedIP: n.FixedIP})
	}
	opts.Networks = nets
	if srv.BootVolume != nil {
		img, err := s.imageID(ctx, srv.BootVolume.Image)
		if err != nil {
			return "", err
		}
		opts.BlockDevice = []servers.BlockDevice{{SourceType: servers.SourceImage, UUID: img,
			DestinationType: servers.DestinationVolume, VolumeSize: srv.BootVolume.SizeGB, BootIndex: 0,
			DeleteOnTermination: srv.BootVolume.DeleteOnTermination, VolumeType: srv.BootVolume.Type}}
	} else if opts.ImageRef, err = s.imageID(ctx, srv.Image); err != nil {
		return "", err
	}
	var builder servers.CreateOptsBuilder = opts
	if srv.Keypair != "" {
		builder = keypairs.CreateOptsExt{CreateOptsBuilder: opts, KeyName: srv.Keypair}
	}
	var hints servers.SchedulerHintOptsBuilder
	if srv.ServerGroup != "" {
		hints = servers.SchedulerHintOpts{Group: s.srvGroups[srv.ServerGroup]}
	}
	created, err := servers.Create(ctx, s.compute, builder, hints).Extract()
	if err != nil {
		return "", err
	}
	return created.ID, nil
}

func (s *seeder) flavorID(ctx context.Context, name string) (string, error) {
	pages, err := flavors.ListDetail(s.compute, flavors.ListOpts{AccessType: flavors.AllAccess}).AllPages(ctx)
	if err != nil {
		return "", err
	}
	all, err := flavors.ExtractFlavors(pages)
	if err != nil {
		return "", err
	}
	for _, f := range all {
		if f.Name == name {
			return f.ID, nil
		}
	}
	return "", fmt.Errorf("no flavor %q on the cloud", name)
}

func (s *seeder) waitServer(ctx context.Context, id, status string) error {
	return waitFor(ctx, "server "+id+" "+status, func() (bool, error) {
		srv, err := servers.Get(ctx, s.compute, id).Extract()
		if err != nil {
			return false, err
		}
		if srv.Status == "ERROR" {
			return false, fmt.Errorf("server %s went to ERROR", id)
		}
		return srv.Status == status, nil
	})
}

// collectServerPorts records each server's ports in NIC order (by the
// fixed IP order of the fixture, which is creation order).
func (s *seeder) collectServerPorts(ctx context.Context) error {
	for name, id := range s.servers {
		pages, err := ports.List(s.network, ports.ListOpts{DeviceID: id}).AllPages(ctx)
		if err != nil {
			return err
		}
		all, err := ports.ExtractPorts(pages)
		if err != nil {
			return err
		}
		for _, p := range all {
			s.serverPorts[name] = append(s.serverPorts[name], p.ID)
		}
	}
	return nil
}

func (s *seeder) attachVolumes(ctx context.Context) error {
	for _, srv := range s.t.Servers {
		for _, v := range srv.Volumes {
			_, err := volumeattach.Create(ctx, s.compute, s.servers[srv.Name], volumeattach.CreateOpts{VolumeID: s.volumes[v]}).Extract()
			if err != nil {
				return fmt.Errorf("attach %q to %q: %w", v, srv.Name, err)
			}
			if err := s.waitVolume(ctx, s.volumes[v], "in-use"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *seeder) stopServers(ctx context.Context) error {
	for _, srv := range s.t.Servers {
		if !srv.Stopped {
			continue
		}
		if err := servers.Stop(ctx, s.compute, s.servers[srv.Name]).ExtractErr(); err != nil {
			return fmt.Errorf("stop %q: %w", srv.Name, err)
		}
		if err := s.waitServer(ctx, s.servers[srv.Name], "SHUTOFF"); err != nil {
			return err
		}
	}
	return nil
}
