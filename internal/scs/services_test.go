package scs

import (
	"slices"
	"testing"
)

func TestMissingMandatoryServices(t *testing.T) {
	full := []string{"compute", "identity", "image", "network", "load-balancer", "volumev3", "placement", "object-store"}
	tests := []struct {
		desc    string
		catalog []string
		want    []string
	}{
		{"complete", full, nil},
		{"block-storage as volume", []string{"compute", "identity", "image", "network", "load-balancer", "volume", "placement"}, nil},
		{"block-storage as block-storage", []string{"compute", "identity", "image", "network", "load-balancer", "block-storage", "placement"}, nil},
		{"no octavia, no cinder", []string{"compute", "identity", "image", "network", "placement", "object-store"},
			[]string{"load-balancer", "block-storage"}},
		{"empty", nil, []string{"compute", "identity", "image", "network", "load-balancer", "block-storage", "placement"}},
	}
	for _, tt := range tests {
		if got := MissingMandatoryServices(tt.catalog); !slices.Equal(got, tt.want) {
			t.Errorf("%s: MissingMandatoryServices = %q, want %q", tt.desc, got, tt.want)
		}
	}
}

func TestServiceLists(t *testing.T) {
	mand := MandatoryServices()
	if len(mand) != 7 || mand[5].Name != "block-storage" || !slices.Equal(mand[5].CatalogTypes, []string{"volume", "volumev3", "block-storage"}) {
		t.Errorf("MandatoryServices() = %+v", mand)
	}
	mand[0].CatalogTypes[0] = "changed"
	if MandatoryServices()[0].CatalogTypes[0] != "compute" {
		t.Error("MandatoryServices shares slices")
	}
	sup := SupportedServices()
	for _, want := range []string{"key-manager", "object-store", "dns", "orchestration"} {
		if !slices.Contains(sup, want) {
			t.Errorf("SupportedServices() lacks %s", want)
		}
	}
	for _, m := range mand {
		for _, ct := range m.CatalogTypes {
			if slices.Contains(sup, ct) {
				t.Errorf("%s is both mandatory and optional", ct)
			}
		}
	}
}
