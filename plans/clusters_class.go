package plans

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/scs-migrate/scs-migrate/internal/scs"
)

// offeredClass is a ClusterClass the target's KaaS offers.
type offeredClass struct {
	namespace string // "" when the target listed bare names
	name      scs.ClusterClassName
	raw       string
}

// qualified is "namespace/name", or the name alone.
func (o offeredClass) qualified() string {
	if o.namespace == "" {
		return o.raw
	}
	return o.namespace + "/" + o.raw
}

// parseOffered reads Target.ClusterClasses ("namespace/name" or "name");
// names that are not cluster-stack classes are skipped.
func parseOffered(classes []string) []offeredClass {
	var out []offeredClass
	for _, q := range classes {
		ns, raw, ok := strings.Cut(q, "/")
		if !ok {
			ns, raw = "", q
		}
		if n, err := scs.ParseClusterClassName(raw); err == nil {
			out = append(out, offeredClass{namespace: ns, name: n, raw: raw})
		}
	}
	return out
}

// mapClusterClass decides the target ClusterClass of a source class,
// trying in order: the user's override; the same class; the same stack
// of the same provider at the lowest Kubernetes minor not below the
// source's (a Cluster is never moved to a lower minor: Velero cannot
// restore into an older Kubernetes), its newest stable release first.
func mapClusterClass(src scs.ClusterClassName, offered []offeredClass, ov *Override, where string) Mapping {
	m := Mapping{Kind: "cluster-class", SourceName: src.String()}
	if ov != nil {
		return mapClassOverride(m, src, offered, ov, where)
	}
	if len(offered) == 0 {
		return m.decide("", "", "blocked", "blocked",
			"the target offers no cluster-stack ClusterClass (or its management cluster was not read: give the target's KaaS kubeconfig)")
	}
	var same, lower []offeredClass
	for _, o := range offered {
		switch {
		case o.name.Provider != src.Provider || o.name.Stack != src.Stack || o.name.K8sMajor != src.K8sMajor:
		case o.name.K8sMinor < src.K8sMinor:
			lower = append(lower, o)
		default:
			same = append(same, o)
		}
	}
	if len(same) == 0 {
		return m.decide("", "", "blocked", "blocked", noClassReason(src, offered, lower))
	}
	best := slices.MinFunc(same, func(a, b offeredClass) int { return compareOffer(src, a, b) })
	m.Changes = classChanges(src, best.name)
	rule, why := "same-class", "the same class is offered on the target"
	switch {
	case best.name.K8sMinor > src.K8sMinor:
		rule, why = "newer-minor", fmt.Sprintf("the target offers stack %s from Kubernetes %s on, not %s", src.Stack, best.name.KubernetesVersion(), src.KubernetesVersion())
	case best.raw != src.String():
		rule, why = "same-minor", fmt.Sprintf("stack %s for Kubernetes %s, the target's newest release %s", src.Stack, src.KubernetesVersion(), best.name.Version)
	}
	return m.decide(best.qualified(), best.raw, "map", rule, why)
}

func mapClassOverride(m Mapping, src scs.ClusterClassName, offered []offeredClass, ov *Override, where string) Mapping {
	i := slices.IndexFunc(offered, func(o offeredClass) bool { return o.raw == ov.Target || o.qualified() == ov.Target })
	if i < 0 {
		return m.decide("", ov.Target, "blocked", "blocked", fmt.Sprintf("%s names ClusterClass %q, which the target does not offer (%s)",
			where, ov.Target, offeredList(offered)))
	}
	o := offered[i]
	if o.name.K8sMajor != src.K8sMajor || o.name.K8sMinor < src.K8sMinor {
		return m.decide(o.qualified(), o.raw, "blocked", "blocked", fmt.Sprintf("%s maps to %s, Kubernetes %s: lower than the source's %s, and Velero cannot restore into an older Kubernetes",
			where, o.raw, o.name.KubernetesVersion(), src.KubernetesVersion()))
	}
	m.Changes = classChanges(src, o.name)
	return m.decide(o.qualified(), o.raw, "map", "override", "set in "+where)
}

