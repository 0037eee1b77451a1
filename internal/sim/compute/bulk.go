package compute

import (
	"fmt"
	"maps"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
)

// Bulk is what SeedBulk makes in Nova for one project.
type Bulk struct {
	Project, User     string
	Keypairs, Servers int
	// Flavor and Image are names.
	Flavor, Image string
	// Name is the name of the i-th resource of a kind.
	Name func(kind string, i, count int) string
}

// BulkImages finds the image a bulk spec boots from.
type BulkImages interface {
	ByNameLocked(projectID, name string) (core.ImageInfo, error)
}

// ServerRef is a server SeedBulk made: its ID and zone.
type ServerRef struct{ ID, AZ string }

// BulkSeed builds the Nova part of one bulk spec with the cloud lock
// held, in steps the top-level seeder interleaves with Neutron's and
// Cinder's.
type BulkSeed struct {
	s      *Room
	spec   Bulk
	flavor flavor
	image  core.ImageInfo

	keypairs []string
	servers  []*server
}

// PrepareBulkLocked checks the spec's keypairs, flavor and image before
// anything is created.
func (s *Room) PrepareBulkLocked(spec Bulk, images BulkImages) (*BulkSeed, error) {
	b := &BulkSeed{s: s, spec: spec}
	for i := range spec.Keypairs {
		if name := spec.Name("key", i, spec.Keypairs); s.keypairExistsLocked(spec.User, name) {
			return nil, fmt.Errorf("keypairs: key pair %q already exists", name)
		}
	}
	if spec.Servers > 0 {
		var err error
		if b.flavor, b.image, err = b.bootSource(images); err != nil {
			return nil, fmt.Errorf("servers: %w", err)
		}
	}
	return b, nil
}

// Counts are the keypairs and servers made.
func (b *BulkSeed) Counts() (keypairs, servers int) { return len(b.keypairs), len(b.servers) }

// Servers are the servers made, in order.
func (b *BulkSeed) Servers() []ServerRef {
	out := make([]ServerRef, len(b.servers))
	for j, srv := range b.servers {
		out[j] = ServerRef{ID: srv.ID, AZ: srv.AZ}
	}
	return out
}

// AddPortLocked records a port Neutron made and bound for server j.
func (b *BulkSeed) AddPortLocked(j int, portID, networkID string) {
	srv := b.servers[j]
	srv.Ports = append(srv.Ports, &serverPort{PortID: portID, NetworkID: networkID, Created: true})
}

// NextDevice is the device server j's next volume gets.
func (b *BulkSeed) NextDevice(j int) string { return b.servers[j].nextDevice() }

// AddVolumeLocked records a volume Cinder attached to server j.
func (b *BulkSeed) AddVolumeLocked(j int, volumeID string, sizeGB int, device string) {
	srv := b.servers[j]
	srv.Volumes = append(srv.Volumes, &serverVolume{VolumeID: volumeID, Device: device, BootIndex: -1, SourceType: "volume",
		VolumeSize: sizeGB, BDMID: core.NewID(), AttachmentID: core.NewID(), Attached: true})
}

// seedKeypairs imports generated ed25519 public keys for the project's
// user.
func (b *BulkSeed) SeedKeypairs() error {
	cs := b.s
	for i := range b.spec.Keypairs {
		name := b.spec.Name("key", i, b.spec.Keypairs)
		pub, _, err := generateSSHKey(name)
		if err != nil {
			return err
		}
		fp, err := sshFingerprint(pub)
		if err != nil {
			return err
		}
		cs.seq++
		cs.keypairs[keypairKey(b.spec.User, name)] = &keypair{ID: cs.seq, Name: name, UserID: b.spec.User, Type: "ssh",
			PublicKey: pub, Fingerprint: fp, Created: b.s.c.Now()}
		b.keypairs = append(b.keypairs, name)
	}
	return nil
}

// seedServers creates ACTIVE image-backed servers, spread over the
// compute zones, each with a sparse empty root disk of the image's size
// (a snapshot of one holds zeros). Ports and volumes come later.
func (b *BulkSeed) SeedServers(groupName func(j int) string) error {
	cs := b.s
	f, img := b.flavor, b.image
	for j := range b.spec.Servers {
		t := b.s.c.Now()
		az := cs.azs[j%len(cs.azs)]
		srv := &server{
			ID: core.NewID(), Name: b.spec.Name("vm", j, b.spec.Servers), ProjectID: b.spec.Project, UserID: b.spec.User,
			Flavor: f, ImageID: img.ID, Metadata: map[string]string{}, AZ: az, Host: "compute-" + az,
			VMState: "active", PowerState: powerRunning, SecurityGroups: []string{"default"},
			DiskConfig: "MANUAL", Created: t, Updated: t, Launched: t, RootDevice: "/dev/vda",
			Base: baseFromImage(img),
		}
		srv.Flavor.ExtraSpecs = maps.Clone(f.ExtraSpecs)
		if len(b.keypairs) > 0 {
			srv.KeyName = b.keypairs[j%len(b.keypairs)]
		}
		if g := groupName(j); g != "" {
			srv.SecurityGroups = []string{g}
		}
		srv.DiskPath = b.s.c.BlobPath("disks", srv.ID)
		if err := blob.Create(srv.DiskPath, img.Size); err != nil {
			return fmt.Errorf("root disk of %s: %w", srv.Name, err)
		}
		srv.diskReady = true
		cs.seq++
		srv.seq = cs.seq
		cs.servers[srv.ID] = srv
		b.servers = append(b.servers, srv)
	}
	return nil
}

// bootSource resolves the spec's flavor and image by name and applies
// Nova's checks of an image boot.
func (b *BulkSeed) bootSource(images BulkImages) (flavor, core.ImageInfo, error) {
	var f *flavor
	for _, fl := range b.s.flavors {
		if fl.Name == b.spec.Flavor {
			f = fl
		}
	}
	if f == nil {
		return flavor{}, core.ImageInfo{}, fmt.Errorf("no flavor %q", b.spec.Flavor)
	}
	img, err := images.ByNameLocked(b.spec.Project, b.spec.Image)
	switch {
	case err != nil:
		return flavor{}, core.ImageInfo{}, err
	case img.Status != core.ImageActive || img.Path == "":
		return flavor{}, core.ImageInfo{}, fmt.Errorf("image %q is not active", b.spec.Image)
	case f.DiskGB == 0 || int64(f.DiskGB)*giB < img.Size || f.DiskGB < img.MinDisk || f.RAMMiB < img.MinRAM:
		return flavor{}, core.ImageInfo{}, fmt.Errorf("flavor %s is too small for image %q", f.Name, b.spec.Image)
	}
	return *f, img, nil
}
