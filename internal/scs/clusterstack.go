package scs

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ClusterClassName is a parsed cluster-stack ClusterClass name,
// <provider>-<stack>-<k8s major>-<k8s minor>-<version>, as the Cluster
// Stack Operator derives it from {{Release.Name}}-{{Chart.Version}}: e.g.
// openstack-scs2-1-34-v1 or openstack-scs-1-32-v0-sha.lvlvyfw.
type ClusterClassName struct {
	Provider string // e.g. "openstack"
	Stack    string // e.g. "scs", "scs2"
	K8sMajor int
	K8sMinor int
	Version  string // cluster-stack version: "v1", "v0-sha.lvlvyfw", "v1-alpha.0"
}

// clusterStackVersion is the operator's version.New grammar: v<N>, or
// v<N>-<channel>.<patch> for hash and pre-release versions.
var clusterStackVersion = regexp.MustCompile(`^v[0-9]+(-\w+\.\w+)?$`)

// ParseClusterClassName parses a ClusterClass name. Like the operator, it
// splits on "-" and wants 5 parts, or 6 when the version carries a
// channel; provider and stack must be non-empty.
func ParseClusterClassName(name string) (ClusterClassName, error) {
	parts := strings.Split(name, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return ClusterClassName{}, fmt.Errorf("cluster class name %q: want <provider>-<stack>-<major>-<minor>-<version>", name)
	}
	c := ClusterClassName{Provider: parts[0], Stack: parts[1], Version: strings.Join(parts[4:], "-")}
	if c.Provider == "" || c.Stack == "" {
		return ClusterClassName{}, fmt.Errorf("cluster class name %q: empty provider or stack", name)
	}
	var err error
	if c.K8sMajor, err = versionNumber(parts[2]); err == nil {
		c.K8sMinor, err = versionNumber(parts[3])
	}
	if err != nil {
		return ClusterClassName{}, fmt.Errorf("cluster class name %q: kubernetes version %s.%s: %v", name, parts[2], parts[3], err)
	}
	if !clusterStackVersion.MatchString(c.Version) {
		return ClusterClassName{}, fmt.Errorf("cluster class name %q: version %q is not v<N> or v<N>-<channel>.<patch>", name, c.Version)
	}
	return c, nil
}

// String formats the name, e.g. "openstack-scs2-1-34-v1".
func (c ClusterClassName) String() string {
	return fmt.Sprintf("%s-%s-%d-%d-%s", c.Provider, c.Stack, c.K8sMajor, c.K8sMinor, c.Version)
}

// KubernetesVersion returns the Kubernetes minor version, e.g. "1.34".
func (c ClusterClassName) KubernetesVersion() string {
	return fmt.Sprintf("%d.%d", c.K8sMajor, c.K8sMinor)
}

// versionNumber parses a non-empty run of decimal digits.
func versionNumber(s string) (int, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return n, nil
}

// StackFlavorVariables names the ClusterClass variables of one SCS
// cluster stack that choose flavors and root disks, with their defaults.
type StackFlavorVariables struct {
	Stack                string
	ControlPlaneFlavor   string // variable name
	WorkerFlavor         string // variable name
	ControlPlaneRootDisk string // variable name
	WorkerRootDisk       string // variable name
	// Defaults of the variables; a root disk of 0 has no default, so the
	// flavor's own disk is used.
	DefaultControlPlaneFlavor     string
	DefaultWorkerFlavor           string
	DefaultControlPlaneRootDiskGB int
	DefaultWorkerRootDiskGB       int
}

// stackFlavorVariables holds the openstack cluster stacks: scs uses
// snake_case variables, scs2 camelCase.
var stackFlavorVariables = []StackFlavorVariables{
	{
		Stack:                "scs",
		ControlPlaneFlavor:   "controller_flavor",
		WorkerFlavor:         "worker_flavor",
		ControlPlaneRootDisk: "controller_root_disk",
		WorkerRootDisk:       "worker_root_disk",

		DefaultControlPlaneFlavor: "SCS-2V-4-20s",
		DefaultWorkerFlavor:       "SCS-2V-4",
		DefaultWorkerRootDiskGB:   25,
	},
	{
		Stack:                "scs2",
		ControlPlaneFlavor:   "controlPlaneFlavor",
		WorkerFlavor:         "workerFlavor",
		ControlPlaneRootDisk: "controlPlaneRootDisk",
		WorkerRootDisk:       "workerRootDisk",

		DefaultControlPlaneFlavor:     "SCS-2V-4",
		DefaultWorkerFlavor:           "SCS-4V-8",
		DefaultControlPlaneRootDiskGB: 50,
		DefaultWorkerRootDiskGB:       50,
	},
}

// FlavorVariablesOf returns the flavor variables of a stack ("scs" or
// "scs2").
func FlavorVariablesOf(stack string) (StackFlavorVariables, bool) {
	for _, v := range stackFlavorVariables {
		if v.Stack == stack {
			return v, true
		}
	}
	return StackFlavorVariables{}, false
}
