package scs

import (
	"strings"
	"testing"
)

func TestParseClusterClassName(t *testing.T) {
	tests := []struct {
		name string
		want ClusterClassName
	}{
		{"openstack-scs2-1-34-v1", ClusterClassName{"openstack", "scs2", 1, 34, "v1"}},
		{"openstack-scs-1-32-v0-sha.lvlvyfw", ClusterClassName{"openstack", "scs", 1, 32, "v0-sha.lvlvyfw"}},
		{"openstack-kamaji-1-30-v0-sha.11930ee", ClusterClassName{"openstack", "kamaji", 1, 30, "v0-sha.11930ee"}},
		{"docker-ferrol-1-27-v1-alpha.1", ClusterClassName{"docker", "ferrol", 1, 27, "v1-alpha.1"}},
		{"openstack-scs-1-35-v3", ClusterClassName{"openstack", "scs", 1, 35, "v3"}},
	}
	for _, tt := range tests {
		got, err := ParseClusterClassName(tt.name)
		if err != nil {
			t.Errorf("ParseClusterClassName(%q): %v", tt.name, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseClusterClassName(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
		if got.String() != tt.name {
			t.Errorf("String() = %q, want %q", got.String(), tt.name)
		}
	}
	c, _ := ParseClusterClassName("openstack-scs2-1-34-v1")
	if got := c.KubernetesVersion(); got != "1.34" {
		t.Errorf("KubernetesVersion() = %q", got)
	}
}

func TestParseClusterClassNameInvalid(t *testing.T) {
	tests := []struct{ name, wantErr string }{
		{"openstack-scs2-1-34", "want <provider>-<stack>-<major>-<minor>-<version>"},
		{"openstack-scs2-1-34-v1-alpha-1", "want <provider>"},
		{"-scs2-1-34-v1", "empty provider or stack"},
		{"openstack--1-34-v1", "empty provider or stack"},
		{"openstack-scs2-1-x-v1", `kubernetes version 1.x: "x" is not a number`},
		{"openstack-scs2-+1-34-v1", `"+1" is not a number`},
		{"openstack-scs2-1-34-1", `version "1" is not v<N>`},
		{"openstack-scs2-1-34-v1-alpha", `version "v1-alpha" is not`},
		{"openstack-scs2-1-34-v1.2", `version "v1.2" is not`},
		{"openstack-scs2-99999999999999999999-34-v1", "out of range"},
	}
	for _, tt := range tests {
		_, err := ParseClusterClassName(tt.name)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), `"`+tt.name+`"`) {
			t.Errorf("ParseClusterClassName(%q) = %v, want error naming it and containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestFlavorVariablesOf(t *testing.T) {
	tests := []struct {
		stack              string
		cpFlavor, wkFlavor string
		cpDefault          string
		wkDisk             int
	}{
		{"scs", "controller_flavor", "worker_flavor", "SCS-2V-4-20s", 25},
		{"scs2", "controlPlaneFlavor", "workerFlavor", "SCS-2V-4", 50},
	}
	for _, tt := range tests {
		v, ok := FlavorVariablesOf(tt.stack)
		if !ok || v.ControlPlaneFlavor != tt.cpFlavor || v.WorkerFlavor != tt.wkFlavor ||
			v.DefaultControlPlaneFlavor != tt.cpDefault || v.DefaultWorkerRootDiskGB != tt.wkDisk {
			t.Errorf("FlavorVariablesOf(%q) = %+v, %v", tt.stack, v, ok)
		}
		for _, f := range []string{v.DefaultControlPlaneFlavor, v.DefaultWorkerFlavor} {
			if _, ok := LookupStandardFlavor(f); !ok {
				t.Errorf("%s default flavor %s is not a standard flavor", tt.stack, f)
			}
		}
	}
	if _, ok := FlavorVariablesOf("kamaji"); ok {
		t.Error("FlavorVariablesOf(kamaji) succeeded")
	}
}

func FuzzParseClusterClassName(f *testing.F) {
	for _, seed := range []string{"openstack-scs2-1-34-v1", "openstack-scs-1-32-v0-sha.lvlvyfw", "a-b-01-002-v0", "x-y-1-2-v1-é.x"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		c, err := ParseClusterClassName(name)
		if err != nil {
			return
		}
		again, err := ParseClusterClassName(c.String())
		if err != nil || again != c {
			t.Fatalf("%q -> %q -> %+v, %v; want %+v", name, c.String(), again, err, c)
		}
	})
}
