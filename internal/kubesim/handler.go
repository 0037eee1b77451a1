package kubesim

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"
)

// maxBody bounds a request body.
const maxBody = 8 << 20

// ServeHTTP answers the Kubernetes API: discovery, and get, list,
// create, update, merge patch and delete of the resources.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.token {
		writeStatus(w, &statusError{http.StatusUnauthorized, metav1.StatusReasonUnauthorized, "Unauthorized"})
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.URL.Path == "/version":
		writeJSON(w, http.StatusOK, map[string]string{"major": "1", "minor": "37", "gitVersion": "v1.37.2-kubesim", "platform": "linux/amd64"})
	case r.URL.Path == "/api":
		writeJSON(w, http.StatusOK, metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"},
			ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: r.Host}}})
	case r.URL.Path == "/apis":
		writeJSON(w, http.StatusOK, groupList())
	case len(parts) == 2 && parts[0] == "api":
		s.serveResourceList(w, "", parts[1])
	case len(parts) == 3 && parts[0] == "apis":
		s.serveResourceList(w, parts[1], parts[2])
	case parts[0] == "api" && len(parts) > 2:
		s.serveObjects(w, r, "", parts[1], parts[2:])
	case parts[0] == "apis" && len(parts) > 3:
		s.serveObjects(w, r, parts[1], parts[2], parts[3:])
	default:
		writeStatus(w, &statusError{http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource"})
	}
}

func groupList() metav1.APIGroupList {
	list := metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
	for _, gv := range groupVersions() {
		v := metav1.GroupVersionForDiscovery{GroupVersion: gv[0] + "/" + gv[1], Version: gv[1]}
		list.Groups = append(list.Groups, metav1.APIGroup{Name: gv[0], Versions: []metav1.GroupVersionForDiscovery{v}, PreferredVersion: v})
	}
	return list
}

