package plans

import (
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

func TestMapExternalNetwork(t *testing.T) {
	public := inventory.ExternalNetwork{ID: "n1", Name: "public"}
	one := []inventory.ExternalNetwork{{ID: "t1", Name: "ext-net"}}
	two := []inventory.ExternalNetwork{{ID: "t1", Name: "ext-net"}, {ID: "t2", Name: "public"}}
	three := []inventory.ExternalNetwork{{ID: "t1", Name: "ext-a"}, {ID: "t2", Name: "ext-b"}}
	tests := []struct {
		name                 string
		targets              []inventory.ExternalNetwork
		override             string
		wantID, wantRule     string
		wantAction, wantText string
	}{
		{"same name", two, "", "t2", "same-name", "map", "same name"},
		{"the only one", one, "", "t1", "only-one", "map", "only external network"},
		{"none", nil, "", "", "blocked", "blocked", "no external network"},
		{"ambiguous", three, "", "", "blocked", "blocked", "2 external networks (ext-a, ext-b) and none is called \"public\""},
		{"override", three, "ext-b", "t2", "override", "map", "set in m.yaml:4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ov *Override
			if tt.override != "" {
				ov = &Override{Source: "public", Target: tt.override}
			}
			m := mapExternalNetwork(public, tt.targets, ov, "m.yaml:4")
			if m.TargetID != tt.wantID || m.Rule != tt.wantRule || m.Action != tt.wantAction || !strings.Contains(m.Reason, tt.wantText) {
				t.Fatalf("got %s %q by %s (%s)", m.Action, m.TargetID, m.Rule, m.Reason)
			}
		})
	}
}

func TestMapAZ(t *testing.T) {
	tests := []struct {
		name, src      string
		targets        []string
		override       string
		want, wantRule string
		wantChange     string
	}{
		{"same name", "az2", []string{"az1", "az2"}, "", "az2", "same-name", ""},
		{"nova is the default", "eu-1a", []string{"az1", "nova"}, "", "nova", "default", "zone eu-1a → nova"},
		{"else the first", "nova", []string{"az1", "az2"}, "", "az1", "default", "zone nova → az1"},
		{"none listed: the cloud picks", "nova", nil, "", "", "default", ""},
		{"override", "nova", []string{"az1", "az2"}, "az2", "az2", "override", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ov *Override
			if tt.override != "" {
				ov = &Override{Source: tt.src, Target: tt.override}
			}
			m := mapAZ("compute-az", tt.src, tt.targets, ov, "m.yaml:2")
			if m.TargetName != tt.want || m.Rule != tt.wantRule || m.Reason == "" || strings.Join(m.Changes, ",") != tt.wantChange {
				t.Fatalf("got %q by %s (%s) %v", m.TargetName, m.Rule, m.Reason, m.Changes)
			}
		})
	}
}
