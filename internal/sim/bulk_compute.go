package sim

import (
	"slices"

	"github.com/scs-migrate/scs-migrate/internal/sim/network"
)

// seedVolumes creates empty, sparse, available volumes and attaches
// volume k to server k, in Nova and in Cinder.
func (b *bulkSeeder) seedVolumes() error {
	vs := b.c.volume
	servers := b.nova.Servers()
	for k := range b.spec.Volumes {
		az := vs.DefaultAZ()
		if k < len(servers) && slices.Contains(vs.Zones(), servers[k].AZ) {
			az = servers[k].AZ
		}
		v, err := vs.AddEmptyLocked(b.project, b.user, b.name("vol", k, b.spec.Volumes), b.spec.VolumeSizeGB, b.volType, az)
		if err != nil {
			return err
		}
		b.res.Volumes++
		if k >= len(servers) {
			continue
		}
		device := b.nova.NextDevice(k)
		if err := vs.AttachLocked(v.ID, servers[k].ID, device); err != nil {
			return err
		}
		b.nova.AddVolumeLocked(k, v.ID, v.SizeGB, device)
		b.res.Attachments++
	}
	return nil
}

// seedPorts has Neutron create and bind the servers' ports and records
// them on the servers.
func (b *bulkSeeder) seedPorts() error {
	var servers []network.BulkServer
	for _, srv := range b.nova.Servers() {
		servers = append(servers, network.BulkServer{ID: srv.ID, AZ: srv.AZ})
	}
	ports, err := b.net.SeedPorts(servers)
	for _, p := range ports {
		b.nova.AddPortLocked(p.Server, p.PortID, p.NetworkID)
	}
	return err
}
