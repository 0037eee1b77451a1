package sim

import (
	"fmt"
	"maps"
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/network"
)

// seedKeypairs imports generated ed25519 public keys for the project's
// user.
func (b *bulkSeeder) seedKeypairs() error {
	cs := b.c.compute
	for i := range b.spec.Keypairs {
		name := b.name("key", i, b.spec.Keypairs)
		pub, _, err := generateSSHKey(name)
		if err != nil {
			return err
		}
		fp, err := sshFingerprint(pub)
		if err != nil {
			return err
		}
		cs.seq++
		cs.keypairs[keypairKey(b.user, name)] = &novaKeypair{ID: cs.seq, Name: name, UserID: b.user, Type: "ssh",
			PublicKey: pub, Fingerprint: fp, Created: b.c.Now()}
		b.keypairs = append(b.keypairs, name)
	}
	b.res.Keypairs = len(b.keypairs)
	return nil
}

// seedServers creates ACTIVE image-backed servers, spread over the
// compute zones, each with a sparse empty root disk of the image's size
// (a snapshot of one holds zeros). Ports and volumes come later.
func (b *bulkSeeder) seedServers() error {
	cs := b.c.compute
	f, img := b.flavor, b.image
	for j := range b.spec.Servers {
		t := b.c.Now()
		az := cs.azs[j%len(cs.azs)]
		srv := &novaServer{
			ID: core.NewID(), Name: b.name("vm", j, b.spec.Servers), ProjectID: b.project, UserID: b.user,
			Flavor: f, ImageID: img.ID, Metadata: map[string]string{}, AZ: az, Host: "compute-" + az,
			VMState: "active", PowerState: powerRunning, SecurityGroups: []string{"default"},
			DiskConfig: "MANUAL", Created: t, Updated: t, Launched: t, RootDevice: "/dev/vda",
			Base: baseFromImage(img),
		}
		srv.Flavor.ExtraSpecs = maps.Clone(f.ExtraSpecs)
		if len(b.keypairs) > 0 {
			srv.KeyName = b.keypairs[j%len(b.keypairs)]
		}
		if g := b.net.GroupName(j); g != "" {
			srv.SecurityGroups = []string{g}
		}
		srv.DiskPath = b.c.BlobPath("disks", srv.ID)
		if err := blob.Create(srv.DiskPath, img.Size); err != nil {
			return fmt.Errorf("root disk of %s: %w", srv.Name, err)
		}
		srv.diskReady = true
		cs.seq++
		srv.seq = cs.seq
		cs.servers[srv.ID] = srv
		b.servers = append(b.servers, srv)
	}
	b.res.Servers = len(b.servers)
	return nil
}

// bootSource resolves the spec's flavor and image by name and applies
// Nova's checks of an image boot.
func (b *bulkSeeder) bootSource() (novaFlavor, core.ImageInfo, error) {
	var f *novaFlavor
	for _, fl := range b.c.compute.flavors {
		if fl.Name == b.spec.Flavor {
			f = fl
		}
	}
	if f == nil {
		return novaFlavor{}, core.ImageInfo{}, fmt.Errorf("no flavor %q", b.spec.Flavor)
	}
	img, err := b.c.image.ByNameLocked(b.project, b.spec.Image)
	switch {
	case err != nil:
		return novaFlavor{}, core.ImageInfo{}, err
	case img.Status != core.ImageActive || img.Path == "":
		return novaFlavor{}, core.ImageInfo{}, fmt.Errorf("image %q is not active", b.spec.Image)
	case f.DiskGB == 0 || int64(f.DiskGB)*novaGiB < img.Size || f.DiskGB < img.MinDisk || f.RAMMiB < img.MinRAM:
		return novaFlavor{}, core.ImageInfo{}, fmt.Errorf("flavor %s is too small for image %q", f.Name, b.spec.Image)
	}
	return *f, img, nil
}

// seedVolumes creates empty, sparse, available volumes and attaches
// volume k to server k, in Nova and in Cinder.
func (b *bulkSeeder) seedVolumes() error {
	vs := b.c.volume
	for k := range b.spec.Volumes {
		az := vs.DefaultAZ()
		var srv *novaServer
		if k < len(b.servers) {
			srv = b.servers[k]
			if slices.Contains(vs.Zones(), srv.AZ) {
				az = srv.AZ
			}
		}
		v, err := vs.AddEmptyLocked(b.project, b.user, b.name("vol", k, b.spec.Volumes), b.spec.VolumeSizeGB, b.volType, az)
		if err != nil {
			return err
		}
		b.res.Volumes++
		if srv == nil {
			continue
		}
		bv := &serverVolume{VolumeID: v.ID, Device: srv.nextDevice(), BootIndex: -1, SourceType: "volume",
			VolumeSize: v.SizeGB, BDMID: core.NewID(), AttachmentID: core.NewID()}
		if err := vs.AttachLocked(v.ID, srv.ID, bv.Device); err != nil {
			return err
		}
		bv.Attached = true
		srv.Volumes = append(srv.Volumes, bv)
		b.res.Attachments++
	}
	return nil
}

// seedPorts has Neutron create and bind the servers' ports and records
// them on the servers.
func (b *bulkSeeder) seedPorts() error {
	servers := make([]network.BulkServer, len(b.servers))
	for j, srv := range b.servers {
		servers[j] = network.BulkServer{ID: srv.ID, AZ: srv.AZ}
	}
	ports, err := b.net.SeedPorts(servers)
	for _, p := range ports {
		srv := b.servers[p.Server]
		srv.Ports = append(srv.Ports, &serverPort{PortID: p.PortID, NetworkID: p.NetworkID, Created: true})
	}
	return err
}
