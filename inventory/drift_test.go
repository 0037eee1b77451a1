package inventory

import (
	"slices"
	"testing"
)

func driftFixture() *Document {
	return &Document{
		Servers: []Server{
			{ID: "s1", Name: "web-1", FlavorName: "SCS-2V-4", Ports: []string{"p1"}, BlockDevices: []BlockDevice{{VolumeID: "v1"}}, Status: "ACTIVE"},
			{ID: "s2", Name: "db-1", FlavorName: "SCS-4V-16", Ports: []string{"p2"}, Status: "ACTIVE"},
		},
		Volumes: []Volume{{ID: "v1", Name: "uploads", SizeGB: 10, Attachments: []VolumeAttachment{{ServerID: "s1"}}}},
		Ports: []Port{
			{ID: "p1", NetworkID: "n1", FixedIPs: []FixedIP{{IPAddress: "10.0.0.11"}}, DeviceID: "s1"},
			{ID: "p2", NetworkID: "n1", FixedIPs: []FixedIP{{IPAddress: "10.0.0.12"}}, DeviceID: "s2"},
		},
		Networks: []Network{{ID: "n1", Name: "backend", MTU: 1500}},
	}
}

// TestDriftNamesWhatAPlanReliesOn: a server deleted, a volume resized and
// a port added to a server are each one change, named for people; a
// server stopped meanwhile is not drift.
func TestDriftNamesWhatAPlanReliesOn(t *testing.T) {
	before, after := driftFixture(), driftFixture()
	after.Servers = after.Servers[:1]
	after.Servers[0].Status = "SHUTOFF"
	after.Servers[0].Ports = append(after.Servers[0].Ports, "p3")
	after.Ports = append(after.Ports, Port{ID: "p3", NetworkID: "n1", FixedIPs: []FixedIP{{IPAddress: "10.0.0.13"}}, DeviceID: "s1"})
	after.Volumes[0].SizeGB = 20
	var got []string
	for _, c := range Drift(before, after) {
		got = append(got, c.String())
	}
	want := []string{
		"server web-1: ports: port 10.0.0.11 → port 10.0.0.11, port 10.0.0.13",
		"server db-1: is gone",
		"volume uploads: size: 10 GB → 20 GB",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Drift =\n%q\nwant\n%q", got, want)
	}
	if d := Drift(before, before); len(d) != 0 {
		t.Errorf("a snapshot drifts from itself: %v", d)
	}
}
