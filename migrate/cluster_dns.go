package migrate

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/scs-migrate/scs-migrate/internal/kube"
	"github.com/scs-migrate/scs-migrate/plans"
)

// exposed is a LoadBalancer Service or an Ingress: what DNS points at.
type exposed struct {
	kind, namespace, name string
	hosts                 []string // Ingress host names
	address               string
}

func (e exposed) key() string { return e.kind + "/" + e.namespace + "/" + e.name }

// reportAddresses pairs the source's LoadBalancer Services and Ingresses
// with the restored ones, waits (bounded) for the new addresses, and
// notes what DNS must change. It never fails the step: what has no
// address yet is reported as pending.
func (k *Kube) reportAddresses(ctx context.Context, sc *StepContext, src, tgt *kube.Clients, spec *plans.ClusterSpec, excluded []string, values map[string]string) {
	old, err := exposedOf(ctx, src, excluded)
	if err != nil {
		sc.Note("the source's load balancer addresses were not read: %v", err)
		return
	}
	if len(old) == 0 {
		return
	}
	var now map[string]exposed
	poll := k.wait(sc, k.LoadBalancerTimeout, DefaultLoadBalancerTimeout)
	_ = poll.Until(ctx, "the restored load balancers' addresses", func(ctx context.Context) (bool, error) {
		now, err = exposedOf(ctx, tgt, excluded)
		if err != nil {
			return false, err
		}
		pending := 0
		for _, e := range old {
			if now[mapped(e, spec).key()].address == "" {
				pending++
			}
		}
		k.progress(sc, "%d of %d restored load balancers have their address", len(old)-pending, len(old))
		return pending == 0, nil
	})
	for _, key := range slices.Sorted(maps.Keys(old)) {
		e := old[key]
		n := now[mapped(e, spec).key()]
		values["address."+key] = e.address + " → " + n.address
		sc.Note("%s", dnsNote(e, n))
	}
}

// mapped is where a source object lands in the target (namespace mapping).
func mapped(e exposed, spec *plans.ClusterSpec) exposed {
	if ns, ok := spec.Namespaces[e.namespace]; ok {
		e.namespace = ns
	}
	return e
}

func dnsNote(old, now exposed) string {
	what := fmt.Sprintf("%s %s/%s", old.kind, old.namespace, old.name)
	if now.address == "" {
		return fmt.Sprintf("%s: the new load balancer has no address yet (was %s): look it up later and point DNS at it", what, old.address)
	}
	if len(old.hosts) > 0 {
		return fmt.Sprintf("%s: %s → %s: change the DNS records of %s", what, old.address, now.address, strings.Join(old.hosts, ", "))
	}
	return fmt.Sprintf("%s: load balancer %s → %s: point the DNS names of %s at %s", what, old.address, now.address, old.address, now.address)
}

// exposedOf lists the LoadBalancer Services and Ingresses of a cluster
// outside the excluded namespaces, by key.
func exposedOf(ctx context.Context, c *kube.Clients, excluded []string) (map[string]exposed, error) {
	out := map[string]exposed{}
	svcs, err := c.Typed.CoreV1().Services("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list Services: %w", err)
	}
	for _, s := range svcs.Items {
		if s.Spec.Type == corev1.ServiceTypeLoadBalancer && !slices.Contains(excluded, s.Namespace) {
			e := exposed{kind: "Service", namespace: s.Namespace, name: s.Name, address: ingressAddress(s.Status.LoadBalancer.Ingress)}
			out[e.key()] = e
		}
	}
	ings, err := c.Typed.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{})
	if kube.IsNotFound(err) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list Ingresses: %w", err)
	}
	for _, i := range ings.Items {
		if slices.Contains(excluded, i.Namespace) {
			continue
		}
		e := exposed{kind: "Ingress", namespace: i.Namespace, name: i.Name, address: ingressLBAddress(i.Status.LoadBalancer.Ingress)}
		for _, r := range i.Spec.Rules {
			if r.Host != "" && !slices.Contains(e.hosts, r.Host) {
				e.hosts = append(e.hosts, r.Host)
			}
		}
		out[e.key()] = e
	}
	return out, nil
}

func ingressAddress(in []corev1.LoadBalancerIngress) string {
	var out []string
	for _, i := range in {
		if a := cmp.Or(i.IP, i.Hostname); a != "" {
			out = append(out, a)
		}
	}
	return strings.Join(out, ",")
}

func ingressLBAddress(in []networkingv1.IngressLoadBalancerIngress) string {
	var out []string
	for _, i := range in {
		if a := cmp.Or(i.IP, i.Hostname); a != "" {
			out = append(out, a)
		}
	}
	return strings.Join(out, ",")
}

// KubeAddressChanges are the address changes a succeeded cluster or
// velero-restore step recorded: the API endpoint, and each LoadBalancer
// Service and Ingress, for the report's DNS list.
func KubeAddressChanges(s plans.Step, rec StepRecord) []AddressChange {
	if rec.State != StateSucceeded {
		return nil
	}
	var out []AddressChange
	if s.Kind == plans.StepCluster && rec.Values[valueEndpointNew] != "" {
		out = append(out, AddressChange{Old: rec.Values[valueEndpointOld], New: rec.Values[valueEndpointNew], Server: "API endpoint of cluster " + s.Name})
	}
	for _, k := range slices.Sorted(maps.Keys(rec.Values)) {
		if what, ok := strings.CutPrefix(k, "address."); ok {
			old, now, _ := strings.Cut(rec.Values[k], " → ")
			out = append(out, AddressChange{Old: old, New: now, Server: strings.Replace(what, "/", " ", 1)})
		}
	}
	return out
}
