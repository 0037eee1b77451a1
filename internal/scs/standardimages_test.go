package scs

import "testing"

func TestMatchStandardImage(t *testing.T) {
	tests := []struct {
		name     string
		wantName string
		status   Status
		ok       bool
	}{
		{"Ubuntu 24.04", "Ubuntu 24.04", Mandatory, true},
		{"Debian 12", "Debian 12", Recommended, true},
		{"Debian 13", "Debian 13", Optional, true},
		{"Ubuntu 22.04", "Ubuntu 22.04", Optional, true},
		{"ubuntu-capi-image-v1.33.4", "ubuntu-capi-image", Recommended, true},
		{"ubuntu-capi-image-v1.33", "ubuntu-capi-image", Recommended, true},
		{"ubuntu-capi-image-v1.33.4-extra", "ubuntu-capi-image", Recommended, true}, // prefix match
		{"ubuntu-capi-image v1.33.4", "", "", false},
		{"Ubuntu 24.04 20240601", "", "", false}, // plain names match exactly
		{"ubuntu 24.04", "", "", false},
		{"my-image", "", "", false},
	}
	for _, tt := range tests {
		got, ok := MatchStandardImage(tt.name)
		if ok != tt.ok || got.Name != tt.wantName || got.Status != tt.status {
			t.Errorf("MatchStandardImage(%q) = %q %q %v, want %q %q %v",
				tt.name, got.Name, got.Status, ok, tt.wantName, tt.status, tt.ok)
		}
	}
}

func TestMatchStandardImageV4(t *testing.T) {
	tests := []struct {
		name   string
		status Status
		ok     bool
	}{
		{"Ubuntu 22.04", Mandatory, true},
		{"ubuntu-capi-image v1.30.2", Recommended, true},
		{"ubuntu-capi-image v1x30", Recommended, true}, // unescaped dots in the v4 spec
		{"ubuntu-capi-image-v1.30.2", "", false},
		{"Ubuntu 24.04", "", false},
		{"Debian 12", Optional, true},
	}
	for _, tt := range tests {
		got, ok := MatchStandardImageIn(IaaSv4, tt.name)
		if ok != tt.ok || got.Status != tt.status {
			t.Errorf("MatchStandardImageIn(v4, %q) = %q %v, want %q %v", tt.name, got.Status, ok, tt.status, tt.ok)
		}
	}
}

func TestStandardImageSourceAllowed(t *testing.T) {
	tests := []struct {
		image, source string
		want          bool
	}{
		{"Ubuntu 24.04", "https://cloud-images.ubuntu.com/releases/noble/release-20240523/ubuntu-24.04-server-cloudimg-amd64.img", true},
		{"Ubuntu 24.04", "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", true},
		{"Ubuntu 24.04", "https://cloud-images.ubuntu.com/jammy/current/x.img", false},
		{"Ubuntu 24.04", "private", false},
		{"Debian 13", "https://cloud.debian.org/images/cloud/trixie/latest/debian-13-genericcloud-amd64.qcow2", true},
		{"Debian 12", "https://cdimage.debian.org/cdimage/cloud/bookworm/latest/x.qcow2", true},
		{"ubuntu-capi-image-v1.33.4", "https://nbg1.your-objectstorage.com/osism/openstack-k8s-capi-images/ubuntu-2404-kube-v1.33/x.qcow2", true},
		{"ubuntu-capi-image-v1.33.4", "https://swift.services.a.regiocloud.tech/swift/v1/AUTH_b182637428444b9aa302bb8d5a5a418c/openstack-k8s-capi-images/ubuntu-2404-kube-v1.33/x.qcow2", true},
		{"ubuntu-capi-image-v1.33.4", "https://swift.services.a.regiocloud.tech/swift/v1/AUTH_b182637428444b9aa302bb8d5a5a418c/openstack-k8s-capi-images/ubuntu-2004-kube-v1.33/x.qcow2", false},
	}
	for _, tt := range tests {
		img, ok := MatchStandardImage(tt.image)
		if !ok {
			t.Fatalf("%q is not a standard image", tt.image)
		}
		if got := img.SourceAllowed(tt.source); got != tt.want {
			t.Errorf("%q.SourceAllowed(%q) = %v, want %v", tt.image, tt.source, got, tt.want)
		}
	}
}

func TestStandardImagesVersions(t *testing.T) {
	for v, mandatory := range map[CertVersion]string{IaaSv5_1: "Ubuntu 24.04", IaaSv4: "Ubuntu 22.04"} {
		var got []string
		for _, img := range StandardImages(v) {
			if img.Status == Mandatory {
				got = append(got, img.Name)
			}
		}
		if len(got) != 1 || got[0] != mandatory {
			t.Errorf("mandatory images of %s = %v, want [%s]", v, got, mandatory)
		}
	}
	if StandardImages("v3") != nil {
		t.Error("StandardImages(v3) is not nil")
	}
	a := StandardImages(IaaSv5_1)
	a[0].Sources[0] = "changed"
	if StandardImages(IaaSv5_1)[0].Sources[0] == "changed" {
		t.Error("StandardImages shares source slices")
	}
}
