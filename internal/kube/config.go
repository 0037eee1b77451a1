package kube

import (
	"fmt"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/flowcontrol"
)

// Request limits of every client: a migration makes few calls, but an
// inventory of a large management cluster lists many objects quickly.
const (
	clientQPS     = 50
	clientBurst   = 100
	clientTimeout = 30 * time.Second
	userAgent     = "scs-migrate"
)

// LoadConfig reads a kubeconfig the way kubectl does: path "" means
// $KUBECONFIG or ~/.kube/config, context "" the current context. It
// returns the REST config and the context's namespace ("default" when
// the context names none).
func LoadConfig(path, context string) (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if path != "" {
		rules.ExplicitPath = path
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	return resolve(cc, describeKubeconfig(path, context))
}

// ConfigFromBytes parses a kubeconfig held in memory, such as the
// value of the <cluster>-kubeconfig Secret Cluster API writes.
func ConfigFromBytes(kubeconfig []byte, context string) (*rest.Config, string, error) {
	raw, err := clientcmd.Load(kubeconfig)
	if err != nil {
		return nil, "", fmt.Errorf("parse kubeconfig: %w", err)
	}
	cc := clientcmd.NewNonInteractiveClientConfig(*raw, context, &clientcmd.ConfigOverrides{}, nil)
	return resolve(cc, "the kubeconfig")
}

func resolve(cc clientcmd.ClientConfig, what string) (*rest.Config, string, error) {
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, "", fmt.Errorf("load %s: %w", what, err)
	}
	ns, _, err := cc.Namespace()
	if err != nil {
		return nil, "", fmt.Errorf("load %s: namespace: %w", what, err)
	}
	return cfg, ns, nil
}

func describeKubeconfig(path, context string) string {
	what := "kubeconfig"
	if path != "" {
		what += " " + path
	}
	if context != "" {
		what += fmt.Sprintf(" (context %q)", context)
	}
	return what
}

// tune sets the client limits on a copy of cfg.
func tune(cfg *rest.Config) *rest.Config {
	c := rest.CopyConfig(cfg)
	if c.QPS == 0 {
		c.QPS, c.Burst = clientQPS, clientBurst
	}
	if c.RateLimiter == nil {
		c.RateLimiter = deadlineLimiter{flowcontrol.NewTokenBucketRateLimiter(c.QPS, c.Burst)}
	}
	if c.Timeout == 0 {
		c.Timeout = clientTimeout
	}
	c.UserAgent = userAgent
	return c
}
