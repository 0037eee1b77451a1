package image

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scs-migrate/scs-migrate/internal/sim/blob"
	"github.com/scs-migrate/scs-migrate/internal/sim/core"
	"github.com/scs-migrate/scs-migrate/internal/sim/qcow2"
)

// standardImage is one scs-0104 standard image as a provider offers it,
// with the scs-0102 metadata that differs between images.
type standardImage struct {
	name, distro, version, user string
	// source is the upstream URL; %s takes the build date (YYYYMMDD).
	source, description, frequency, purpose string
	minRAM                                  int
	// sourceOnly images exist only on the source profile: old releases
	// a target provider no longer offers.
	sourceOnly bool
}

var standardImages = []standardImage{
	{name: "Ubuntu 24.04", distro: "ubuntu", version: "24.04", user: "ubuntu",
		source:      "https://cloud-images.ubuntu.com/releases/noble/release-%s/ubuntu-24.04-server-cloudimg-amd64.img",
		description: "Ubuntu 24.04 LTS (Noble Numbat) server cloud image", frequency: "weekly", purpose: "generic", minRAM: 512},
	{name: "Ubuntu 22.04", distro: "ubuntu", version: "22.04", user: "ubuntu",
		source:      "https://cloud-images.ubuntu.com/releases/jammy/release-%s/ubuntu-22.04-server-cloudimg-amd64.img",
		description: "Ubuntu 22.04 LTS (Jammy Jellyfish) server cloud image", frequency: "weekly", purpose: "generic", minRAM: 512},
	{name: "Debian 12", distro: "debian", version: "12", user: "debian",
		source:      "https://cloud.debian.org/images/cloud/bookworm/%s/debian-12-genericcloud-amd64.qcow2",
		description: "Debian 12 (bookworm) generic cloud image", frequency: "monthly", purpose: "generic", minRAM: 512},
	{name: "ubuntu-capi-image-v1.33.10", distro: "ubuntu", version: "24.04", user: "ubuntu",
		source:      "https://nbg1.your-objectstorage.com/osism/openstack-k8s-capi-images/ubuntu-2404-kube-v1.33/ubuntu-2404-kube-v1.33.10.qcow2",
		description: "https://github.com/osism/k8s-capi-images", frequency: "never", purpose: "k8snode", minRAM: 2048},
	{name: "Ubuntu 20.04", distro: "ubuntu", version: "20.04", user: "ubuntu",
		source:      "https://cloud-images.ubuntu.com/releases/focal/release-%s/ubuntu-20.04-server-cloudimg-amd64.img",
		description: "Ubuntu 20.04 LTS (Focal Fossa) server cloud image", frequency: "monthly", purpose: "generic", minRAM: 512,
		sourceOnly: true},
	{name: "Debian 11", distro: "debian", version: "11", user: "debian",
		source:      "https://cloud.debian.org/images/cloud/bullseye/%s/debian-11-genericcloud-amd64.qcow2",
		description: "Debian 11 (bullseye) generic cloud image", frequency: "monthly", purpose: "generic", minRAM: 512,
		sourceOnly: true},
}

// Seeded images hold this much virtual disk, of which seedDataBytes are
// data: a small but real qcow2 image.
const (
	seedVirtualSize = 1 << 30
	seedMinDiskGB   = 1
)

// seedDataPieces are where a seeded image holds data: a boot area at the
// start and a little in the second half, so the image needs two L2
// tables.
var seedDataPieces = []struct{ off, n int64 }{{0, 768 << 10}, {600 << 20, 256 << 10}}

// seedProviderLocked creates the scs-0104 standard public images with
// scs-0102 metadata and small real bytes.
// SeedLocked uploads the provider's public standard images.
func (s *Room) SeedLocked() error {
	p := s.c.Profile()
	built := s.c.Now().AddDate(0, 0, -3)
	for _, si := range standardImages {
		if si.sourceOnly && p.Name != "source" {
			continue
		}
		if err := s.seedImageLocked(si, built); err != nil {
			return fmt.Errorf("image %q: %w", si.name, err)
		}
	}
	return nil
}

func (s *Room) seedImageLocked(si standardImage, built time.Time) error {
	t := s.c.Now()
	im := &image{
		ID: core.NewID(), Name: core.Ref(si.name), Status: statusQueued, Visibility: "public",
		Owner: s.providerProject, DiskFormat: core.Ref("qcow2"), ContainerFormat: core.Ref("bare"),
		MinDisk: seedMinDiskGB, MinRAM: si.minRAM, Tags: []string{}, Properties: si.properties(built),
		CreatedAt: t, UpdatedAt: t,
	}
	im.Path = s.c.BlobPath("images", im.ID)
	d, err := writeSeedImage(im.Path, si.name)
	if err != nil {
		return err
	}
	s.images[im.ID] = im
	s.setDataLocked(im, d)
	return nil
}

// properties are the image's scs-0102 metadata.
func (si standardImage) properties(built time.Time) map[string]string {
	source := si.source
	if strings.Contains(source, "%s") {
		source = fmt.Sprintf(source, built.Format("20060102"))
	}
	return map[string]string{
		"architecture": "x86_64", "hypervisor_type": "qemu",
		"hw_disk_bus": "scsi", "hw_scsi_model": "virtio-scsi", "hw_rng_model": "virtio",
		"os_distro": si.distro, "os_version": si.version, "os_purpose": si.purpose,
		"image_build_date": built.Format("2006-01-02"), "image_original_user": si.user,
		"image_source": source, "image_description": si.description,
		"replace_frequency": si.frequency, "provided_until": "none", "uuid_validity": "last-3",
		"hotfix_hours": "0",
	}
}

// writeSeedImage writes the qcow2 image of a standard image to path.
// Its bytes derive from the name only, so every cloud (and every run)
// offers the same "Ubuntu 24.04" with the same checksum.
func writeSeedImage(path, name string) (blob.Digests, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return blob.Digests{}, err
	}
	raw, err := os.CreateTemp(filepath.Dir(path), ".seed-*.raw")
	if err != nil {
		return blob.Digests{}, err
	}
	defer os.Remove(raw.Name())
	defer raw.Close()
	rng := rand.NewChaCha8(sha256.Sum256([]byte(name)))
	for _, p := range seedDataPieces {
		b := make([]byte, p.n)
		rng.Read(b)
		if _, err := raw.WriteAt(b, p.off); err != nil {
			return blob.Digests{}, err
		}
	}
	if err := raw.Truncate(seedVirtualSize); err != nil {
		return blob.Digests{}, err
	}
	return qcow2.WriteFile(path, raw, seedVirtualSize)
}
