package cloud

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// Options tune how a session is opened.
type Options struct {
	// CloudsFile, when set, is the only clouds.yaml looked at (like
	// OS_CLIENT_CONFIG_FILE); otherwise the standard search path is used.
	CloudsFile string
	// APIConcurrency bounds the API calls in flight; 0 means DefaultAPIConcurrency.
	APIConcurrency int
	// Retries is how often a transient failure is retried; 0 means DefaultRetries.
	Retries int
	// Observer, if set, hears about every API call and retry.
	Observer CallObserver
	// Tracer, when set, hears every HTTP attempt (--debug, --timings).
	Tracer Tracer
	// Timeout bounds the wait for a response's headers once the request
	// (with its body) is sent; 0 means DefaultTimeout. Data streams are
	// not cut short by it: an upload's clock starts when it is sent.
	Timeout time.Duration
}

// DefaultAPIConcurrency is the default bound on API calls in flight per cloud.
const DefaultAPIConcurrency = 8

// DefaultTimeout is the default wait for response headers.
const DefaultTimeout = 2 * time.Minute

// Session is an authenticated connection to one project on one cloud.
type Session struct {
	// Name is the cloud name the session was opened with ("" for OS_* variables).
	Name        string
	AuthURL     string
	Region      string
	ProjectID   string
	ProjectName string
	UserID      string
	// Services are the service types in the catalog, sorted.
	Services []string

	Provider *gophercloud.ProviderClient
	Endpoint gophercloud.EndpointOpts

	// Service clients; nil where the catalog has no such service.
	Compute      *gophercloud.ServiceClient
	Image        *gophercloud.ServiceClient
	BlockStorage *gophercloud.ServiceClient
	Network      *gophercloud.ServiceClient
	LoadBalancer *gophercloud.ServiceClient
	// ObjectStore is Swift (catalog type object-store); Identity is
	// Keystone, for the user's own EC2 credentials.
	ObjectStore *gophercloud.ServiceClient
	Identity    *gophercloud.ServiceClient

	transport *transport
	tracing   *tracing // nil without Options.Tracer
	// endpoints are the catalog's URLs by service type (traces).
	endpoints atomic.Pointer[[]catalogEndpoint]
}

// ErrNoCloud means neither a cloud name nor OS_* credentials were given.
var ErrNoCloud = errors.New("no cloud given: name one from clouds.yaml (or set OS_CLOUD), or set OS_AUTH_URL and friends")

// Open authenticates to the named cloud. An empty name falls back to
// OS_CLOUD, then to OS_* environment variables.
func Open(ctx context.Context, name string, opts Options) (*Session, error) {
	ao, eo, tlsConf, err := resolve(name, opts)
	if err != nil {
		return nil, err
	}
	ao.AllowReauth = true
	s := &Session{Name: name, AuthURL: ao.IdentityEndpoint, Region: eo.Region, Endpoint: eo}
	if err := s.connect(ctx, ao, tlsConf, opts); err != nil {
		return nil, fmt.Errorf("authenticate to cloud %s: %w", describe(name, ao.IdentityEndpoint), err)
	}
	return s, nil
}

func describe(name, authURL string) string {
	if name == "" {
		return fmt.Sprintf("at %s", authURL)
	}
	return fmt.Sprintf("%q (%s)", name, authURL)
}