// compareOffer orders candidates: lowest minor, then stable versions
// (v<N>) before channel builds, then the newest version.
func compareOffer(src scs.ClusterClassName, a, b offeredClass) int {
	return cmp.Or(
		cmp.Compare(a.name.K8sMinor, b.name.K8sMinor),
		cmp.Compare(boolRank(!isStableStackVersion(a.name.Version)), boolRank(!isStableStackVersion(b.name.Version))),
		-cmp.Compare(stackVersionNumber(a.name.Version), stackVersionNumber(b.name.Version)),
		-cmp.Compare(a.name.Version, b.name.Version),
		cmp.Compare(boolRank(a.raw != src.String()), boolRank(b.raw != src.String())),
		cmp.Compare(a.qualified(), b.qualified()),
	)
}

func isStableStackVersion(v string) bool { return !strings.Contains(v, "-") }

// stackVersionNumber is N of "v<N>" or "v<N>-<channel>.<patch>".
func stackVersionNumber(v string) int {
	v, _, _ = strings.Cut(strings.TrimPrefix(v, "v"), "-")
	n, _ := strconv.Atoi(v)
	return n
}

func classChanges(src, dst scs.ClusterClassName) []string {
	var out []string
	if dst.K8sMinor != src.K8sMinor {
		out = append(out, fmt.Sprintf("Kubernetes %s → %s", src.KubernetesVersion(), dst.KubernetesVersion()))
	}
	if dst.Version != src.Version {
		out = append(out, fmt.Sprintf("cluster stack %s %s → %s", src.Stack, src.Version, dst.Version))
	}
	return out
}

func noClassReason(src scs.ClusterClassName, offered, lower []offeredClass) string {
	if len(lower) > 0 {
		return fmt.Sprintf("the target offers stack %s only for lower Kubernetes versions (%s) than the source's %s: Velero cannot restore into an older Kubernetes",
			src.Stack, offeredList(lower), src.KubernetesVersion())
	}
	return fmt.Sprintf("the target offers no %s stack %q class (offered: %s); choose one under clusterClasses in the mapping file",
		src.Provider, src.Stack, offeredList(offered))
}

func offeredList(o []offeredClass) string {
	if len(o) == 0 {
		return "none"
	}
	names := make([]string, len(o))
	for i, c := range o {
		names[i] = c.raw
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ", ")
}

// mapKubernetesVersion decides the Kubernetes version of the target
// cluster: the source's own where the class keeps the minor, else the
// class's minor, whose patch release the target's ClusterStackRelease
// fixes when the cluster is created.
func mapKubernetesVersion(clusterID, srcVersion string, class scs.ClusterClassName) Mapping {
	m := Mapping{Kind: "kubernetes-version", SourceID: clusterID, SourceName: srcVersion}
	major, minor, ok := versionMinor(srcVersion)
	switch {
	case !ok:
		return m.decide("", "", "blocked", "blocked", fmt.Sprintf("Kubernetes version %q is not v<major>.<minor>.<patch>", srcVersion))
	case major != class.K8sMajor || minor > class.K8sMinor:
		return m.decide("", "", "blocked", "blocked", fmt.Sprintf("class %s is for Kubernetes %s, lower than the cluster's %s", class, class.KubernetesVersion(), srcVersion))
	case minor == class.K8sMinor:
		return m.decide("", srcVersion, "map", "same-minor",
			"the same version; where the target's cluster stack release ships another patch of "+class.KubernetesVersion()+", migrate uses that one")
	}
	target := "v" + class.KubernetesVersion()
	m.Changes = []string{fmt.Sprintf("Kubernetes %s → %s", srcVersion, target)}
	return m.decide("", target, "map", "class-release",
		"upgraded to the class's minor; the patch release is the one the target's cluster stack ships, read when the cluster is created")
}

// versionMinor parses "v1.33.4" (or "1.33").
func versionMinor(v string) (major, minor int, ok bool) {
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil
}