func (s *Server) serveResourceList(w http.ResponseWriter, group, version string) {
	list := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}}
	list.GroupVersion = version
	if group != "" {
		list.GroupVersion = group + "/" + version
	}
	verbs := metav1.Verbs{"create", "delete", "get", "list", "patch", "update"}
	for _, r := range resources {
		if r.group != group || r.version != version {
			continue
		}
		list.APIResources = append(list.APIResources, metav1.APIResource{Name: r.name, Namespaced: r.namespaced, Kind: r.kind, Verbs: verbs})
		if r.status {
			list.APIResources = append(list.APIResources, metav1.APIResource{Name: r.name + "/status", Namespaced: r.namespaced, Kind: r.kind,
				Verbs: metav1.Verbs{"get", "patch", "update"}})
		}
	}
	if len(list.APIResources) == 0 {
		writeStatus(w, &statusError{http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource"})
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// target is what an object path names.
type target struct {
	res       resource
	namespace string
	name      string
	sub       string
}

// parseTarget reads [namespaces/{ns}/]{resource}[/{name}[/{sub}]];
// namespaces/{name}[/status] is the namespace object itself.
func parseTarget(group, version string, p []string) (target, bool) {
	var t target
	if len(p) >= 3 && p[0] == "namespaces" {
		if r, ok := findResource(group, version, p[2]); ok && r.namespaced {
			t.namespace, p = p[1], p[2:]
		}
	}
	r, ok := findResource(group, version, p[0])
	if !ok || len(p) > 3 {
		return t, false
	}
	t.res = r
	if len(p) > 1 {
		t.name = p[1]
	}
	if len(p) > 2 {
		t.sub = p[2]
	}
	return t, t.sub == "" || t.sub == "status"
}

func (s *Server) serveObjects(w http.ResponseWriter, r *http.Request, group, version string, p []string) {
	t, ok := parseTarget(group, version, p)
	if !ok {
		writeStatus(w, &statusError{http.StatusNotFound, metav1.StatusReasonNotFound, "the server could not find the requested resource"})
		return
	}
	if t.sub == "status" && !t.res.status {
		writeStatus(w, notFound(t.res, t.name))
		return
	}
	switch {
	case r.Method == http.MethodGet && t.name == "":
		s.serveList(w, r, t)
	case r.Method == http.MethodGet:
		answer(w, http.StatusOK)(s.store.get(t.res, t.namespace, t.name))
	case r.Method == http.MethodPost && t.name == "":
		body, err := readObject(r)
		if err != nil {
			writeStatus(w, err)
			return
		}
		answer(w, http.StatusCreated)(s.store.create(t.res, t.namespace, body))
	case r.Method == http.MethodPut && t.name != "":
		body, err := readObject(r)
		if err != nil {
			writeStatus(w, err)
			return
		}
		if n := str(meta(body), "name"); n != t.name {
			writeStatus(w, badRequest("the name of the object (%s) does not match the name on the URL (%s)", n, t.name))
			return
		}
		answer(w, http.StatusOK)(s.store.update(t.res, t.namespace, t.name, t.sub, body))
	case r.Method == http.MethodPatch && t.name != "":
		s.servePatch(w, r, t)
	case r.Method == http.MethodDelete && t.name != "":
		if err := s.store.remove(t.res, t.namespace, t.name); err != nil {
			writeStatus(w, err)
			return
		}
		writeJSON(w, http.StatusOK, metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusSuccess,
			Details: &metav1.StatusDetails{Name: t.name, Group: t.res.group, Kind: t.res.name}})
	default:
		writeStatus(w, &statusError{http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed, r.Method + " is not supported here"})
	}
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, t target) {
	q := r.URL.Query()
	if q.Get("watch") == "true" || q.Get("watch") == "1" {
		writeStatus(w, &statusError{http.StatusMethodNotAllowed, metav1.StatusReasonMethodNotAllowed, "kubesim does not serve watches"})
		return
	}
	sel, err := labels.Parse(q.Get("labelSelector"))
	if err != nil {
		writeStatus(w, badRequest("labelSelector: %v", err))
		return
	}
	fs, err := fields.ParseSelector(q.Get("fieldSelector"))
	if err != nil {
		writeStatus(w, badRequest("fieldSelector: %v", err))
		return
	}
	fm := map[string]string{}
	for _, req := range fs.Requirements() {
		fm[req.Field] = req.Value
	}
	items, rv := s.store.list(t.res, t.namespace, sel, fm)
	if items == nil {
		items = []object{}
	}
	writeJSON(w, http.StatusOK, object{"apiVersion": t.res.apiVersion(), "kind": t.res.kind + "List",
		"metadata": map[string]any{"resourceVersion": rv}, "items": items})
}

// servePatch applies a JSON merge patch (strategic merge patches are
// treated as merge patches; the fields scs-migrate patches merge alike).
func (s *Server) servePatch(w http.ResponseWriter, r *http.Request, t target) {
	ct := r.Header.Get("Content-Type")
	if !strings.Contains(ct, "merge-patch") {
		writeStatus(w, &statusError{http.StatusUnsupportedMediaType, metav1.StatusReasonUnsupportedMediaType, "kubesim supports merge patches only, not " + ct})
		return
	}
	patch, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeStatus(w, badRequest("read body: %v", err))
		return
	}
	var p object
	if err := json.Unmarshal(patch, &p); err != nil {
		writeStatus(w, badRequest("the patch is not a JSON object: %v", err))
		return
	}
	cur, serr := s.store.get(t.res, t.namespace, t.name)
	if serr != nil {
		writeStatus(w, serr)
		return
	}
	answer(w, http.StatusOK)(s.store.update(t.res, t.namespace, t.name, t.sub, mergePatch(cur, p)))
}

// mergePatch applies an RFC 7386 merge patch: null deletes, objects
// merge, anything else replaces.
func mergePatch(doc, patch object) object {
	for k, v := range patch {
		switch pv := v.(type) {
		case nil:
			delete(doc, k)
		case map[string]any:
			dv, _ := doc[k].(map[string]any)
			if dv == nil {
				dv = map[string]any{}
			}
			doc[k] = mergePatch(dv, pv)
		default:
			doc[k] = v
		}
	}
	return doc
}

// protobufDecoder reads the protobuf bodies client-go's typed clients
// send for built-in kinds (answers are JSON, which they accept too).
var protobufDecoder = protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)

func readObject(r *http.Request) (object, *statusError) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), runtime.ContentTypeProtobuf) {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return nil, badRequest("read body: %v", err)
		}
		obj, gvk, err := protobufDecoder.Decode(b, nil, nil)
		if err != nil {
			return nil, badRequest("the body is not a protobuf object: %v", err)
		}
		o, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
		if err != nil {
			return nil, badRequest("convert %s: %v", gvk, err)
		}
		o["apiVersion"], o["kind"] = gvk.GroupVersion().String(), gvk.Kind
		return deepCopy(o), nil
	}
	var o object
	if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&o); err != nil {
		return nil, badRequest("the body is not a JSON object: %v", err)
	}
	return o, nil
}

// answer writes an object, or the error of the call that made it.
func answer(w http.ResponseWriter, code int) func(object, *statusError) {
	return func(o object, err *statusError) {
		if err != nil {
			writeStatus(w, err)
			return
		}
		writeJSON(w, code, o)
	}
}

func writeStatus(w http.ResponseWriter, e *statusError) {
	writeJSON(w, e.code, metav1.Status{TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}, Status: metav1.StatusFailure,
		Message: e.message, Reason: e.reason, Code: int32(e.code)})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
