package plans

import (
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/inventory"
)

func TestMapImage(t *testing.T) {
	targets := demoTarget().Images
	newer := stdImage("t-img-ubuntu2404-new", "Ubuntu 24.04", "ubuntu", "24.04")
	newer.CreatedAt = "2026-11-01T00:00:00Z"
	rocky := stdImage("t-rocky", "Rocky 9 (2026-10)", "rocky", "9")
	rockyOld := stdImage("t-rocky-old", "Rocky 9 (2026-09)", "rocky", "9")
	owned := func(img inventory.Image) inventory.Image {
		img.OwnedByTenant, img.Visibility, img.Owner = true, "private", "p-alpha"
		return img
	}
	tests := []struct {
		name                         string
		src                          inventory.Image
		targets                      []inventory.Image
		override                     string
		wantAction, wantRule, wantID string
		wantReason, wantChange       string
	}{
		{name: "mandatory standard image maps by name", src: stdImage("s1", "Ubuntu 24.04", "ubuntu", "24.04"), targets: targets,
			wantAction: "map", wantRule: "standard-image", wantID: "t-img-ubuntu2404", wantReason: "scs-0104 standard image (mandatory)"},
		{name: "recommended standard image maps by name", src: stdImage("s2", "Debian 12", "debian", "12"), targets: targets,
			wantAction: "map", wantRule: "standard-image", wantID: "t-img-debian12", wantReason: "(recommended)"},
		{name: "the newest of several same-named images", src: stdImage("s1", "Ubuntu 24.04", "ubuntu", "24.04"), targets: append(targets, newer),
			wantAction: "map", wantRule: "standard-image", wantID: "t-img-ubuntu2404-new"},
		{name: "non-standard public image by os_distro/os_version, name descending", src: stdImage("s3", "Rocky Linux 9", "rocky", "9"),
			targets: []inventory.Image{rockyOld, rocky}, wantAction: "map", wantRule: "os-metadata", wantID: "t-rocky",
			wantReason: "same os_distro=rocky os_version=9 os_purpose=generic"},
		{name: "os_purpose must match", src: func() inventory.Image {
			img := stdImage("s4", "k8s node", "ubuntu", "24.04")
			img.Properties["os_purpose"] = "k8snode"
			return img
		}(), targets: targets, wantAction: "copy", wantRule: "public-copy", wantReason: "public image the target does not offer",
			wantChange: "visibility public → private copy"},
		{name: "optional standard image the target lacks is copied with a warning", src: stdImage("s5", "Ubuntu 20.04", "ubuntu", "20.04"), targets: targets,
			wantAction: "copy", wantRule: "public-copy", wantReason: "scs-0104 optional standard image the target does not offer",
			wantChange: "visibility public → private copy"},
		{name: "tenant image is copied even if a standard one matches", src: owned(stdImage("s6", "Ubuntu 24.04", "ubuntu", "24.04")), targets: targets,
			wantAction: "copy", wantRule: "custom-image", wantReason: "owned by the tenant"},
		{name: "tenant image without data is blocked", src: func() inventory.Image {
			img := owned(stdImage("s7", "half", "ubuntu", "24.04"))
			img.Status = "queued"
			return img
		}(), targets: targets, wantAction: "blocked", wantRule: "blocked", wantReason: `status "queued"`},
		{name: "override maps a tenant image to a target image", src: owned(stdImage("s8", "legacy", "debian", "")), targets: targets,
			override: "Debian 12", wantAction: "map", wantRule: "override", wantID: "t-img-debian12", wantReason: "set in m.yaml:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ov *Override
			if tt.override != "" {
				ov = &Override{Source: tt.src.Name, Target: tt.override}
			}
			m := mapImage(tt.src, tt.targets, ov, "m.yaml:9")
			if m.Action != tt.wantAction || m.Rule != tt.wantRule || m.TargetID != tt.wantID {
				t.Fatalf("got %s %q by %s (%s), want %s %q by %s", m.Action, m.TargetID, m.Rule, m.Reason, tt.wantAction, tt.wantID, tt.wantRule)
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
