package plans

import (
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

func flv(name string, vcpus, ramMiB, disk int, specs ...string) inventory.Flavor {
	f := inventory.Flavor{ID: "id-" + name, Name: name, VCPUs: vcpus, RAMMiB: ramMiB, DiskGB: disk, ExtraSpecs: map[string]string{}}
	for i := 0; i+1 < len(specs); i += 2 {
		f.ExtraSpecs[specs[i]] = specs[i+1]
	}
	return f
}

func factsList(fs ...inventory.Flavor) []flavorFacts {
	out := make([]flavorFacts, len(fs))
	for i, f := range fs {
		out[i] = factsOf(f)
	}
	return out
}

func TestMapFlavor(t *testing.T) {
	target := factsList(demoTarget().Flavors...)
	ephemeral, bfv := flavorUse{ephemeral: true}, flavorUse{}
	tests := []struct {
		name       string
		src        inventory.Flavor
		use        flavorUse
		targets    []flavorFacts
		override   string
		wantTarget string
		wantRule   string
		wantAction string
		wantReason string // substring
		wantChange string // substring of the joined changes; "" means no changes
	}{
		{name: "same scs:name-v2", src: stdFlavor("SCS-2V-4-20s"), use: ephemeral, targets: target,
			wantTarget: "SCS-2V-4-20s", wantRule: "scs-name", wantAction: "map", wantReason: "same scs:name-v2 SCS-2V-4-20s"},
		{name: "same non-SCS name that covers", src: flv("m1.large", 4, 8192, 40), use: ephemeral,
			targets:    factsList(flv("m1.large", 4, 8192, 40), flv("SCS-4V-8-50", 4, 8192, 50)),
			wantTarget: "m1.large", wantRule: "same-name", wantAction: "map", wantReason: "same name"},
		{name: "same name that does not cover falls through to covering", src: flv("m1.large", 4, 8192, 40), use: ephemeral,
			targets:    factsList(flv("m1.large", 2, 4096, 20), flv("SCS-4V-8-50", 4, 8192, 50)),
			wantTarget: "SCS-4V-8-50", wantRule: "covering", wantAction: "map",
			wantReason: "same-named m1.large does not cover (2 vCPU < 4, RAM 4 GiB < 8 GiB, disk 20 GB < 40 GB)", wantChange: "root disk 40 → 50 GB"},
		{name: "v1 spelling maps by parsed spec", src: flv("SCS-2V:4:20s", 2, 4096, 20), use: ephemeral, targets: target,
			wantTarget: "SCS-2V-4-20s", wantRule: "scs-spec", wantAction: "map", wantReason: "same SCS spec SCS-2V-4-20s"},
		{name: "covering: smallest, by spec", src: flv("alpha.c4.m12", 4, 12288, 0), use: bfv, targets: target,
			wantTarget: "SCS-4V-12", wantRule: "covering", wantAction: "map", wantReason: "shared-core (assumed: not declared)"},
		{name: "covering records bigger RAM", src: flv("odd", 3, 6144, 0), use: bfv, targets: target,
			wantTarget: "SCS-4V-8", wantRule: "covering", wantAction: "map", wantChange: "vCPU 3 → 4, RAM 6 GiB → 8 GiB"},
		{name: "covering respects the root disk of ephemeral servers", src: flv("big-disk", 2, 4096, 30), use: ephemeral, targets: target,
			wantTarget: "SCS-2V-16-50", wantRule: "covering", wantAction: "map", wantChange: "RAM 4 GiB → 16 GiB, root disk 30 → 50 GB"},
		{name: "boot-from-volume ignores the root disk", src: flv("big-disk", 2, 4096, 30), use: bfv, targets: target,
			wantTarget: "SCS-2V-4", wantRule: "covering", wantAction: "map"},
		{name: "dedicated core never maps to shared core", src: flv("SCS-4C-12", 4, 12288, 0, "scs:cpu-type", "dedicated-core"), use: bfv, targets: target,
			wantTarget: "SCS-4C-16", wantRule: "covering", wantAction: "map", wantChange: "RAM 12 GiB → 16 GiB"},
		{name: "dedicated thread maps to dedicated core, recorded", src: flv("SCS-2T-4", 2, 4096, 0), use: bfv, targets: target,
			wantTarget: "SCS-4C-16", wantRule: "covering", wantAction: "map", wantChange: "CPU dedicated-thread → dedicated-core (stronger)"},
		{name: "blocked: nothing strong enough, closest named", src: flv("SCS-8C-32", 8, 32768, 0), use: bfv, targets: target,
			wantRule: "blocked", wantAction: "blocked", wantReason: "closest is SCS-8V-32: CPU shared-core weaker than dedicated-core"},
		{name: "blocked: ARM needs ARM", src: flv("SCS-2V-4_a", 2, 4096, 0), use: bfv, targets: target,
			wantRule: "blocked", wantAction: "blocked", wantReason: "no ARM CPU"},
		{name: "blocked: GPU needs a GPU", src: flv("SCS-4V-16_GNa-14", 4, 16384, 0), use: bfv, targets: target,
			wantRule: "blocked", wantAction: "blocked", wantReason: "no N GPU"},
		{name: "blocked: empty target", src: flv("x", 1, 1024, 0), use: bfv, targets: nil,
			wantRule: "blocked", wantAction: "blocked", wantReason: "the target lists no flavors"},
		{name: "override wins, even weaker, and says so", src: flv("SCS-4C-16", 4, 16384, 0), use: bfv, targets: target,
			override: "SCS-4V-16", wantTarget: "SCS-4V-16", wantRule: "override", wantAction: "map",
			wantReason: "set in mapping.yaml:3", wantChange: "CPU dedicated-core → shared-core (WEAKER)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ov *Override
			if tt.override != "" {
				ov = &Override{Source: tt.src.Name, Target: tt.override}
			}
			m := mapFlavor(factsOf(tt.src), tt.use, tt.targets, ov, "mapping.yaml:3")
			if m.TargetName != tt.wantTarget || m.Rule != tt.wantRule || m.Action != tt.wantAction {
				t.Fatalf("got %s %s by %s (%s), want %s %s by %s", m.Action, m.TargetName, m.Rule, m.Reason, tt.wantAction, tt.wantTarget, tt.wantRule)
			}
			if !strings.Contains(m.Reason, tt.wantReason) || m.Reason == "" {
				t.Errorf("reason %q does not contain %q", m.Reason, tt.wantReason)
			}
			changes := strings.Join(m.Changes, ", ")
			if tt.wantChange == "" && changes != "" || !strings.Contains(changes, tt.wantChange) {
				t.Errorf("changes %q, want %q", changes, tt.wantChange)
			}
		})
	}
}

func TestMapFlavorIsDeterministic(t *testing.T) {
	target := demoTarget().Flavors
	reversed := make([]inventory.Flavor, len(target))
	for i, f := range target {
		reversed[len(target)-1-i] = f
	}
	src := factsOf(flv("odd", 3, 6144, 0))
	a := mapFlavor(src, flavorUse{}, factsList(target...), nil, "")
	b := mapFlavor(src, flavorUse{}, factsList(reversed...), nil, "")
	if a.TargetName != b.TargetName || a.Reason != b.Reason {
		t.Fatalf("order of target flavors changes the decision: %s vs %s", a.TargetName, b.TargetName)
	}
}