// resolve turns a cloud name (or the environment) into gophercloud's
// options, using gophercloud's own clouds.yaml parser.
func resolve(name string, opts Options) (gophercloud.AuthOptions, gophercloud.EndpointOpts, *tls.Config, error) {
	if name == "" {
		name = os.Getenv("OS_CLOUD")
	}
	if name == "" {
		if os.Getenv("OS_AUTH_URL") == "" {
			return gophercloud.AuthOptions{}, gophercloud.EndpointOpts{}, nil, ErrNoCloud
		}
		ao, err := openstack.AuthOptionsFromEnv()
		if err != nil {
			return ao, gophercloud.EndpointOpts{}, nil, fmt.Errorf("read OS_* variables: %w", err)
		}
		eo := gophercloud.EndpointOpts{Region: os.Getenv("OS_REGION_NAME")}
		return ao, eo, nil, nil
	}
	parseOpts := []clouds.ParseOption{clouds.WithCloudName(name)}
	if opts.CloudsFile != "" {
		parseOpts = append(parseOpts, clouds.WithLocations(opts.CloudsFile))
	}
	ao, eo, tlsConf, err := parseClouds(parseOpts)
	if err != nil {
		return ao, eo, nil, explainParse(name, opts.CloudsFile, err)
	}
	if ao.IdentityEndpoint == "" {
		return ao, eo, nil, fmt.Errorf("cloud %q in %s: auth.auth_url is missing", name, cloudsFileName(opts.CloudsFile))
	}
	return ao, eo, tlsConf, nil
}

// parseClouds calls gophercloud's clouds.yaml parser, which dereferences
// a missing auth section; that becomes an error instead of a crash.
func parseClouds(opts []clouds.ParseOption) (ao gophercloud.AuthOptions, eo gophercloud.EndpointOpts, tc *tls.Config, err error) {
	defer func() {
		if recover() != nil {
			err = errors.New("the entry has no usable auth section (auth: auth_url, credentials)")
		}
	}()
	return clouds.Parse(opts...)
}

func cloudsFileName(f string) string {
	if f != "" {
		return f
	}
	if env := os.Getenv("OS_CLIENT_CONFIG_FILE"); env != "" {
		return env
	}
	return "clouds.yaml"
}

// explainParse turns clouds.Parse errors into messages that name the file.
func explainParse(name, file string, err error) error {
	var nf clouds.ErrFileNotFound
	if errors.As(err, &nf) {
		return fmt.Errorf("cloud %q: %w", name, err)
	}
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("read %s: the file is empty", cloudsFileName(file))
	case strings.HasPrefix(err.Error(), "yaml: "):
		return fmt.Errorf("read %s: not valid clouds.yaml: %w", cloudsFileName(file), err)
	}
	return fmt.Errorf("cloud %q in %s: %w", name, cloudsFileName(file), err)
}

