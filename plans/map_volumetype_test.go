package plans

import (
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

func vtype(name, desc string) inventory.VolumeType {
	return inventory.VolumeType{ID: "id-" + name, Name: name, Description: desc}
}

func typeList(ts ...inventory.VolumeType) []typeFacts {
	out := make([]typeFacts, len(ts))
	for i, t := range ts {
		out[i] = typeFactsOf(t)
	}
	return out
}

func TestMapVolumeType(t *testing.T) {
	beta := typeList(demoTarget().VolumeTypes...)
	onlyPlain := typeList(vtype("standard", "[scs:replicated] 3 copies"), vtype("fast", "local nvme"))
	superset := typeList(vtype("secure", "[scs:encrypted, replicated] LUKS"), vtype("plain", "no tag"))
	tests := []struct {
		name                   string
		src                    inventory.VolumeType
		targets                []typeFacts
		def, override          string
		wantTarget, wantRule   string
		wantReason, wantChange string
	}{
		{name: "exact aspects", src: vtype("ssd-encrypted", "[scs:encrypted, replicated] Ceph with LUKS"), targets: beta, def: "standard",
			wantTarget: "LUKS", wantRule: "aspects", wantReason: "same scs-0114 aspects [scs:encrypted, replicated]"},
		{name: "exact aspects, default preferred on a tie", src: vtype("ssd", "[scs:replicated]"),
			targets: typeList(vtype("a-repl", "[scs:replicated]"), vtype("standard", "[scs:replicated]")), def: "standard",
			wantTarget: "standard", wantRule: "aspects"},
		{name: "exact aspects, own name preferred on a tie", src: vtype("a-repl", "[scs:replicated]"),
			targets: typeList(vtype("a-repl", "[scs:replicated]"), vtype("standard", "[scs:replicated]")), def: "standard",
			wantTarget: "a-repl", wantRule: "aspects"},
		{name: "superset with the fewest extras", src: vtype("enc", "[scs:encrypted] LUKS, single copy"), targets: superset, def: "plain",
			wantTarget: "secure", wantRule: "aspects", wantReason: "has all scs-0114 aspects of [scs:encrypted]", wantChange: "aspect replicated added"},
		{name: "same name when no aspects match", src: vtype("fast", "[scs:encrypted] fast"), targets: onlyPlain, def: "standard",
			wantTarget: "fast", wantRule: "same-name", wantChange: "aspect encrypted lost"},
		{name: "default, losing encryption", src: vtype("ssd-encrypted", "[scs:encrypted, replicated]"), targets: onlyPlain, def: "standard",
			wantTarget: "standard", wantRule: "default", wantReason: "default type", wantChange: "aspect encrypted lost"},
		{name: "undeclared source goes to the default without changes", src: vtype("__DEFAULT__", "Default Volume Type"), targets: beta, def: "standard",
			wantTarget: "standard", wantRule: "default"},
		{name: "unknown default: the cloud picks", src: vtype("x", ""), targets: nil, def: "",
			wantTarget: "", wantRule: "default", wantReason: "name unknown"},
		{name: "override", src: vtype("ssd", "[scs:replicated]"), targets: beta, def: "standard", override: "local-nvme",
			wantTarget: "local-nvme", wantRule: "override", wantChange: "aspect replicated lost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ov *Override
			if tt.override != "" {
				ov = &Override{Source: tt.src.Name, Target: tt.override}
			}
			m := mapVolumeType(typeFactsOf(tt.src), tt.targets, tt.def, ov, "m.yaml:1")
			if m.TargetName != tt.wantTarget || m.Rule != tt.wantRule || m.Action != "map" {
				t.Fatalf("got %s %q by %s (%s), want %q by %s", m.Action, m.TargetName, m.Rule, m.Reason, tt.wantTarget, tt.wantRule)
			}
			if !strings.Contains(m.Reason, tt.wantReason) {
				t.Errorf("reason %q does not contain %q", m.Reason, tt.wantReason)
			}
			if got := strings.Join(m.Changes, ", "); got != tt.wantChange {
				t.Errorf("changes %q, want %q", got, tt.wantChange)
			}
		})
	}
}
