package kubesim

import (
	"github.com/scs-migrate/scs-migrate/internal/clock"

	"cmp"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// object is a stored object as JSON-decoded maps.
type object = map[string]any

// statusError is an API error answer (a metav1.Status).
type statusError struct {
	code    int
	reason  metav1.StatusReason
	message string
}

func (e *statusError) Error() string { return e.message }

func notFound(r resource, name string) *statusError {
	return &statusError{http.StatusNotFound, metav1.StatusReasonNotFound, fmt.Sprintf("%s %q not found", qualified(r), name)}
}

func qualified(r resource) string {
	if r.group == "" {
		return r.name
	}
	return r.name + "." + r.group
}

func badRequest(format string, args ...any) *statusError {
	return &statusError{http.StatusBadRequest, metav1.StatusReasonBadRequest, fmt.Sprintf(format, args...)}
}

// store holds the objects of one API server. Every read and write
// copies, so callers never share maps with it.
type store struct {
	clock clock.Clock
	mu    sync.Mutex
	rv    int64
	objs  map[string]map[string]object // resource name.group → "namespace/name" → object
}

func newStore(clk clock.Clock) *store {
	s := &store{clock: clock.Or(clk), objs: map[string]map[string]object{}}
	for _, ns := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		r, _ := findResource("", "v1", "namespaces")
		s.create(r, "", object{"metadata": map[string]any{"name": ns}})
	}
	return s
}

func key(ns, name string) string { return ns + "/" + name }

func deepCopy(o object) object {
	b, _ := json.Marshal(o)
	var out object
	json.Unmarshal(b, &out)
	return out
}