func (s *Session) connect(ctx context.Context, ao gophercloud.AuthOptions, tlsConf *tls.Config, opts Options) error {
	pc, err := openstack.NewClient(ao.IdentityEndpoint)
	if err != nil {
		return err
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	if tlsConf != nil {
		base.TLSClientConfig = tlsConf
	}
	base.ResponseHeaderTimeout = opts.Timeout
	if base.ResponseHeaderTimeout <= 0 {
		base.ResponseHeaderTimeout = DefaultTimeout
	}
	var next http.RoundTripper = base
	if opts.Tracer != nil {
		s.tracing = &tracing{next: base, tracer: opts.Tracer}
		classify := s.serviceOf // before the catalog is known: identity only
		s.tracing.classify.Store(&classify)
		next = s.tracing
	}
	s.transport = newTransport(next, opts)
	pc.HTTPClient = http.Client{Transport: s.transport}
	pc.UseTokenLock()
	if err := openstack.Authenticate(ctx, pc, ao); err != nil {
		return err
	}
	pc.ReauthBeforeTokenExpiration = renewalMargin(time.Until(pc.TokenExpiry()))
	s.Provider = pc
	return s.readToken(ctx)
}

// readToken fills in the project, user and services from the token, and
// creates the service clients the catalog offers.
func (s *Session) readToken(ctx context.Context) error {
	res := s.Provider.GetAuthResult()
	info, err := tokenInfo(res)
	if err != nil {
		return err
	}
	s.ProjectID, s.ProjectName, s.UserID, s.Services = info.projectID, info.projectName, info.userID, info.services
	s.endpoints.Store(&info.endpoints)
	s.Compute = serviceClient(openstack.NewComputeV2(s.Provider, s.Endpoint))
	s.Image = serviceClient(openstack.NewImageV2(s.Provider, s.Endpoint))
	s.BlockStorage = serviceClient(openstack.NewBlockStorageV3(s.Provider, s.Endpoint))
	s.Network = serviceClient(openstack.NewNetworkV2(s.Provider, s.Endpoint))
	s.LoadBalancer = serviceClient(openstack.NewLoadBalancerV2(s.Provider, s.Endpoint))
	s.ObjectStore = serviceClient(openstack.NewObjectStorageV1(s.Provider, s.Endpoint))
	s.Identity = serviceClient(openstack.NewIdentityV3(s.Provider, s.Endpoint))
	if s.Compute != nil {
		s.Compute.Microversion = ComputeMicroversion
	}

	if s.BlockStorage != nil {
		s.BlockStorage.Microversion = VolumeMicroversion
	}
	return nil
}

// serviceClient keeps a service client only if the catalog had a usable
// endpoint for it: gophercloud returns an empty client alongside the
// error, which must not pass for a service.
func serviceClient(sc *gophercloud.ServiceClient, err error) *gophercloud.ServiceClient {
	if err != nil || sc == nil || sc.Endpoint == "" {
		return nil
	}
	return sc
}

// renewalMargin is how long before expiry a token is renewed: 30 s, or a
// quarter of the token's lifetime for short-lived tokens, so that a
// cloud with one-minute tokens is not asked for a new one on every call.
func renewalMargin(lifetime time.Duration) time.Duration {
	if lifetime <= 0 {
		return 30 * time.Second
	}
	return min(30*time.Second, lifetime/4)
}

// ComputeMicroversion is the Nova microversion scs-migrate speaks: 2.79
// (Train) brings tags, server groups in server show (2.71), the
// description and delete_on_termination in volume attachments. Every SCS
// cloud (OpenStack Zed or later) offers it.
const ComputeMicroversion = "2.79"

// VolumeMicroversion is the Cinder microversion scs-migrate speaks (Zed
// offers up to 3.70); 3.60 adds filtering by time, 3.64 encryption_key_id.
const VolumeMicroversion = "3.64"

// Calls reports how many API calls this session has made.
func (s *Session) Calls() int64 { return s.transport.calls.Load() }

// DataTransport is the session's HTTP transport without its retries
// and call slots (TLS and timeouts as configured), for clients that
// retry on their own, such as the S3 client.
func (s *Session) DataTransport() http.RoundTripper { return s.transport.next }

// HTTPClient is the session's HTTP client (bounded, retrying), for data
// streams that gophercloud does not make.
func (s *Session) HTTPClient() *http.Client { return &s.Provider.HTTPClient }

// versionSuffix is an API version at the end of an endpoint, with the
// project's segment after it ("/v2.1", "/v3/<project>", "/v1/AUTH_x").
var versionSuffix = regexp.MustCompile(`/v\d+(\.\d+)?(/[^/]*)?$`)

// serviceOf names the catalog service a URL belongs to: the type of
// the longest catalog endpoint (or its root: version discovery asks
// the root) it starts with; "s3" for the object store's S3 API.
func (s *Session) serviceOf(u *url.URL) string {
	raw := u.String()
	if strings.HasPrefix(raw, strings.TrimSuffix(s.AuthURL, "/")) {
		return "identity"
	}
	best, name := 0, ""
	var eps []catalogEndpoint
	if p := s.endpoints.Load(); p != nil {
		eps = *p
	}
	for _, e := range eps {
		root := strings.TrimSuffix(e.url, "/")
		if e.typ != "object-store" { // Swift shares its root with S3, and nobody discovers its versions
			root = versionSuffix.ReplaceAllString(root, "")
		}
		if root != "" && strings.HasPrefix(raw, root) && len(root) > best && !strings.HasSuffix(e.typ, "-s3") {
			best, name = len(root), e.typ
		}
	}
	if name == "" {
		// S3 answers at the object store's root: the object-store-s3
		// endpoint, else the host of Swift's.
		for _, typ := range []string{"object-store-s3", "object-store"} {
			for _, e := range eps {
				if root, err := S3Root(e.url); err == nil && e.typ == typ && strings.HasPrefix(raw, root) {
					return "s3"
				}
			}
		}
	}
	return name
}
