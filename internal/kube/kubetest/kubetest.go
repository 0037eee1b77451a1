// Package kubetest runs a real kube-apiserver (with etcd) for tests,
// through controller-runtime's envtest, with the CRDs of
// internal/kube/testdata/crds installed. The binaries come from
// KUBEBUILDER_ASSETS (hack/kube/build-apiserver.sh builds them); tests
// skip only when it is unset or the binaries are absent. Product code
// never imports this package.
package kubetest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/scs-migrate/scs-migrate/internal/kube"
)

// AssetsEnv names the folder holding kube-apiserver and etcd.
const AssetsEnv = "KUBEBUILDER_ASSETS"

// ErrNoAssets means the binaries are not there; tests skip.
var ErrNoAssets = errors.New("no kube-apiserver/etcd binaries")

// Env is one running API server.
type Env struct {
	env *envtest.Environment
	// Config is an admin (system:masters) config for the server.
	Config *rest.Config
	// StartTime is how long the start took (etcd, apiserver, CRDs).
	StartTime time.Duration
}

// CRDDir is the folder of the CRDs the server gets.
func CRDDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "crds")
}

// assets returns the folder with the binaries, or an error wrapping
// ErrNoAssets.
func assets() (string, error) {
	dir := os.Getenv(AssetsEnv)
	if dir == "" {
		return "", fmt.Errorf("%w: %s is not set", ErrNoAssets, AssetsEnv)
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(dir, bin)); err != nil {
			return "", fmt.Errorf("%w: %v", ErrNoAssets, err)
		}
	}
	return dir, nil
}

// Start starts an API server with the CRDs installed and established.
// It returns an error wrapping ErrNoAssets when the binaries are absent.
func Start() (*Env, error) {
	dir, err := assets()
	if err != nil {
		return nil, err
	}
	e := &Env{env: &envtest.Environment{
		BinaryAssetsDirectory: dir,
		CRDDirectoryPaths:     []string{CRDDir()},
		ErrorIfCRDPathMissing: true,
	}}
	start := time.Now()
	cfg, err := e.env.Start()
	if err != nil {
		return nil, fmt.Errorf("start kube-apiserver: %w", err)
	}
	e.Config, e.StartTime = cfg, time.Since(start)
	return e, nil
}

// Stop stops the server and removes its data.
func (e *Env) Stop() error { return e.env.Stop() }

// Clients are admin clients of the server with the given namespace.
func (e *Env) Clients(namespace string) (*kube.Clients, error) {
	return kube.NewClients(e.Config, namespace)
}

// Kubeconfig is an admin kubeconfig of the server (client certificate),
// as Cluster API writes into a <cluster>-kubeconfig Secret.
func (e *Env) Kubeconfig(user string) ([]byte, error) {
	return e.kubeconfig(user, "system:masters")
}

// RestrictedKubeconfig is a kubeconfig of a user in no group: it may
// discover APIs but read nothing.
func (e *Env) RestrictedKubeconfig(user string) ([]byte, error) { return e.kubeconfig(user) }

func (e *Env) kubeconfig(user string, groups ...string) ([]byte, error) {
	u, err := e.env.AddUser(envtest.User{Name: user, Groups: groups}, nil)
	if err != nil {
		return nil, fmt.Errorf("add user %s: %w", user, err)
	}
	return u.KubeConfig()
}
