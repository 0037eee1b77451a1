// Package export writes what a migration made on the target as code for
// other tools; OpenTofu (and Terraform) with terraform-provider-openstack
// is the first format.
//
// The code is written from the journal (which resources the plan created
// on the target, and their target IDs) and a fresh inventory of the target
// (their attributes as the target has them), so that `tofu plan` after
// the import blocks are applied shows no changes.
package export

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/scs-migrate/scs-migrate/inventory"
	"github.com/scs-migrate/scs-migrate/migrate"
)

// ProviderVersion is the provider version constraint the code asks for;
// the attributes written are those of the provider's v3 schemas.
const ProviderVersion = "~> 3.0"

// Options tune the code written.
type Options struct {
	// Cloud is the default of var.cloud, the clouds.yaml entry of the
	// target (the plan's target cloud).
	Cloud string
}

// Result is the code written and what was left out.
type Result struct {
	// Files are the file names (main.tf, imports.tf, …) and their
	// formatted contents.
	Files map[string][]byte
	// Counts counts the resource blocks written, by resource type.
	Counts map[string]int
	// Skipped names created resources that were not written, and why.
	Skipped []string
}

// Resource types written.
const (
	tNetwork     = "openstack_networking_network_v2"
	tSubnet      = "openstack_networking_subnet_v2"
	tSubnetRoute = "openstack_networking_subnet_route_v2"
	tRouterRoute = "openstack_networking_router_route_v2"
	tRouter      = "openstack_networking_router_v2"
	tRouterIf    = "openstack_networking_router_interface_v2"
	tSecGroup    = "openstack_networking_secgroup_v2"
	tSecRule     = "openstack_networking_secgroup_rule_v2"
	tPort        = "openstack_networking_port_v2"
	tKeypair     = "openstack_compute_keypair_v2"
	tServerGrp   = "openstack_compute_servergroup_v2"
	tVolume      = "openstack_blockstorage_volume_v3"
	tServer      = "openstack_compute_instance_v2"
	tAttach      = "openstack_compute_volume_attach_v2"
	tFloatingIP  = "openstack_networking_floatingip_v2"
	tFIPAssoc    = "openstack_networking_floatingip_associate_v2"
	tLB          = "openstack_lb_loadbalancer_v2"
	tListener    = "openstack_lb_listener_v2"
	tPool        = "openstack_lb_pool_v2"
	tMember      = "openstack_lb_member_v2"
	tMonitor     = "openstack_lb_monitor_v2"
)

// writer builds the files; refs maps a target ID to the address of the
// resource written for it, so that later blocks refer to it.
type writer struct {
	doc     *inventory.Document
	main    *hclwrite.Body
	imports *hclwrite.Body
	refs    map[string]hcl.Traversal
	labels  map[string]map[string]bool // type → labels used
	routed  []routed
	ifaces  map[string][]string // router ID → labels of its interfaces
	res     *Result
}

// OpenTofu writes the resources the journal records as created on the
// target, with attributes from target (a fresh inventory of the target).
func OpenTofu(created []migrate.Created, target *inventory.Document, opts Options) (*Result, error) {
	if target == nil {
		return nil, fmt.Errorf("export needs an inventory of the target")
	}
	mainFile, importsFile := hclwrite.NewEmptyFile(), hclwrite.NewEmptyFile()
	w := &writer{doc: target, main: mainFile.Body(), imports: importsFile.Body(),
		refs: map[string]hcl.Traversal{}, labels: map[string]map[string]bool{}, ifaces: map[string][]string{},
		res: &Result{Files: map[string][]byte{}, Counts: map[string]int{}}}

	byKind := map[string][]migrate.Created{}
	for _, c := range created {
		if c.Cloud != "target" {
			continue
		}
		byKind[c.Kind] = append(byKind[c.Kind], c)
	}
	for k := range byKind {
		slices.SortFunc(byKind[k], func(a, b migrate.Created) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
	}
	// Dependencies first, so that references point backwards.
	w.networks(byKind["network"])
	w.subnets(byKind["subnet"])
	w.routers(byKind["router"])
	w.routerInterfaces(byKind["router-interface"])
	w.routerRoutes()
	w.securityGroups(byKind["security-group"])
	w.keypairs(byKind["keypair"])
	w.serverGroups(byKind["server-group"])
	w.ports(byKind["port"])
	w.volumes(byKind["volume"])
	w.servers(byKind["server"])
	w.floatingIPs(byKind["floating-ip"])
	w.loadBalancers(byKind["load-balancer"])
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		switch k {
		case "network", "subnet", "router", "router-interface", "security-group", "keypair",
			"server-group", "port", "volume", "server", "floating-ip", "load-balancer":
		default:
			for _, c := range byKind[k] {
				w.skip(c, "the OpenTofu export does not write this kind yet")
			}
		}
	}

	w.res.Files["main.tf"] = hclwrite.Format(mainFile.Bytes())
	w.res.Files["imports.tf"] = hclwrite.Format(importsFile.Bytes())
	w.res.Files["providers.tf"] = providers(opts)
	return w.res, nil
}

func providers(opts Options) []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body()
	tf := b.AppendNewBlock("terraform", nil).Body()
	rp := tf.AppendNewBlock("required_providers", nil).Body()
	rp.SetAttributeValue("openstack", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("terraform-provider-openstack/openstack"),
		"version": cty.StringVal(ProviderVersion),
	}))
	b.AppendNewline()
	v := b.AppendNewBlock("variable", []string{"cloud"}).Body()
	v.SetAttributeValue("description", cty.StringVal("The clouds.yaml entry of the cloud the tenant was migrated to."))
	v.SetAttributeTraversal("type", hcl.Traversal{hcl.TraverseRoot{Name: "string"}})
	if opts.Cloud != "" {
		v.SetAttributeValue("default", cty.StringVal(opts.Cloud))
	}
	b.AppendNewline()
	p := b.AppendNewBlock("provider", []string{"openstack"}).Body()
	p.SetAttributeTraversal("cloud", traversal("var", "cloud"))
	return hclwrite.Format(f.Bytes())
}

