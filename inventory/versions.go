package inventory

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/gophercloud/gophercloud/v2"
)

// apiVersion is one entry of a version document.
type apiVersion struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Version    string `json:"version"`     // highest microversion
	MinVersion string `json:"min_version"` // lowest microversion
}

// fetchVersions reads the version document at the root of each service
// the session has a client for, e.g. "compute": "v2.1 (2.1–2.96)".
func (c *collector) fetchVersions(ctx context.Context) (int, error) {
	sc := c.s
	clients := map[string]*gophercloud.ServiceClient{
		"compute": sc.Compute, "image": sc.Image, "block-storage": sc.BlockStorage,
		"network": sc.Network, "load-balancer": sc.LoadBalancer,
	}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	c.raw.versions = map[string]string{}
	for svc, sc := range clients {
		if sc == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := readVersion(ctx, sc)
			if err != nil {
				if ctx.Err() == nil {
					c.warn(KindAPIVersions, "%s version document not read: %s", svc, describe(err))
				}
				return
			}
			mu.Lock()
			c.raw.versions[svc] = v
			mu.Unlock()
		}()
	}
	wg.Wait()
	return len(c.raw.versions), ctx.Err()
}

// versionSegment is a path segment naming an API version: v2, v2.1, v3.
var versionSegment = regexp.MustCompile(`^v\d+(\.\d+)?$`)

// serviceRoot is the endpoint without its version (and project) path:
// http://h/compute/v2.1/ → http://h/compute/.
func serviceRoot(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return endpoint
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i, s := range segs {
		if versionSegment.MatchString(s) {
			segs = segs[:i]
			break
		}
	}
	u.Path = "/" + strings.Join(segs, "/")
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery = ""
	return u.String()
}

// readVersion reads a service's version document; Glance and Cinder
// answer 300 Multiple Choices there.
func readVersion(ctx context.Context, sc *gophercloud.ServiceClient) (string, error) {
	var doc struct {
		Version  *apiVersion     `json:"version"`
		Versions json.RawMessage `json:"versions"`
	}
	if err := getJSON(ctx, sc, serviceRoot(sc.Endpoint), &doc, 200, 300); err != nil {
		return "", err
	}
	if doc.Version != nil {
		return doc.Version.String(), nil
	}
	var list []apiVersion
	if json.Unmarshal(doc.Versions, &list) != nil {
		var wrapped struct { // Keystone style: {"versions": {"values": […]}}
			Values []apiVersion `json:"values"`
		}
		json.Unmarshal(doc.Versions, &wrapped)
		list = wrapped.Values
	}
	if len(list) == 0 {
		return "", fmt.Errorf("GET %s: no version in the version document", serviceRoot(sc.Endpoint))
	}
	best := list[len(list)-1]
	for _, v := range list {
		if strings.EqualFold(v.Status, "CURRENT") {
			best = v
		}
	}
	return best.String(), nil
}

// String renders "v2.1 (2.1–2.96)", or just "v2.0" without microversions.
func (v apiVersion) String() string {
	if v.Version == "" {
		return v.ID
	}
	return fmt.Sprintf("%s (%s–%s)", v.ID, v.MinVersion, v.Version)
}