func meta(o object) map[string]any {
	m, _ := o["metadata"].(map[string]any)
	if m == nil {
		m = map[string]any{}
		o["metadata"] = m
	}
	return m
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// dnsName is what Kubernetes accepts as an object name.
var dnsName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`)

func (s *store) get(r resource, ns, name string) (object, *statusError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objs[qualified(r)][key(ns, name)]
	if !ok {
		return nil, notFound(r, name)
	}
	return deepCopy(o), nil
}

// list returns the objects of a namespace ("" for all) that match the
// selectors, sorted by namespace and name, and the list's version.
func (s *store) list(r resource, ns string, sel labels.Selector, fields map[string]string) ([]object, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []object
	for _, o := range s.objs[qualified(r)] {
		m := meta(o)
		if ns != "" && str(m, "namespace") != ns || !sel.Matches(labelSet(m)) {
			continue
		}
		if v, ok := fields["metadata.name"]; ok && str(m, "name") != v {
			continue
		}
		if v, ok := fields["metadata.namespace"]; ok && str(m, "namespace") != v {
			continue
		}
		out = append(out, deepCopy(o))
	}
	slices.SortFunc(out, func(a, b object) int {
		ma, mb := meta(a), meta(b)
		return cmp.Or(cmp.Compare(str(ma, "namespace"), str(mb, "namespace")), cmp.Compare(str(ma, "name"), str(mb, "name")))
	})
	return out, strconv.FormatInt(s.rv, 10)
}

func labelSet(m map[string]any) labels.Set {
	set := labels.Set{}
	l, _ := m["labels"].(map[string]any)
	for k, v := range l {
		set[k], _ = v.(string)
	}
	return set
}

// create stores a new object: the namespace must exist, the name must be
// free; uid, resourceVersion, generation and creationTimestamp are set,
// and status is dropped where a status subresource owns it.
func (s *store) create(r resource, ns string, o object) (object, *statusError) {
	o = deepCopy(o)
	m := meta(o)
	if gn := str(m, "generateName"); str(m, "name") == "" && gn != "" {
		m["name"] = gn + randomHex(3)
	}
	name := str(m, "name")
	if !dnsName.MatchString(name) || len(name) > 253 {
		return nil, &statusError{http.StatusUnprocessableEntity, metav1.StatusReasonInvalid, fmt.Sprintf("%s %q is invalid: metadata.name: a lowercase RFC 1123 subdomain is required", r.kind, name)}
	}
	if !r.namespaced {
		ns = ""
	}
	if n := str(m, "namespace"); r.namespaced && n != "" && n != ns {
		return nil, badRequest("the namespace of the object (%s) does not match the namespace of the request (%s)", n, ns)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.namespaced {
		if _, ok := s.objs["namespaces"][key("", ns)]; !ok {
			return nil, &statusError{http.StatusNotFound, metav1.StatusReasonNotFound, fmt.Sprintf("namespaces %q not found", ns)}
		}
		m["namespace"] = ns
	}
	all := s.objs[qualified(r)]
	if all == nil {
		all = map[string]object{}
		s.objs[qualified(r)] = all
	}
	if _, taken := all[key(ns, name)]; taken {
		return nil, &statusError{http.StatusConflict, metav1.StatusReasonAlreadyExists, fmt.Sprintf("%s %q already exists", qualified(r), name)}
	}
	if r.status {
		delete(o, "status")
	}
	normalize(r, o)
	if r.name == "namespaces" {
		o["status"] = map[string]any{"phase": "Active"}
	}
	s.rv++
	m["uid"] = uuid()
	m["resourceVersion"] = strconv.FormatInt(s.rv, 10)
	m["generation"] = int64(1)
	m["creationTimestamp"] = s.clock.Now().UTC().Format(time.RFC3339)
	o["apiVersion"], o["kind"] = r.apiVersion(), r.kind
	all[key(ns, name)] = deepCopy(o)
	return deepCopy(o), nil
}

// update replaces an object (sub "") or its status (sub "status"). A
// stale resourceVersion is a conflict. With a status subresource a
// plain update keeps the old status and a status update changes nothing
// else; without one, /status does not exist. generation counts the
// changes of everything but metadata (and status, where a subresource
// owns it).
func (s *store) update(r resource, ns, name, sub string, o object) (object, *statusError) {
	if sub == "status" && !r.status {
		return nil, notFound(r, name)
	}
	if !r.namespaced {
		ns = ""
	}
	o = deepCopy(o)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.objs[qualified(r)][key(ns, name)]
	if !ok {
		return nil, notFound(r, name)
	}
	m, om := meta(o), meta(old)
	if rv := str(m, "resourceVersion"); rv != "" && rv != str(om, "resourceVersion") {
		return nil, &statusError{http.StatusConflict, metav1.StatusReasonConflict,
			fmt.Sprintf("Operation cannot be fulfilled on %s %q: the object has been modified; please apply your changes to the latest version and try again", qualified(r), name)}
	}
	next := o
	switch {
	case sub == "status":
		next = deepCopy(old)
		setOrDelete(next, "status", o["status"])
	case r.status:
		setOrDelete(next, "status", old["status"])
	}
	normalize(r, next)
	nm := meta(next)
	for _, k := range []string{"name", "namespace", "uid", "creationTimestamp"} {
		nm[k] = om[k]
	}
	gen, _ := om["generation"].(float64)
	if changed(old, next, r.status) {
		gen++
	}
	s.rv++
	nm["generation"] = int64(gen)
	nm["resourceVersion"] = strconv.FormatInt(s.rv, 10)
	next["apiVersion"], next["kind"] = r.apiVersion(), r.kind
	s.objs[qualified(r)][key(ns, name)] = deepCopy(next)
	return deepCopy(next), nil
}

// normalize does what the API server's conversion does: a Secret's
// stringData is written into data, base64-encoded.
func normalize(r resource, o object) {
	if r.name != "secrets" {
		return
	}
	sd, _ := o["stringData"].(map[string]any)
	if len(sd) == 0 {
		delete(o, "stringData")
		return
	}
	data, _ := o["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	for k, v := range sd {
		s, _ := v.(string)
		data[k] = base64.StdEncoding.EncodeToString([]byte(s))
	}
	o["data"] = data
	delete(o, "stringData")
}

func setOrDelete(o object, k string, v any) {
	if v == nil {
		delete(o, k)
		return
	}
	o[k] = v
}

// changed compares two objects without metadata (and status when a
// subresource owns it).
func changed(a, b object, statusApart bool) bool {
	strip := func(o object) object {
		c := deepCopy(o)
		delete(c, "metadata")
		delete(c, "apiVersion")
		delete(c, "kind")
		if statusApart {
			delete(c, "status")
		}
		return c
	}
	return !reflect.DeepEqual(strip(a), strip(b))
}

// remove deletes an object; a namespace takes its contents with it.
func (s *store) remove(r resource, ns, name string) *statusError {
	if !r.namespaced {
		ns = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.objs[qualified(r)][key(ns, name)]; !ok {
		return notFound(r, name)
	}
	delete(s.objs[qualified(r)], key(ns, name))
	s.rv++
	if r.name == "namespaces" {
		for _, all := range s.objs {
			for k, o := range all {
				if str(meta(o), "namespace") == name {
					delete(all, k)
				}
			}
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func uuid() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