func traversal(root string, attrs ...string) hcl.Traversal {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return t
}

func (w *writer) skip(c migrate.Created, why string) {
	w.res.Skipped = append(w.res.Skipped, fmt.Sprintf("%s %s (%s): %s", c.Kind, cmp.Or(c.Name, c.ID), c.ID, why))
}

// label makes a unique resource label of the type from a name.
func (w *writer) label(typ, name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	l := strings.Trim(b.String(), "_-")
	if l == "" {
		l = "unnamed"
	}
	if !unicode.IsLetter(rune(l[0])) {
		l = "r_" + l
	}
	used := w.labels[typ]
	if used == nil {
		used = map[string]bool{}
		w.labels[typ] = used
	}
	out := l
	for i := 2; used[out]; i++ {
		out = fmt.Sprintf("%s_%d", l, i)
	}
	used[out] = true
	return out
}

// resource starts a resource block with its import block and registers
// its address for references to targetID.
func (w *writer) resource(typ, name, targetID, importID string) *hclwrite.Body {
	l := w.label(typ, name)
	if len(w.main.Blocks()) > 0 {
		w.main.AppendNewline()
	}
	b := w.main.AppendNewBlock("resource", []string{typ, l}).Body()
	if len(w.imports.Blocks()) > 0 {
		w.imports.AppendNewline()
	}
	ib := w.imports.AppendNewBlock("import", nil).Body()
	ib.SetAttributeTraversal("to", traversal(typ, l))
	ib.SetAttributeValue("id", cty.StringVal(importID))
	if targetID != "" {
		w.refs[targetID] = traversal(typ, l, "id")
	}
	w.res.Counts[typ]++
	return b
}

// ref sets attr to a reference to the resource written for id, or to the
// raw ID where none was written (a provider's network, an image).
func (w *writer) ref(b *hclwrite.Body, attr, id string) {
	if t, ok := w.refs[id]; ok {
		b.SetAttributeTraversal(attr, t)
		return
	}
	b.SetAttributeValue(attr, cty.StringVal(id))
}

// refTokens is a reference or a quoted raw ID as tokens.
func (w *writer) refTokens(id string) hclwrite.Tokens {
	if t, ok := w.refs[id]; ok {
		return hclwrite.TokensForTraversal(t)
	}
	return hclwrite.TokensForValue(cty.StringVal(id))
}

// refList sets attr to a list of references.
func (w *writer) refList(b *hclwrite.Body, attr string, ids []string) {
	var elems []hclwrite.Tokens
	for _, id := range ids {
		elems = append(elems, w.refTokens(id))
	}
	b.SetAttributeRaw(attr, hclwrite.TokensForTuple(elems))
}

func setString(b *hclwrite.Body, attr, v string) {
	if v != "" {
		b.SetAttributeValue(attr, cty.StringVal(v))
	}
}

func setStrings(b *hclwrite.Body, attr string, vs []string) {
	if len(vs) == 0 {
		return
	}
	var vals []cty.Value
	for _, v := range vs {
		vals = append(vals, cty.StringVal(v))
	}
	b.SetAttributeValue(attr, cty.ListVal(vals))
}

func setMap(b *hclwrite.Body, attr string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	vals := map[string]cty.Value{}
	for k, v := range m {
		vals[k] = cty.StringVal(v)
	}
	b.SetAttributeValue(attr, cty.MapVal(vals))
}

// setTags writes the tags and returns the attribute to ignore: the
// provider imports tags into all_tags only, so tags written would show
// as a change after the import.
func setTags(b *hclwrite.Body, tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	setStrings(b, "tags", tags)
	return []string{"tags"}
}

// ignoreChanges writes a lifecycle block ignoring the attributes that the
// provider does not read back on import (or has defaults for that it does
// not import): the code has the target's values, the state would not.
func ignoreChanges(b *hclwrite.Body, attrs ...string) {
	lifecycle(b, "# The provider does not import these; the values above are the target's.\n"+
		"# Without this block the first apply writes them again, unchanged.\n", attrs...)
}

// ignoreTags keeps the target's tags of a resource whose tags the
// inventory does not record (the migration's own tags on the parts of a
// load balancer) out of the plan.
func ignoreTags(b *hclwrite.Body) {
	lifecycle(b, "# The target's tags on this are the migration's own; they are not written here.\n", "tags")
}

func lifecycle(b *hclwrite.Body, comment string, attrs ...string) {
	if len(attrs) == 0 {
		return
	}
	b.AppendNewline()
	b.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(comment)}})
	lc := b.AppendNewBlock("lifecycle", nil).Body()
	var elems []hclwrite.Tokens
	for _, a := range attrs {
		elems = append(elems, hclwrite.TokensForIdentifier(a))
	}
	lc.SetAttributeRaw("ignore_changes", hclwrite.TokensForTuple(elems))
}

// onTarget calls fn for each created resource that the target's
// inventory holds; the others are skipped, saying so.
func onTarget[T any](w *writer, cs []migrate.Created, items []T, id func(T) string, fn func(migrate.Created, T)) {
	for _, c := range cs {
		it, ok := find(items, id, c.ID)
		if !ok {
			w.skip(c, notOnTarget)
			continue
		}
		fn(c, it)
	}
}

func find[T any](items []T, id func(T) string, want string) (T, bool) {
	for _, it := range items {
		if id(it) == want {
			return it, true
		}
	}
	var zero T
	return zero, false
}
