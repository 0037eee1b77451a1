package inventory_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/scs-migrate/scs-migrate/internal/sim"
	"github.com/scs-migrate/scs-migrate/inventory"
)

// policyProxy stands between the client and the simulator the way a
// cloud with stricter policies would: it drops services from the
// catalog and answers 403 on some paths, in each service's own style.
type policyProxy struct {
	target    *url.URL
	self      string
	drop      map[string]bool // catalog service types to hide
	forbidden []string        // path suffixes answered 403
}

func (p *policyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, f := range p.forbidden {
		if strings.HasSuffix(r.URL.Path, f) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"forbidden": {"code": 403, "message": "Policy doesn't allow this to be performed."}}`)
			return
		}
	}
	rp := httputil.NewSingleHostReverseProxy(p.target)
	rp.ModifyResponse = p.rewrite
	rp.ServeHTTP(w, r)
}

// rewrite points the catalog at the proxy and hides the dropped services.
func (p *policyProxy) rewrite(resp *http.Response) error {
	if !strings.HasSuffix(resp.Request.URL.Path, "/auth/tokens") || resp.StatusCode >= 300 {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	var body map[string]map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		return err
	}
	var kept []any
	for _, e := range body["token"]["catalog"].([]any) {
		if !p.drop[e.(map[string]any)["type"].(string)] {
			kept = append(kept, e)
		}
	}
	body["token"]["catalog"] = kept
	b, _ = json.Marshal(body)
	b = bytes.ReplaceAll(b, []byte(p.target.String()), []byte(p.self))
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	return nil
}

// TestCollectWarnsInsteadOfFailing: a service missing from the catalog
// and a 403 on one kind become warnings; everything else is collected,
// and the document still validates.
func TestCollectWarnsInsteadOfFailing(t *testing.T) {
	e := webshop(t)
	target, _ := url.Parse(e.cloud.URL())
	p := &policyProxy{target: target, drop: map[string]bool{"load-balancer": true, "block-storage": true, "volumev3": true},
		forbidden: []string{"/os-keypairs", "/floatingips"}}
	srv := httptest.NewServer(p)
	defer srv.Close()
	p.self = srv.URL
	clouds := filepath.Join(t.TempDir(), "clouds.yaml")
	entry := sim.CloudEntry{Name: "sim", Cloud: e.cloud, Project: e.cloud.Projects()[0]}
	if err := sim.WriteCloudsYAML(clouds, []sim.CloudEntry{entry}); err != nil {
		t.Fatal(err)
	}
	rewriteFile(t, clouds, e.cloud.URL(), srv.URL)
	s := e.open(t, clouds)

	doc, err := inventory.Collect(e.ctx, s, inventory.Options{})
	if err != nil {
		t.Fatalf("Collect failed instead of warning: %v", err)
	}
	wantWarnings := map[string]string{
		"block-storage": `no block-storage endpoint in the service catalog (region "RegionOne"): volumes, volumeSnapshots, volumeBackups, volumeTypes not collected`,
		"keypairs":      "keypairs not collected: GET /compute/v2.1/os-keypairs: HTTP 403 Forbidden: Policy doesn't allow this to be performed.",
		"floatingIPs":   "floatingIPs not collected: GET /network/v2.0/floatingips: HTTP 403 Forbidden",
	}
	for kind, msg := range wantWarnings {
		if !hasWarning(doc, kind, msg) {
			t.Errorf("no %s warning %q in %+v", kind, msg, doc.Warnings)
		}
	}
	for _, w := range doc.Warnings {
		if w.Kind == "load-balancer" || w.Kind == "object-store" {
			t.Errorf("warning about an optional service: %+v", w)
		}
	}
	if len(doc.Servers) != 5 || len(doc.Ports) == 0 || len(doc.Keypairs) != 0 || len(doc.Volumes) != 0 {
		t.Errorf("servers %d, ports %d, keypairs %d, volumes %d", len(doc.Servers), len(doc.Ports), len(doc.Keypairs), len(doc.Volumes))
	}
	want := []string{"floatingIPs", "keypairs", "volumeBackups", "volumeSnapshots", "volumeTypes", "volumes"}
	if strings.Join(doc.NotCollected, ",") != strings.Join(want, ",") {
		t.Errorf("notCollected %v, want %v", doc.NotCollected, want)
	}
	if err := doc.Validate(); err != nil {
		t.Errorf("a partial document must still validate: %v", err)
	}
	if s := inventory.Summarize(doc); len(s.Warnings) != len(doc.Warnings) {
		t.Errorf("summary shows %d warnings, document %d", len(s.Warnings), len(doc.Warnings))
	}
}

func hasWarning(doc *inventory.Document, kind, msg string) bool {
	for _, w := range doc.Warnings {
		if w.Kind == kind && strings.HasPrefix(w.Message, msg) {
			return true
		}
	}
	return false
}
